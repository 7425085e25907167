import ConfigStore
import Shell

/// `commitdetail` (commit.md §4): the last commit made in this session.
public struct CommitDetailCommand: DeclaredCommand {
    /// No batch form: any word after the name is refused.
    public let grammar = Grammar(
        CommandConfiguration(
            "commitdetail",
            summary: "View details about the last commit in the active session.",
            access: .view
        ),
        interactive: { try CommitDetailCommand.show($0) }
    )

    private static func show(_ session: Session) throws {
        guard let info = session.lastCommit else {
            session.dialog.block("No commits have been made in this session.")
            return
        }
        var lines = [
            "Commit details:",
            "    Revision: \(info.number)",
            "    Committed On: \(session.format(info.date))",
            "    User: \(TerminalSafe.escaped(info.user))",
            "    Method: \(info.method.rawValue)",
            "    Comment: \(TerminalSafe.escaped(info.comment))",
            "    Saved for rollback: \(info.rollbackPoint ? "Yes" : "No")",
            "    Changes:",
        ]
        lines += info.changes.map { "        " + TerminalSafe.escaped(ChangeWording.line($0)) }
        session.console.write("\n")
        session.page(lines.joined(separator: "\n"))
    }
}
