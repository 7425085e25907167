import Shell

/// `exit` / `quit` (shell.md §11): warns about pending changes before ending the session.
public struct ExitCommand: ShellCommand {
    public let name = "exit"
    public let aliases = ["quit"]
    public let summary = "Exit CLI."
    public let requiresCommit = false
    public let access = CommandAccess.status

    public init() {}

    public func run(_ arguments: [String], in session: Session) throws {
        guard arguments.isEmpty else { throw ShellError.invalidInput("Usage: exit") }
        if session.hasPendingChanges {
            let leave = try session.dialog.yesNo(
                [
                    "Configuration changes entered but not committed. Exiting will lose changes.",
                    "Type 'commit' at the command prompt to commit changes.",
                    "Are you sure you wish to exit?",
                ],
                default: false
            )
            guard leave else { return }
            session.clearChanges()
        }
        session.exitRequested = true
    }
}
