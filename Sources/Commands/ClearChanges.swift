import Shell

/// `clearchanges` / `clear` (commit.md §3).
public struct ClearChangesCommand: ShellCommand {
    public let name = "clearchanges"
    public let aliases = ["clear"]
    public let summary = "Abandon all pending configuration changes."
    public let requiresCommit = false
    public let batchSyntax = ["clearchanges"]

    public init() {}

    public func run(_ arguments: [String], in session: Session) throws {
        guard arguments.isEmpty else {
            throw ShellError.invalidInput("Usage: clearchanges\nUnexpected argument \"\(arguments[0])\".")
        }
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
