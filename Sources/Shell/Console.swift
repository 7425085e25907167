/// What kind of input a prompt waits for. Consoles use it to decide on echo, history and completion.
public enum InputKind: Sendable, Equatable {
    /// A line at the top-level `hostname> ` prompt (goes into history).
    case command
    /// An answer to a question or a menu choice (never in history).
    case answer
    /// A secret such as a passphrase: never echoed, never in history or logs.
    case secret
    /// One line of a multi-line paste ended by `.`.
    case paste
}

/// Why a line could not be taken as text.
public enum InputProblem: Sendable, Equatable {
    /// Not valid UTF-8, or holding a NUL byte.
    case notText
    /// Longer than `Console.maximumLineBytes`.
    case tooLong
    /// Holding a control character other than TAB (ESC, CR, BEL, …): typed text never carries one.
    case controlCharacter
}

/// The result of reading one line. End of input is a value, never a crash.
public enum InputEvent: Sendable, Equatable {
    case line(String)
    /// Ctrl-C (interactive only).
    case interrupt
    /// Ctrl-D on an empty line, or the end of a script.
    case endOfInput
    /// No input for the idle timeout (interactive only).
    case timedOut
    /// A line that is not acceptable text; the line was consumed.
    case invalid(InputProblem)
}

/// Completion candidates for the line being edited at a prompt.
public struct Completer: Sendable {
    /// Given the text before the cursor, the words that may complete its last word.
    public let complete: @Sendable (_ textBeforeCursor: String) -> [String]

    public init(_ complete: @escaping @Sendable (String) -> [String]) { self.complete = complete }

    /// No completion.
    public static let none = Completer { _ in [] }

    /// Completes the first word of the line from a fixed list, case-insensitively.
    public static func words(_ words: [String]) -> Completer {
        Completer { text in
            if text.contains(" ") { return [] }
            let lower = text.lowercased()
            return words.filter { $0.lowercased().hasPrefix(lower) }
        }
    }
}

/// Every prompt and every line of output goes through a console: a terminal with libedit, a pipe,
/// an SSH channel later, or the scripted console of the tests.
public protocol Console: AnyObject {
    /// A person at a terminal: banner, pager, no echo of typed lines (the terminal echoes).
    var isInteractive: Bool { get }
    /// Lines per page for the pager, or nil to never page.
    var pageRows: Int? { get }
    /// The width of the terminal in characters, or nil when output is not a terminal (scripts and
    /// pipes get long lines whole).
    var columns: Int? { get }
    /// Prints `prompt` (exactly, no newline) and reads one line without its line ending.
    /// Non-interactive consoles echo the consumed line after the prompt (secrets excepted).
    func read(prompt: String, kind: InputKind, completer: Completer) -> InputEvent
    /// Writes text to standard output. `\n` ends lines; terminals translate as they need.
    func write(_ text: String)
    /// Writes text to standard error.
    func writeError(_ text: String)
    /// Pager: shows `-Press Any Key For More-`, waits for one key, erases the line.
    /// Returns false when the admin asked to stop the output (`q` or Ctrl-C).
    func waitForMore() -> Bool
    /// The top-level lines of this user's history, oldest first (empty when the console keeps none).
    var historyLines: [String] { get }
    /// Hands buffered output on to the terminal or pipe.
    func flush()
    /// The first write to standard output that failed (a full disk, a closed pipe), if any.
    var outputFailure: ShellError? { get }
    /// Consumes the next line without echoing, history or audit (scripts skip the answers of a
    /// failed dialog with it).
    func skip() -> InputEvent
    /// Drops what was typed but not read yet. Called when a SIGINT is taken at an input: the Ctrl-C key
    /// makes the terminal drop its input queue (POSIX, unless NOFLSH), a SIGINT sent from elsewhere
    /// does not, and a line typed before it must not run at the next prompt either way.
    func discardTypeAhead()
}

extension Console {
    public var columns: Int? { nil }
    public var historyLines: [String] { [] }
    public func flush() {}
    public var outputFailure: ShellError? { nil }
    public func skip() -> InputEvent { read(prompt: "", kind: .secret, completer: .none) }
    public func discardTypeAhead() {}

    /// The longest line accepted: 64 KiB.
    public static var maximumLineBytes: Int { 64 * 1024 }
}

/// The exact bytes of the pager (shell.md §9).
public enum PagerText {
    public static let prompt = "-Press Any Key For More-"
    /// CR, 25 spaces, CR.
    public static let erase = "\r" + String(repeating: " ", count: 25) + "\r"
}

/// Turns raw bytes of one input line into an event: UTF-8 check, NUL check, length limit.
public enum LineDecoder {
    public static func decode(_ bytes: some Collection<UInt8>) -> InputEvent {
        if bytes.count > 64 * 1024 { return .invalid(.tooLong) }
        if bytes.contains(0) { return .invalid(.notText) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .invalid(.notText) }
        if TerminalSafe.typedControl(in: text) != nil { return .invalid(.controlCharacter) }
        return .line(text)
    }
}
