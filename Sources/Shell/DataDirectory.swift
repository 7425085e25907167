import FoundationEssentials
import TextSupport

#if canImport(Glibc)
import Glibc
#endif

/// Folders esa creates: owner-only (0700), with any missing parents; one that exists is left as it is.
public enum OwnerOnlyFolder {
    public static func create(atPath path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
    }

    public static func create(_ folder: URL) throws { try create(atPath: folder.path) }
}

/// The data directory: created on first start, holds the store, the appliance identity, history,
/// logs and the `configuration/` folder that plays the appliance's `/configuration`.
public struct DataDirectory: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// `$XDG_DATA_HOME/esa`, or `~/.local/share/esa`.
    public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("esa", isDirectory: true)
        }
        let home =
            environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".local/share/esa", isDirectory: true)
    }

    public var storePath: String { url.appendingPathComponent("config.db").path }
    public var configurationFolder: URL { url.appendingPathComponent("configuration", isDirectory: true) }
    public func historyPath(user: String) -> String { url.appendingPathComponent("history-\(user)").path }
    public var auditLog: URL { url.appendingPathComponent("logs/audit.log") }
    /// The system log (commits, alerts, the gateway's warnings).
    public var systemLog: URL { url.appendingPathComponent("logs/system.log") }
    private var identityFile: URL { url.appendingPathComponent("appliance.json") }
    private func lastLoginFile(user: String) -> URL { url.appendingPathComponent("lastlogin-\(user).json") }

    /// Whether esa may write in the data directory.
    public enum Access: Sendable, Equatable {
        case writable
        /// A data directory used before that cannot be written now (a read-only mount, a copy under
        /// inspection): viewing commands only, nothing is created, tightened or recorded.
        case readOnly
    }

    /// Creates the folders (owner-only) if they are missing. Throws an I/O error naming the folder —
    /// unless the data directory was used before and cannot be written: then it is `.readOnly`.
    @discardableResult
    public func prepare() throws(ShellError) -> Access {
        if isInitialised, !FileManager.default.isWritableFile(atPath: url.path) { return .readOnly }
        for folder in [url, configurationFolder, url.appendingPathComponent("logs", isDirectory: true)] {
            do {
                try OwnerOnlyFolder.create(folder)
            } catch {
                throw ShellError.io("The data directory \(folder.path) cannot be created: \(Self.reason(error)).")
            }
        }
        guard FileManager.default.isWritableFile(atPath: url.path) else {
            throw ShellError.io("The data directory \(url.path) is not writable.")
        }
        return .writable
    }

    /// Makes what esa keeps owner-only: the data directory (0700, or 0711 for esa serve's Postfix),
    /// `configuration/` and `logs/` (0700) and
    /// the files esa writes in the data directory and in `logs/` (0600). Returns one warning line per
    /// path whose mode was looser and has been tightened.
    @discardableResult
    public func tightenModes() -> [String] {
        var warnings: [String] = []
        func tighten(_ path: String, to mode: mode_t, folder: Bool) {
            var status = stat()
            guard lstat(path, &status) == 0 else { return }
            let kind = status.st_mode & S_IFMT
            guard kind == (folder ? S_IFDIR : S_IFREG), status.st_uid == geteuid() else { return }
            let current = status.st_mode & 0o7777
            guard current & ~mode & 0o077 != 0 else { return }
            guard chmod(path, current & mode) == 0 else { return }
            warnings.append(
                "Warning: \(path) was readable by others (mode \(String(current, radix: 8))); "
                    + "it is now \(String(current & mode, radix: 8))."
            )
        }
        // The data directory itself may be searchable (not readable) by others: `esa serve` lets the
        // `postfix` user reach its queue in `gateway/` that way (Docs/Gateway.md).
        tighten(url.path, to: 0o711, folder: true)
        for folder in [configurationFolder, url.appendingPathComponent("logs", isDirectory: true)] {
            tighten(folder.path, to: 0o700, folder: true)
        }
        for folder in [url, url.appendingPathComponent("logs", isDirectory: true)] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() {
                tighten(folder.appendingPathComponent(name).path, to: 0o700, folder: false)
            }
        }
        return warnings
    }

    private struct Identity: Codable {
        var serialNumber: String
        var installDate: Date
    }

    /// Whether esa has run in this folder before: it holds the appliance identity or a store (even an
    /// empty one). In such a folder a missing or damaged file is reported, never re-created.
    public var isInitialised: Bool {
        FileManager.default.fileExists(atPath: identityFile.path) || FileManager.default.fileExists(atPath: storePath)
    }

    /// The serial number and install date when the identity file exists; throws when it is damaged.
    public func existingIdentity() throws(ShellError) -> (serial: String, installDate: Date)? {
        guard FileManager.default.fileExists(atPath: identityFile.path) else { return nil }
        guard let data = try? Data(contentsOf: identityFile),
            let identity = try? JSONDecoder().decode(Identity.self, from: data)
        else {
            throw ShellError.io(
                "The appliance identity \(identityFile.path) is damaged; restore it from a backup (nothing was changed)."
            )
        }
        return (identity.serialNumber, identity.installDate)
    }

    /// The serial number and install date. Generated when the file is missing and `create` is true
    /// (first start); a missing file otherwise, or a damaged one, throws and nothing is written.
    public func identity(
        now: Date,
        create: Bool = true,
        random: () -> UInt8 = { UInt8.random(in: 0...255) }
    ) throws(ShellError) -> (
        serial: String, installDate: Date
    ) {
        if let existing = try existingIdentity() { return existing }
        guard create else {
            throw ShellError.io(
                "The appliance identity \(identityFile.path) is missing; restore it from a backup (nothing was changed)."
            )
        }
        let serial = (0..<16).map { _ in String(printf: "%02X", random()) }.joined()
        let identity = Identity(serialNumber: serial, installDate: now)
        do {
            try JSONEncoder().encode(identity).write(to: identityFile, options: .atomic)
        } catch {
            throw ShellError.io("\(identityFile.path) cannot be written: \(Self.reason(error)).")
        }
        return (serial, now)
    }

    private struct LastLogin: Codable {
        var date: Date
        var from: String
    }

    /// The previous login of `user`, then records this one.
    public func recordLogin(user: String, now: Date, from: String) -> (date: Date, from: String)? {
        let file = lastLoginFile(user: user)
        let previous = (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode(LastLogin.self, from: $0) }
        if let data = try? JSONEncoder().encode(LastLogin(date: now, from: from)) {
            try? data.write(to: file, options: .atomic)
        }
        return previous.map { ($0.date, $0.from) }
    }

    /// Opens the audit log for appending (created owner-only); nil when it cannot be opened.
    public func openAuditLog(limit: Int = AuditLog.runLimit) -> AuditLog? {
        AuditLog(path: auditLog.path, limit: limit)
    }

    /// A failed file operation in the appliance's words ("permission denied").
    static func reason(_ error: any Error) -> String {
        if let posix = (error as? CocoaError)?.underlying as? POSIXError {
            return FileOutput.reason(posix.code.rawValue)
        }
        if let posix = error as? POSIXError { return FileOutput.reason(posix.code.rawValue) }
        switch (error as? CocoaError)?.code {
        case .fileNoSuchFile?, .fileReadNoSuchFile?: return FileOutput.reason(ENOENT)
        case .fileWriteNoPermission?, .fileReadNoPermission?: return FileOutput.reason(EACCES)
        case .fileWriteOutOfSpace?: return FileOutput.reason(ENOSPC)
        case .fileWriteVolumeReadOnly?: return FileOutput.reason(EROFS)
        default: return FileOutput.reason(EIO)
        }
    }
}

/// The audit log (shell.md §15.4): one line per top-level command of every session — time, user,
/// mode and exit status — kept open for the session, so a 10,000-line script costs one open.
///
/// A record is written whole or not at all: a write cut short (a full disk) is truncated away, so the
/// file never holds a torn line. A record that cannot be written is kept (up to
/// ``maximumBacklog``) and written before the next one once there is room again; ``record`` says so
/// the first time, and ``finish()`` reports what is still unwritten at the end — nothing is dropped
/// silently.
///
/// Control characters are escaped (a CR or LF cannot forge a line). One run writes at most
/// `runLimit` bytes: the line that reaches it says that the rest of the run is not recorded.
public final class AuditLog {
    /// Records kept in memory while the log cannot be written; later ones are counted as lost.
    public static let maximumBacklog = 10_000

    public let path: String
    private let descriptor: Int32
    /// Bytes one run may append: 64 MiB.
    public static let runLimit = 64 * 1_048_576
    private let limit: Int
    private var written = 0
    private var backlog: [[UInt8]] = []
    private var lost = 0
    private var failure: String?

    init?(path: String, limit: Int = AuditLog.runLimit) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        self.path = path
        descriptor = fd
        self.limit = limit
    }

    deinit { close(descriptor) }

    /// Appends `{time} user={user} mode={mode} status={n} command={line}`; the time is local, ISO 8601.
    /// Returns a one-line warning when the log stops being writable (once, until it recovers).
    @discardableResult
    public func record(date: Date, user: String, mode: SessionMode, status: ExitStatus, line: String) -> String? {
        guard written < limit else { return nil }
        let head = "\(Self.timestamp(date)) user=\(TerminalSafe.escaped(user)) mode=\(mode.rawValue) "
        var text = head + "status=\(status.rawValue) command=\(TerminalSafe.escaped(line))\n"
        if written + text.utf8.count > limit {
            text =
                head + "status=\(status.rawValue) audit limit of \(limit) bytes for this run reached; "
                + "later commands of this run are not recorded\n"
            written = limit
        } else {
            written += text.utf8.count
        }
        if backlog.count < Self.maximumBacklog {
            backlog.append(Array(text.utf8))
        } else {
            lost += 1
        }
        let wasFailing = failure != nil
        while let next = backlog.first {
            if let problem = append(next) {
                failure = problem
                return wasFailing
                    ? nil
                    : "The audit log \(path) cannot be written: \(problem); its records are kept until it can be."
            }
            backlog.removeFirst()
        }
        failure = nil
        return nil
    }

    /// A one-line report of the records that could not be written, or nil when all were.
    public func finish() -> String? {
        let unwritten = backlog.count + lost
        guard unwritten > 0 else { return nil }
        let noun = unwritten == 1 ? "record" : "records"
        return "\(unwritten) audit \(noun) could not be written to \(path): \(failure ?? "write error")."
    }

    /// Writes one record whole; on failure removes any part written and returns the reason.
    private func append(_ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 {
                let code = written < 0 ? errno : ENOSPC
                if offset > 0 { removeTail(offset) }
                return code == ENOSPC || code == EDQUOT
                    ? "no space left on the device" : String(cString: strerror(code))
            }
            offset += written
        }
        return nil
    }

    /// Truncates the `count` bytes this process just appended, if nothing was appended after them.
    private func removeTail(_ count: Int) {
        let position = lseek(descriptor, 0, SEEK_CUR)
        var status = stat()
        guard position >= count, fstat(descriptor, &status) == 0, status.st_size == position else { return }
        _ = ftruncate(descriptor, position - off_t(count))
    }

    /// `2026-09-22T09:00:00+0000` in the process's time zone (strftime: no formatter to build per line).
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 40)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
