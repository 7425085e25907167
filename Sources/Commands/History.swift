import Shell

/// `history`: the top-level lines typed in this and earlier sessions, numbered (shell.md §15.1).
public struct HistoryCommand: DeclaredCommand {
    /// No batch form: any word after the name is refused.
    public let grammar = Grammar(
        CommandConfiguration("history", summary: "List the commands entered at the prompt.", access: .status),
        interactive: { try HistoryCommand.show($0) }
    )

    private static func show(_ session: Session) throws {
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
