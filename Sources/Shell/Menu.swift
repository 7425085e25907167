/// An interactive menu: status lines, the operations shown, and names accepted but not shown
/// (destconfig's PRINT for LIST). A command supplies its menu and its operations, never its loop:
/// ``Dialog/run(_:perform:)`` runs every menu with the one recovery rule.
public struct Menu<Operation: Sendable>: Sendable {
    /// Printed as a block before the menu each time it is shown.
    public var status: [String]
    public var items: [MenuItem<Operation>]
    /// Accepted when typed, never listed (their descriptions are unused).
    public var hidden: [MenuItem<Operation>]

    public init(status: [String] = [], _ items: [MenuItem<Operation>], hidden: [MenuItem<Operation>] = []) {
        self.status = status
        self.items = items
        self.hidden = hidden
    }
}

/// What a menu does after an operation finished without an error.
public enum MenuStep: Sendable {
    /// Show the menu again (with fresh status lines).
    case stay
    /// Go one level up, as an empty line would.
    case leave
}

extension Dialog {
    /// Runs a menu until the admin leaves it (an empty line, or the end of a script's input).
    ///
    /// `make` builds the menu afresh before each showing, so its status lines and items follow the
    /// staged configuration; `again` is false the first time; nil leaves (what the menu edits is
    /// gone). `perform` runs the chosen operation.
    ///
    /// The one recovery rule (shell.md §5, §13): an operation that is refused — any error but an
    /// interrupt, the end of input or a bug — is reported in one block and the same menu comes back
    /// on a terminal; in a script it fails the command with its status. What the operation staged
    /// before it was refused stays staged.
    public func run<Operation>(
        _ make: (_ again: Bool) throws -> Menu<Operation>?,
        perform: (Operation) throws -> MenuStep
    ) throws {
        var again = false
        while true {
            guard let menu = try make(again), let operation = try choose(menu) else { return }
            again = true
            var step = MenuStep.stay
            try recovering { step = try perform(operation) }
            if case .leave = step { return }
        }
    }

    /// Runs `body`; a refusal is shown and swallowed on a terminal, rethrown (presented) in a script.
    /// Interrupts, the end of input and bugs always propagate.
    public func recovering(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let abort as DialogAbort {
            throw abort
        } catch {
            let shown = ErrorPresenter.present(error)
            guard isInteractive, shown.code != .internalError else { throw shown }
            block(TerminalSafe.escapedLines(shown.message))
        }
    }

    /// Shows the menu once and returns the chosen operation, or nil when the admin leaves it.
    public func choose<Operation>(_ menu: Menu<Operation>) throws -> Operation? {
        try self.menu(status: menu.status, menu.items, hidden: menu.hidden)
    }
}

/// A menu operation that performs itself on the session; the menu comes back after it.
public protocol SessionOperation: Sendable {
    func perform(_ session: Session) throws
}

extension Session {
    /// Runs the menu `make` builds afresh before each showing and performs the chosen operation,
    /// staying in the menu: the shape of most menus (``Dialog/run(_:perform:)`` for the others).
    public func runMenu<Operation: SessionOperation>(_ make: () throws -> Menu<Operation>) throws {
        try dialog.run { _ in
            try make()
        } perform: { operation in
            try operation.perform(self)
            return .stay
        }
    }
}
