import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends lines to `{folder}/{name}.current` (e.g. `logs/mail_logs/mail.current`) and rotates it:
/// past `maximumBytes` the file ends with `End Logfile`, is renamed `{name}.@{yyyymmddThhmmss}.s`,
/// and a new one starts with `Begin Logfile` and the version line (mail-logs.md §1). The newest
/// `keep` rotated files are kept. Control characters in lines are written as `?`.
public final class MailLogWriter {
    public let folder: String
    public let name: String
    public let maximumBytes: Int
    public let keep: Int
    private let version: String
    private let serial: String
    private let now: @Sendable () -> LogTime
    private var descriptor: Int32 = -1
    private var size = 0
    private var buffer: [UInt8] = []

    public var currentPath: String { folder + "/" + name + ".current" }

    /// The local wall-clock time now.
    public static let localClock: @Sendable () -> LogTime = { localTime(Date()) }

    /// Opens (creating the folder and file owner-only). Throws `MailLogError` naming the path.
    public init(
        folder: String,
        name: String,
        version: String,
        serial: String,
        maximumBytes: Int = 10 * 1_048_576,
        keep: Int = 10,
        now: @escaping @Sendable () -> LogTime
    ) throws(MailLogError) {
        self.folder = folder
        self.name = name
        self.version = version
        self.serial = serial
        self.maximumBytes = maximumBytes
        self.keep = keep
        self.now = now
        try Self.makeFolder(folder)
        try open()
    }

    deinit {
        flush()
        if descriptor >= 0 { close(descriptor) }
    }

    private static func makeFolder(_ path: String) throws(MailLogError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o700) != 0 && errno != EEXIST {
                throw MailLogError("\(partial) cannot be created: \(String(cString: strerror(errno)))")
            }
        }
    }

    private func open() throws(MailLogError) {
        let fd = Glibc.open(currentPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw MailLogError("\(currentPath) cannot be opened: \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        var info = stat()
        size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        if size == 0 { header() }
    }

    private func header() {
        let stamp = now().applianceText
        append(stamp + " Info: Begin Logfile")
        append(stamp + " Info: Version: \(version) SN: \(serial)")
    }

    /// Appends one line (a newline is added). Buffered: call `flush` when a batch is done.
    public func write(_ line: String) {
        if size + buffer.count >= maximumBytes { rotate() }
        append(line)
        if buffer.count >= 64 * 1024 { flush() }
    }

    private func append(_ line: String) {
        for byte in line.utf8 {
            buffer.append(byte < 0x20 || byte == 0x7F ? UInt8(ascii: "?") : byte)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Writes the buffered lines to the file.
    public func flush() {
        guard !buffer.isEmpty, descriptor >= 0 else { return }
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { break }
            offset += written
        }
        size += offset
        buffer.removeAll(keepingCapacity: true)
    }

    private func rotate() {
        let date = now()
        append(date.applianceText + " Info: End Logfile")
        flush()
        close(descriptor)
        descriptor = -1
        var target = folder + "/" + name + ".@" + Self.compactTime(date) + ".s"
        var suffix = 1
        while access(target, F_OK) == 0 {
            suffix += 1
            target = folder + "/" + name + ".@" + Self.compactTime(date) + "-\(suffix).s"
        }
        rename(currentPath, target)
        prune()
        size = 0
        try? open()
    }

    /// The rotated files, oldest first.
    public func rotatedFiles() -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        let prefix = name + ".@"
        while let entry = readdir(directory) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if entryName.hasPrefix(prefix) && entryName.hasSuffix(".s") { names.append(entryName) }
        }
        return names.sorted()
    }

    private func prune() {
        let files = rotatedFiles()
        guard files.count > keep else { return }
        for file in files.prefix(files.count - keep) { unlink(folder + "/" + file) }
    }

    /// `Mon Mar 5 14:21:04 2018` in local time.
    public static func applianceTime(_ date: Date) -> String {
        localTime(date).applianceText
    }

    /// The local wall-clock time of `date`.
    public static func localTime(_ date: Date) -> LogTime {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        return LogTime(
            year: Int(parts.tm_year) + 1900,
            month: Int(parts.tm_mon) + 1,
            day: Int(parts.tm_mday),
            hour: Int(parts.tm_hour),
            minute: Int(parts.tm_min),
            second: Int(parts.tm_sec)
        )
    }

    private static func compactTime(_ time: LogTime) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(time.year)\(two(time.month))\(two(time.day))T\(two(time.hour))\(two(time.minute))\(two(time.second))"
    }
}

/// A mail log file or state that cannot be read or written; the message names the path.
public struct MailLogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
