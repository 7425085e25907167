import Shell

/// `commithistory [COUNT]` (commit.md §8.1).
public struct CommitHistoryCommand: ShellCommand {
    public let name = "commithistory"
    public let summary = "List the committed revisions."
    public let requiresCommit = false
    public let access = CommandAccess.view
    public let batchSyntax = ["commithistory [{count}]"]

    public init() {}

    public func run(_ arguments: [String], in session: Session) throws {
        var count = 20
        if let text = arguments.first {
            guard arguments.count == 1 else {
                throw ShellError.invalidInput(
                    "Usage: commithistory [{count}]\nUnexpected argument \"\(arguments[1])\"."
                )
            }
            guard let value = Int(text), (1...1000).contains(value) else {
                throw ShellError.invalidInput(
                    "Usage: commithistory [{count}]\nThe count must be a number from 1 to 1000, not \"\(text)\"."
                )
            }
            count = value
        }
        let revisions = try session.store.history(limit: count)
        var lines = ["Rev  Committed On                  User    Method       Rollback  Comment"]
        for info in revisions {
            let number = String(info.number)
            lines.append(
                String(repeating: " ", count: max(0, 3 - number.count)) + number + "  "
                    + pad(session.format(info.date), 30) + pad(info.user, 8) + pad(info.method.rawValue, 13)
                    + pad(info.rollbackPoint ? "yes" : "no", 10) + info.comment
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
