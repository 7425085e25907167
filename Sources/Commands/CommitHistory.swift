import ConfigStore
import Shell

/// `commithistory [COUNT]` (commit.md §8.1).
public struct CommitHistoryCommand: DeclaredCommand {
    static let count = Positional.optional(
        "count",
        .number("{count}", 1...1000) { "The count must be a number from 1 to 1000, not \"\($0)\"." }
    )

    public let grammar = Grammar(
        CommandConfiguration("commithistory", summary: "List the committed revisions.", access: .view),
        Form(usage: "commithistory [{count}]", .argument(CommitHistoryCommand.count)) { arguments, session in
            try CommitHistoryCommand.list(arguments[CommitHistoryCommand.count] ?? 20, session)
        }
    )

    static func list(_ count: Int, _ session: Session) throws {
        let revisions = try session.store.history(limit: count)
        var lines = ["Rev  Committed On                  User    Method       Rollback  Comment"]
        for info in revisions {
            let number = String(info.number)
            lines.append(
                String(repeating: " ", count: max(0, 3 - number.count)) + number + "  "
                    + pad(session.format(info.date), 30) + pad(TerminalSafe.escaped(info.user), 8)
                    + pad(info.method.rawValue, 13)
                    + pad(info.rollbackPoint ? "yes" : "no", 10) + TerminalSafe.escaped(info.comment)
            )
        }
        session.console.write("\n")
        session.page(lines.joined(separator: "\n"))
    }
}

/// Pads to a column width, keeping one space after a value that fills it.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
