import ApplianceConfig
import Shell

/// `userconfig` (ssh.md §3): the appliance's user accounts, their roles, passphrases and status,
/// and the account policy. Administrators only; staged, needs commit.
public struct UserConfigCommand: DeclaredCommand {
    public let grammar = UserConfigBatch.grammar(
        CommandConfiguration(
            "userconfig",
            summary: "Manage user accounts and connections to external authentication sources.",
            requiresCommit: true,
            access: .administer
        )
    )

    enum Operation: Sendable {
        case new, edit, delete, policy, passphrase, role, status, external, twoFactor
    }

    static func menu(_ session: Session) throws {
        let items = [
            MenuItem("NEW", "Create a new account.", Operation.new),
            MenuItem("EDIT", "Modify an account.", .edit),
            MenuItem("DELETE", "Remove an account.", .delete),
            MenuItem("POLICY", "Change password and account policy settings.", .policy),
            MenuItem("PASSPHRASE", "Change the passphrase for a user.", .passphrase),
            MenuItem("ROLE", "Create/modify user roles.", .role),
            MenuItem("STATUS", "Change the account status.", .status),
            MenuItem("EXTERNAL", "Configure external authentication.", .external),
            MenuItem("TWOFACTORAUTH", "Configure Two-Factor Authentication.", .twoFactor),
        ]
        let hidden = [MenuItem("PASSWORD", "", Operation.passphrase)]
        try session.dialog.run { _ in
            Menu(status: Self.listing(session.configuration), items, hidden: hidden)
        } perform: { operation in
            let dialogs = UserConfigDialogs(session: session)
            switch operation {
            case .new: try dialogs.create()
            case .edit: try dialogs.edit()
            case .delete: try dialogs.delete()
            case .policy: try dialogs.policy()
            case .passphrase: try dialogs.passphrase()
            case .status: try dialogs.status()
            case .role: session.dialog.block("Custom user roles are not available on this appliance.")
            case .external: session.dialog.block("External authentication is not available on this appliance.")
            case .twoFactor: session.dialog.block("Two-Factor Authentication is not available on this appliance.")
            }
            return .stay
        }
    }

    /// `Users:`, one line per user, and the Two-Factor status line (**exact**).
    static func listing(_ configuration: ApplianceConfiguration) -> [String] {
        ["Users:"]
            + configuration.users.enumerated().map { index, user in
                "\(index + 1). \(UserAccounts.printable(user.name)) - \"\(UserAccounts.printable(user.fullName))\" (\(user.role.plural))"
                    + (user.locked ? " - locked" : "")
            }
            + ["", "Two-Factor Authentication: Disabled"]
    }

    /// A passphrase given on the command line never reaches a log.
    public func loggable(_ arguments: [String]) -> [String] {
        guard let sub = arguments.first?.lowercased(), ["add", "new"].contains(sub), arguments.count >= 5 else {
            return arguments
        }
        var shown = arguments
        shown[4] = "*****"
        return shown
    }
}
