import ApplianceConfig
import ConfigStore

/// An error of a module below the shell that knows how the administrator sees it: one line and the
/// exit status. Conform a module's error type here or in `Commands` (for modules `Shell` does not
/// import), never compose the line at the site that catches it.
public protocol PresentableError: Error {
    /// The administrator's line and the exit status.
    var presentation: ShellError { get }
}

/// The one place that turns any error into what the administrator sees and the exit status of a
/// script (shell.md §15.3). Commands let library errors propagate; the interpreter calls this.
public enum ErrorPresenter {
    /// The message and status of `error`. Only an error nobody planned for is `Internal error` (1).
    public static func present(_ error: any Error) -> ShellError {
        switch error {
        case let error as ShellError: error
        case let error as StoreError: ShellError(error)
        case let error as XMLConfigError: ShellError(.actionFailed, message(error))
        case let error as TextLineError: ShellError(.actionFailed, message(error))
        case let error as any PresentableError: error.presentation
        default: ShellError(.internalError, "Internal error: \(error)")
        }
    }
}
