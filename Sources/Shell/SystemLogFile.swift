import FoundationEssentials
import TextSupport

/// The appliance's system log (mail-logs.md §5): `{date} {Level}: {text}` lines appended to one
/// file in the data directory, by the shell's commits and by `esa serve` alike.
public struct SystemLogFile: Sendable {
    public let path: String
    public let clock: ShellClock

    public init(dataDirectory: URL, clock: ShellClock) {
        path = DataDirectory(url: dataDirectory).systemLog.path
        self.clock = clock
    }

    /// Appends `{date} {message}`; `message` starts with its level (`Info: …`, `Warning: …`). Control
    /// characters (from a commit comment, a certificate, Postfix) are escaped; one `write` with
    /// O_APPEND, so lines of several processes never interleave.
    public func write(_ message: String) throws(ShellError) {
        let line = "\(clock.appliance(clock.now(), zone: false)) \(TerminalSafe.escaped(message))\n"
        try? OwnerOnlyFolder.create(atPath: path.deletingLastPathComponent)
        try FileOutput.append(line, toFileAt: path)
    }

    /// Like ``write(_:)``, for callers that have nobody to tell when the disk is full.
    public func append(_ message: String) {
        try? write(message)
    }
}
