import ApplianceConfig
import Shell

// The administrator's line for the configuration's error codes, as `ErrorPresenter` writes it: tests
// of ApplianceConfig compare these byte for byte (Docs/Errors.md), while the module itself composes
// no text.

extension XMLConfigError {
    /// `ErrorPresenter.message(self)`.
    public var description: String { ErrorPresenter.message(self) }
}

extension TextLineError {
    /// `ErrorPresenter.message(self)`.
    public var description: String { ErrorPresenter.message(self) }
    /// The problem without its line (`ErrorPresenter.problem(code)`).
    public var problem: String { ErrorPresenter.problem(code) }
}

extension ValidationIssue {
    /// `ErrorPresenter.message(self)`.
    public var description: String { ErrorPresenter.message(self) }
}

extension MergeConflict {
    /// `ErrorPresenter.line(self)`.
    public var description: String { ErrorPresenter.line(self) }
}
