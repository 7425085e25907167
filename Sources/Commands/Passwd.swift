import ApplianceConfig
import Shell

/// `passwd` (also `password`): the logged-in user changes their own passphrase (ssh.md §3). Takes
/// effect at once, without commit; recorded in the system log.
public struct PasswdCommand: DeclaredCommand {
    public let name = "passwd"
    public let aliases = ["password"]
    public let summary = "Change your passphrase."
    public let requiresCommit = false
    public let writesDataDirectory = true
    public let access = CommandAccess.status

    /// No batch form: the passphrases are asked, never typed on the command line.
    public let grammar = Grammar("passwd", interactive: { try PasswdCommand.change($0) })

    public init() {}

    private static func change(_ session: Session) throws {
        guard let user = session.currentUser else {
            throw ShellError.actionFailed(
                "passwd changes the passphrase of the appliance user of the session (esa --user NAME); "
                    + "use userconfig PASSPHRASE to set another user's."
            )
        }
        let dialog = session.dialog
        dialog.block([])
        let old = try dialog.secret("Old passphrase: ")
        try LoginGuard(session).check(old, for: user, failure: "Old passphrase did not match.")
        guard
            let hash = try UserAccounts.askNewPassphrase(
                session,
                user: user.name,
                first: ["New Passphrase:", "[]> "],
                again: ["Please enter the new passphrase again: "]
            )
        else { return }
        let name = user.name
        try UserAccounts.commitNow(session, comment: "passphrase of \(name) changed") { config in
            guard let index = config.users.firstIndex(where: { $0.name == name }) else { return }
            config.users[index].passphraseHash = hash
            config.users[index].mustChangePassphrase = false
        }
        SystemLog(session).append("Info: \(SystemLog.pid): User \(name) changed the passphrase")
        dialog.block("Passphrase changed.")
    }
}
