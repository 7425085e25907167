/// One operation of a menu: the name typed, the description listed, and what it does.
///
/// A menu is one list of these: each item carries its action, so a command states an operation
/// once. The action's ``MenuStep`` says whether the menu comes back (``MenuStep/stay``) or is left.
public struct MenuItem {
    public var name: String
    public var description: String
    /// Runs the operation (under the menu's recovery rule, see ``Dialog/run(_:)``).
    public var action: () throws -> MenuStep

    /// An operation after which the menu comes back.
    public init(_ name: String, _ description: String, _ action: @escaping () throws -> Void) {
        self.init(
            name: name,
            description: description,
            action: {
                try action()
                return .stay
            }
        )
    }

    private init(name: String, description: String, action: @escaping () throws -> MenuStep) {
        self.name = name
        self.description = description
        self.action = action
    }

    /// An operation that decides itself whether the menu comes back or is left.
    public static func deciding(
        _ name: String,
        _ description: String,
        _ action: @escaping () throws -> MenuStep
    ) -> MenuItem {
        MenuItem(name: name, description: description, action: action)
    }

    /// An operation after which the menu is left, as an empty line would (a refused one still
    /// brings the menu back).
    public static func leaving(
        _ name: String,
        _ description: String,
        _ action: @escaping () throws -> Void
    ) -> MenuItem {
        MenuItem(
            name: name,
            description: description,
            action: {
                try action()
                return .leave
            }
        )
    }

    /// The same operation under another name (a hidden alias such as destconfig's PRINT for LIST).
    public func named(_ name: String) -> MenuItem {
        MenuItem(name: name, description: description, action: action)
    }
}

/// An interactive menu: status lines, the operations shown, and names accepted but not shown
/// (destconfig's PRINT for LIST). A command supplies its menu, never its loop:
/// ``Dialog/run(_:)`` runs every menu with the one recovery rule.
public struct Menu {
    /// Printed as a block before the menu each time it is shown.
    public var status: [String]
    public var items: [MenuItem]
    /// Accepted when typed, never listed (their descriptions are unused).
    public var hidden: [MenuItem]

    public init(status: [String] = [], _ items: [MenuItem], hidden: [MenuItem] = []) {
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
    /// Runs a menu until the admin leaves it (an empty line, the end of a script's input, or an
    /// item whose action leaves).
    ///
    /// `make` builds the menu afresh before each showing, so its status lines and items follow the
    /// staged configuration; `again` is false the first time; nil leaves (what the menu edits is
    /// gone). The chosen item's action runs.
    ///
    /// The one recovery rule (shell.md §5, §13): an operation that is refused — any error but an
    /// interrupt, the end of input or a bug — is reported in one block and the same menu comes back
    /// on a terminal; in a script it fails the command with its status. What the operation staged
    /// before it was refused stays staged.
    public func run(_ make: (_ again: Bool) throws -> Menu?) throws {
        var again = false
        while true {
            guard let menu = try make(again), let item = try choose(menu) else { return }
            again = true
            var step = MenuStep.stay
            try recovering { step = try item.action() }
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

    /// Shows the menu once and returns the chosen item, or nil when the admin leaves it.
    public func choose(_ menu: Menu) throws -> MenuItem? {
        try self.menu(status: menu.status, menu.items, hidden: menu.hidden)
    }
}
