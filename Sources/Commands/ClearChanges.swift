import Shell

/// `clearchanges` / `clear` (commit.md §3).
public struct ClearChangesCommand: DeclaredCommand {
    public let grammar = Grammar(
        CommandConfiguration("clearchanges", aliases: ["clear"], summary: "Abandon all pending configuration changes."),
        Form(usage: "clearchanges") { _, session in try ClearChangesCommand.clear(session) }
    )

    private static func clear(_ session: Session) throws {
        guard session.hasPendingChanges else {
            session.clearChanges()
            session.dialog.block("There are no changes to clear.")
            return
        }
        let sure = try session.dialog.yesNo(
            "Are you sure you want to clear all changes since the last commit?",
            default: true
        )
        guard sure else { return }
        session.clearChanges()
        session.dialog.block("Changes cleared: \(session.format(session.clock.now()))")
    }
}
