import ApplianceConfig
import Shell

/// `sethostname` (other-commands.md §1). The prompt shows the new name once it is committed.
public struct SetHostnameCommand: DeclaredCommand {
    /// The spec's message for a bad name is the same in the dialog and the batch form (exact).
    static let fqdn = Positional(
        "fqdn",
        ValueParser("{fqdn}", standalone: true) { text, _ throws(ShellError) in try ApplianceHostname.check(text).get()
        }
    )

    public let grammar = Grammar(
        CommandConfiguration("sethostname", summary: "Set the name of the machine.", requiresCommit: true),
        interactive: { session in
            let current = session.configuration.hostname
            let answer = try session.dialog.ask([], default: current, format: SetHostnameCommand.answer)
            SetHostnameCommand.set(answer ?? current, session)
        },
        Form(usage: "sethostname {fqdn}", .argument(SetHostnameCommand.fqdn)) { arguments, session in
            SetHostnameCommand.set(arguments[SetHostnameCommand.fqdn], session)
        }
    )

    private static func set(_ newName: String, _ session: Session) {
        guard newName != session.configuration.hostname else { return }
        session.stage { $0.hostname = newName }
    }

    /// The name typed at the question.
    static var answer: AnswerFormat<String> {
        AnswerFormat(
            "A fully qualified host name such as mail.example.com (letters, digits, hyphens and dots).",
            check: ApplianceHostname.check
        )
    }
}
