import Shell

/// `history`: the top-level lines typed in this and earlier sessions, numbered (shell.md §15.1).
public struct HistoryCommand: ShellCommand {
    public let name = "history"
    public let summary = "List the commands entered at the prompt."
    public let requiresCommit = false
    public let access = CommandAccess.status

    public init() {}

    public func run(_ arguments: [String], in session: Session) throws {
        guard arguments.isEmpty else { throw ShellError.invalidInput("Usage: history") }
        let lines = session.console.historyLines
        guard !lines.isEmpty else {
            session.dialog.block("The command history is empty.")
            return
        }
        let width = String(lines.count).count
        session.console.write("\n")
        session.page(
            lines.enumerated().map { index, line in
                let number = String(index + 1)
                return String(repeating: " ", count: width - number.count) + number + "  " + line
            }.joined(separator: "\n")
        )
    }
}
