import Shell

/// `setttymode 0 1`: sent by vendor automation right after login to turn paging off (ssh.md §4).
/// Accepted silently, not listed by `help`.
public struct SetTTYModeCommand: DeclaredCommand {
    /// Any whole number; automation sends 0 or 1.
    static let mode = ValueParser<Int>("{0|1}") { text, _ throws(ShellError) in
        guard let value = Int(text) else { throw .invalidInput("Not a number: \"\(text)\".") }
        return value
    }
    static let echo = Positional("echo", mode)
    static let paging = Positional("paging", mode)

    public let grammar = Grammar(
        CommandConfiguration(
            "setttymode",
            summary: "Set terminal modes for automation (paging).",
            access: .status,
            hidden: true
        ),
        Form(
            usage: "setttymode {0|1} {0|1}",
            .argument(SetTTYModeCommand.echo),
            .argument(SetTTYModeCommand.paging)
        ) { values, session in
            // The second number 1 turns the pager off; 0 turns it back on.
            session.pagingDisabled = values[SetTTYModeCommand.paging] != 0
        }
    )
}
