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

    static func menu(_ session: Session) throws {
        let dialogs = UserConfigDialogs(session: session)
        let passphrase = MenuItem("PASSPHRASE", "Change the passphrase for a user.") { try dialogs.passphrase() }
        let items = [
            MenuItem("NEW", "Create a new account.") { try dialogs.create() },
            MenuItem("EDIT", "Modify an account.") { try dialogs.edit() },
            MenuItem("DELETE", "Remove an account.") { try dialogs.delete() },
            MenuItem("POLICY", "Change password and account policy settings.") { try dialogs.policy() },
            passphrase,
            MenuItem("ROLE", "Create/modify user roles.") {
                session.dialog.block("Custom user roles are not available on this appliance.")
            },
            MenuItem("STATUS", "Change the account status.") { try dialogs.status() },
            MenuItem("EXTERNAL", "Configure external authentication.") {
                session.dialog.block("External authentication is not available on this appliance.")
            },
            MenuItem("TWOFACTORAUTH", "Configure Two-Factor Authentication.") {
                session.dialog.block("Two-Factor Authentication is not available on this appliance.")
            },
        ]
        try session.dialog.run { _ in
            Menu(status: Self.listing(session.configuration), items, hidden: [passphrase.named("PASSWORD")])
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
