/// Exit statuses of non-interactive runs (shell.md §15.3, klish convention).
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case internalError = 1
    case ioError = 2
    case actionFailed = 3
    case invalidInput = 4
    case badOption = 64
}

/// The one error type of the shell: a failed command, with the one line the admin sees.
public struct ShellError: Error, Sendable, Equatable {
    /// What kind of failure this is; decides the exit status of a script.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public let status: ExitStatus

        public init(_ name: String, status: ExitStatus) {
            self.name = name
            self.status = status
        }

        /// Unknown command, bad batch arguments, an invalid answer.
        public static let invalidInput = Code("invalidInput", status: .invalidInput)
        /// The command ran and refused or failed (a mismatched key, a missing file, a commit conflict).
        public static let actionFailed = Code("actionFailed", status: .actionFailed)
        /// Input or output failed (input ended during a dialog, a file could not be written).
        public static let io = Code("io", status: .ioError)
        /// A bug.
        public static let internalError = Code("internal", status: .internalError)

        public var description: String { name }
    }

    public var code: Code
    /// One line, shown to the admin as is.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func invalidInput(_ message: String) -> ShellError { ShellError(.invalidInput, message) }
    public static func actionFailed(_ message: String) -> ShellError { ShellError(.actionFailed, message) }
    public static func io(_ message: String) -> ShellError { ShellError(.io, message) }
}

/// Why a dialog stopped before its end. The command is abandoned and stages nothing more.
public enum DialogAbort: Error, Sendable, Equatable {
    /// Ctrl-C (or Ctrl-D inside a dialog on a terminal).
    case interrupted
    /// The input ended while a question waited.
    case endOfInput
    /// The idle timeout expired.
    case timedOut
}
