import Shell

/// `exit` / `quit` (shell.md §11): warns about pending changes before ending the session.
public struct ExitCommand: DeclaredCommand {
    /// No batch form: any word after the name is refused.
    public let grammar = Grammar(
        CommandConfiguration("exit", aliases: ["quit"], summary: "Exit CLI.", access: .status),
        interactive: { try ExitCommand.show($0) }
    )

    private static func show(_ session: Session) throws {
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
