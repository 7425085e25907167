import Shell

/// `commitdetail` (commit.md §4): the last commit made in this session.
public struct CommitDetailCommand: ShellCommand {
    public let name = "commitdetail"
    public let summary = "View details about the last commit in the active session."
    public let requiresCommit = false
    public let access = CommandAccess.view

    public init() {}

    public func run(_ arguments: [String], in session: Session) throws {
        guard arguments.isEmpty else { throw ShellError.invalidInput("Usage: commitdetail") }
        guard let info = session.lastCommit else {
            session.dialog.block("No commits have been made in this session.")
            return
        }
        var lines = [
            "Commit details:",
            "    Revision: \(info.number)",
            "    Committed On: \(session.format(info.date))",
            "    User: \(info.user)",
            "    Method: \(info.method.rawValue)",
            "    Comment: \(info.comment)",
            "    Saved for rollback: \(info.rollbackPoint ? "Yes" : "No")",
            "    Changes:",
        ]
        lines += info.changes.map { "        " + $0 }
        session.console.write("\n")
        session.page(lines.joined(separator: "\n"))
    }
}
