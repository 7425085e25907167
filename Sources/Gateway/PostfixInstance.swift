#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The private Postfix instance in the data directory: its folders, its files, its commands.
public struct PostfixInstance: Sendable {
    /// `/usr/sbin/postfix`, or the program `ESA_POSTFIX` names (tests simulate a missing or a
    /// failing Postfix with it).
    public static let postfixProgram: String = {
        if let injected = getenv("ESA_POSTFIX"), let path = String(validatingCString: injected), !path.isEmpty {
            return path
        }
        return "/usr/sbin/postfix"
    }()

    public let paths: GatewayPaths

    public init(paths: GatewayPaths) { self.paths = paths }

    /// Whether Postfix is installed.
    public static var isInstalled: Bool { ChildProcess.isExecutable(postfixProgram) }

    /// Creates the folders Postfix needs (the queue must exist before a start; the data folder
    /// belongs to the `postfix` user).
    public func prepareDirectories() throws {
        // Postfix's daemons run as the `postfix` user and must traverse the data directory (created
        // 0700) to reach the queue and data folders: let others search it, not list it.
        let dataDirectory = String(paths.root.dropLast("/gateway".count))
        var info = stat()
        if stat(dataDirectory, &info) == 0 && info.st_mode & 0o011 != 0o011 {
            chmod(dataDirectory, (info.st_mode & 0o7777) | 0o011)
        }
        for folder in [
            paths.root, paths.configuration, paths.configuration + "/certs", paths.queue, paths.data, paths.log,
        ] {
            try Self.makeDirectory(folder, mode: folder == paths.configuration + "/certs" ? 0o700 : 0o755)
        }
        if let user = getpwnam("postfix") {
            _ = chown(paths.data, user.pointee.pw_uid, user.pointee.pw_gid)
        }
    }

    /// Postfix's daemons open files under the data directory as the `postfix` user, so every folder
    /// above it must let other users pass (`o+x`). The first one that does not, or nil; the message
    /// says what to do (a data directory under /root fails this way).
    public static func unreachableReason(dataDirectory: String) -> String? {
        let postfixUID = getpwnam("postfix")?.pointee.pw_uid
        var ancestor = ""
        let components = dataDirectory.split(separator: "/").dropLast()
        for component in [""] + components.map(String.init) {
            ancestor = component.isEmpty ? "/" : (ancestor == "/" ? "/" : ancestor + "/") + component
            var info = stat()
            guard stat(ancestor, &info) == 0 else { continue }
            if info.st_mode & 0o001 == 0 && info.st_uid != postfixUID {
                let mode = String(info.st_mode & 0o777, radix: 8)
                return "Postfix (user postfix) cannot reach the data directory \(dataDirectory): \(ancestor) is "
                    + "closed to other users (mode \(mode)). Use a data directory outside it (--data-dir /srv/esa) "
                    + "or run chmod o+x \(ancestor)."
            }
        }
        return nil
    }

    static func makeDirectory(_ path: String, mode: mode_t) throws {
        if mkdir(path, mode) != 0 && errno != EEXIST { throw GatewayError.io(path, errno) }
    }

    /// Writes every file of `rendered` into its configuration folder (`paths.configuration` of the
    /// paths it was rendered for): each to a temporary name, then renamed, secrets 0600. Files of an
    /// earlier rendering that this one does not have are removed afterwards.
    public static func write(_ rendered: RenderedGateway, into directory: String) throws {
        try makeDirectory(directory, mode: 0o755)
        try makeDirectory(directory + "/certs", mode: 0o700)
        var names: Set<String> = []
        for file in rendered.files {
            names.insert(file.name)
            let path = directory + "/" + file.name
            let mode: mode_t = file.secret ? 0o600 : 0o644
            // An unchanged file keeps its modification time: Postfix's commands wait until main.cf
            // has been left alone for a second or two before they read it, which would hold every
            // reload after a commit that changed only a certificate.
            if Self.holds(path, file.contents, mode: mode) { continue }
            try writeAtomically(path, file.contents, mode: mode)
        }
        for folder in ["", "certs/"] {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + folder) else {
                continue
            }
            for entry in entries where !names.contains(folder + entry) && entry != "certs" {
                unlink(directory + "/" + folder + entry)
            }
        }
    }

    /// Whether `path` already has exactly `contents` and `mode`.
    static func holds(_ path: String, _ contents: String, mode: mode_t) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o7777 == mode,
            info.st_size == off_t(contents.utf8.count),
            let data = FileManager.default.contents(atPath: path)
        else { return false }
        return data.elementsEqual(contents.utf8)
    }

    /// Writes `contents` to `path` through a temporary file and a rename.
    public static func writeAtomically(_ path: String, _ contents: String, mode: mode_t) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw GatewayError.io(path, errno) }
        fchmod(fd, mode)
        let bytes = Array(contents.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let number = errno
                close(fd)
                unlink(temporary)
                throw GatewayError.io(path, number)
            }
            offset += written
        }
        fsync(fd)
        close(fd)
        guard rename(temporary, path) == 0 else {
            let number = errno
            unlink(temporary)
            throw GatewayError.io(path, number)
        }
    }

    /// `postfix -c {directory} check`: nil when it passed, else the cause in one line.
    public func check(directory: String) -> String? {
        do {
            let outcome = try ChildProcess.run([Self.postfixProgram, "-c", directory, "check"])
            guard !outcome.succeeded else { return nil }
            return Self.cause(outcome.lastLine)
        } catch {
            return "\(error)"
        }
    }

    /// The reason of a Postfix message without its program prefix (`postfix: fatal: …` → `…`).
    static func cause(_ line: String) -> String {
        for marker in ["fatal: ", "error: ", "warning: "] {
            if let range = line.firstRange(of: marker) { return String(line[range.upperBound...]) }
        }
        return line
    }

    /// Starts `postfix -c {etc} start-fg` as a child (its master runs in the foreground).
    public func startForeground() throws -> ChildProcess {
        // A marker that skips two seconds of queue integrity checks at start (gateway.md §1).
        _ = try? Self.writeAtomically(paths.queue + "/quick-start", "", mode: 0o644)
        return try ChildProcess.spawn([Self.postfixProgram, "-c", paths.configuration, "start-fg"])
    }

    /// `postfix reload`: nil on success, else the cause.
    public func reload() -> String? {
        do {
            let outcome = try ChildProcess.run([Self.postfixProgram, "-c", paths.configuration, "reload"])
            return outcome.succeeded ? nil : Self.cause(outcome.lastLine)
        } catch {
            return "\(error)"
        }
    }

    /// `postfix stop` (graceful), bounded; the caller waits for its child.
    public func stop() {
        _ = try? ChildProcess.run([Self.postfixProgram, "-c", paths.configuration, "stop"], timeout: .seconds(20))
    }

    /// Whether a master of this instance runs (`postfix status`).
    public func isRunning() -> Bool {
        (try? ChildProcess.run([Self.postfixProgram, "-c", paths.configuration, "status"]))?.succeeded ?? false
    }
}

/// Trying to bind a listener's socket before Postfix does: one unbindable address takes the whole
/// master down at start or reload, silently (gateway.md §2).
public enum BindProbe {
    /// nil when `address:port` can be bound now, else the reason (`Address already in use`).
    public static func probe(address: String, port: Int) -> String? {
        let ipv6 = address.contains(":")
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var result: Int32
        if ipv6 {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, address, &socketAddress.sin6_addr) == 1 else { return "invalid address" }
            result = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else { return "invalid address" }
            result = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        return result == 0 ? nil : String(cString: strerror(errno))
    }
}
