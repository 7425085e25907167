import FoundationEssentials
import Shell

#if canImport(Glibc)
import Glibc
#endif

/// The logs `tail` and `grep` read (gateway-commands.md §2): the mail log `esa serve` translates,
/// the system log, and the audit log of every shell session.
enum ApplianceLog: String, CaseIterable, Sendable {
    case mailLogs = "mail_logs"
    case systemLogs = "system_logs"
    case cliLogs = "cli_logs"

    /// `"Text Mail Logs"` in the numbered list.
    var type: String {
        switch self {
        case .mailLogs: "Text Mail Logs"
        case .systemLogs: "Text System Logs"
        case .cliLogs: "CLI Audit Logs"
        }
    }

    /// The file inside the data directory.
    func path(in data: URL) -> String {
        switch self {
        case .mailLogs: data.appendingPathComponent("logs/mail_logs/mail.current").path
        case .systemLogs: data.appendingPathComponent("logs/system.log").path
        case .cliLogs: data.appendingPathComponent("logs/audit.log").path
        }
    }

    /// Why the file is not there, for `Unable to tail {log}: {why}`.
    var missingReason: String {
        switch self {
        case .mailLogs: "the mail gateway has not written it yet (start it with \"esa serve\")"
        case .systemLogs: "nothing has been logged yet"
        case .cliLogs: "nothing has been logged yet"
        }
    }

    /// `1. "mail_logs" Type: "Text Mail Logs"`.
    static var listItems: [String] { allCases.map { "\"\($0.rawValue)\" Type: \"\($0.type)\"" } }
}

/// `tail [{log}] [--follow]`: the last lines of a log, then new lines as they come until Ctrl-C
/// (gateway-commands.md §2). Follows on a terminal, or in a script with `--follow`.
public struct TailCommand: DeclaredCommand {
    /// How many lines are shown before following.
    static let lastLines = 20

    static let log = Positional(
        "log",
        ValueParser("{log}", standalone: true, candidates: { _ in ApplianceLog.allCases.map(\.rawValue) }) {
            text,
            _ throws(ShellError) in
            guard let log = ApplianceLog(rawValue: text) else {
                throw .actionFailed(
                    "Unable to tail \(TerminalSafe.escaped(text)): no such log (mail_logs, system_logs, cli_logs)."
                )
            }
            return log
        }
    )
    static let follow = BatchOption.flag("follow")

    public let grammar = Grammar(
        CommandConfiguration("tail", summary: "Continuously display the end of a log file."),
        interactive: { session in try TailCommand.chooseAndTail(session) },
        Form(usage: "tail {log} [--follow]", .argument(TailCommand.log), .option(TailCommand.follow)) {
            values,
            session in
            try TailCommand.tail(
                values[TailCommand.log],
                follow: values.has(TailCommand.follow) || session.environment.mode == .interactive,
                session
            )
        }
    )

    static func chooseAndTail(_ session: Session) throws {
        let index = try session.dialog.choose(
            ["Currently configured logs:"],
            items: ApplianceLog.listItems,
            default: 0
        )
        try tail(ApplianceLog.allCases[index], follow: session.environment.mode == .interactive, session)
    }

    static func tail(_ log: ApplianceLog, follow: Bool, _ session: Session) throws {
        let path = log.path(in: session.environment.dataDirectory)
        let file = try LogFile(path: path, log: log, verb: "tail")
        session.dialog.block("Press Ctrl-C to stop.")
        _ = Interrupts.take()
        var offset = file.size
        for line in file.lastLines(lastLines) { session.console.write(TerminalSafe.escaped(line) + "\n") }
        guard follow else { return }
        var partial = ""
        defer { session.console.write("\n") }  // after the terminal's ^C, the prompt on its own line
        while !Interrupts.take() {
            let size = LogFile.currentSize(path)
            if size < offset { offset = 0 }  // rotated: a new file
            if size > offset, let text = LogFile.read(path, from: offset, count: size - offset) {
                offset = size
                let pieces = (partial + text).split(separator: "\n", omittingEmptySubsequences: false)
                partial = String(pieces.last ?? "")
                for line in pieces.dropLast() { session.console.write(TerminalSafe.escaped(String(line)) + "\n") }
            } else {
                usleep(200_000)
            }
        }
    }
}

/// A log file opened for reading by `tail` and `grep`.
struct LogFile {
    let path: String
    let size: Int

    /// Throws `Unable to {verb} {log}: {why}` when the file is missing or unreadable.
    init(path: String, log: ApplianceLog, verb: String) throws(ShellError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw .actionFailed("Unable to \(verb) \(log.rawValue): \(log.missingReason).")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .actionFailed("Unable to \(verb) \(log.rawValue): the file \(path) cannot be read.")
        }
        size = Self.currentSize(path)
    }

    static func currentSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    static func read(_ path: String, from offset: Int, count: Int) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes[filled...].withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress, $0.count, off_t(offset + filled))
            }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { return nil }
            if got == 0 { break }
            filled += got
        }
        guard filled > 0 else { return nil }
        return String(decoding: bytes[..<filled], as: UTF8.self)
    }

    /// The last `count` complete lines (read from the file's last 256 KiB at most).
    func lastLines(_ count: Int) -> [String] {
        let window = min(size, 256 * 1024)
        guard let text = Self.read(path, from: size - window, count: window) else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if window < size, !lines.isEmpty { lines.removeFirst() }  // cut in the middle
        return Array(lines.suffix(count))
    }

    /// Every line of the file.
    func allLines() -> [String] {
        guard let text = Self.read(path, from: 0, count: size) else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
