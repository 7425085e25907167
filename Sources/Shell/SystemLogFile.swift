import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The appliance's system log (mail-logs.md §5): `{date} {Level}: {text}` lines appended to one
/// file in the data directory, by the shell's commits and by `esa serve` alike.
public struct SystemLogFile: Sendable {
    public let path: String
    public let clock: ShellClock

    public init(dataDirectory: URL, clock: ShellClock) {
        path = DataDirectory(url: dataDirectory).systemLog.path
        self.clock = clock
    }

    /// Appends `{date} {message}`; `message` starts with its level (`Info: …`, `Warning: …`).
    /// One `write` with O_APPEND, so lines of several processes never interleave.
    public func append(_ message: String) {
        let line = "\(clock.appliance(clock.now(), zone: false)) \(message)\n"
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
