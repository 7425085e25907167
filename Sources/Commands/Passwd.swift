import ApplianceConfig
import Shell

/// `passwd` (also `password`): the logged-in user changes their own passphrase (ssh.md §3). Takes
/// effect at once, without commit; recorded in the system log.
public struct PasswdCommand: DeclaredCommand {
    /// No batch form: the passphrases are asked, never typed on the command line.
    public let grammar = Grammar(
        CommandConfiguration(
            "passwd",
            aliases: ["password"],
            summary: "Change your passphrase.",
            access: .status,
            writesDataDirectory: true
        ),
        interactive: { try PasswdCommand.change($0) }
    )

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
        try UserAccounts.storePassphrase(hash, of: user.name, comment: "changed", session)
        dialog.block("Passphrase changed.")
    }
}

/// ssh.md §3: a user whose passphrase must be changed (the factory `admin` until `passwd`) changes it
/// at an interactive login, before the banner: `Old Password:`, `New Password:`, `Retype New
/// Password:` (**exact**, hidden). Scripts and `-c` runs are not asked; there every command but
/// `passwd`, `help` and `exit` is refused until the change.
public enum ExpiredPassphrase {
    /// Runs the change when due. Nil when the session may go on (changed, or nothing was due); else
    /// the exit status of a login that ends here (wrong old passphrase, refused new one, Ctrl-C).
    public static func changeAtLogin(_ session: Session) -> ExitStatus? {
        guard session.environment.mode == .interactive, let user = session.currentUser, user.mustChangePassphrase
        else { return nil }
        let dialog = session.dialog
        do {
            dialog.lines("Your passphrase has expired. Change it now to log in.")
            let old = try dialog.secret("Old Password: ")
            try LoginGuard(session).check(old, for: user, failure: "Old passphrase did not match.")
            let new = try dialog.secret("New Password: ")
            if let problem = UserAccounts.problem(with: new, user: user.name, policy: session.configuration.userPolicy)
            {
                throw ShellError.invalidInput(problem)
            }
            if new == old { throw ShellError.invalidInput("The new passphrase must differ from the old one.") }
            let again = try dialog.secret("Retype New Password: ")
            guard again == new else { throw ShellError.invalidInput("The passphrases do not match.") }
            try UserAccounts.storePassphrase(
                try UserAccounts.hash(new),
                of: user.name,
                comment: "changed at login",
                session
            )
            dialog.lines("Passphrase changed.")
            return nil
        } catch let abort as DialogAbort {
            dialog.lines("")
            return abort == .timedOut ? .success : .actionFailed
        } catch {
            let shown = ErrorPresenter.present(error)
            dialog.lines(TerminalSafe.escapedLines(shown.message))
            return shown.code.status
        }
    }
}

extension UserAccounts {
    /// Commits `name`'s new passphrase at once (`passphrase of {name} {comment}`), clears its
    /// must-change flag and records the change in the system log: `passwd` and the change at login.
    static func storePassphrase(_ hash: String, of name: String, comment: String, _ session: Session) throws {
        try commitNow(session, comment: "passphrase of \(name) \(comment)") { config in
            guard let index = config.users.index(ofID: name) else { return }
            config.users[index].passphraseHash = hash
            config.users[index].mustChangePassphrase = false
        }
        SystemLog(session).append("Info: \(SystemLog.pid): User \(name) changed the passphrase")
    }
}
