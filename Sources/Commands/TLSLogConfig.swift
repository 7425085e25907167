import ApplianceConfig
import Shell

/// `tlslogconfig [on|off]`: whether the mail log adds `tls=` and `result=` fields to its TLS lines
/// (mail-logs.md §6). Staged; takes effect in `esa serve`'s mail log after `commit`.
public struct TLSLogConfigCommand: DeclaredCommand {
    static let state = Positional.optional(
        "state",
        .keyword(["on", "off"]) { "Please enter \"on\" or \"off\", not \"\(TerminalSafe.escaped($0))\"." }
    )

    public let grammar = Grammar(
        CommandConfiguration(
            "tlslogconfig",
            summary: "Add tls= and result= fields to the TLS lines of the mail log.",
            requiresCommit: true
        ),
        Form(usage: "tlslogconfig [on|off]", .argument(TLSLogConfigCommand.state)) { values, session in
            guard let word = values[TLSLogConfigCommand.state] else {
                TLSLogConfigCommand.show(session)
                return
            }
            let on = word == "on"
            if session.configuration.logging.tlsFields != on {
                session.stage { $0.logging.tlsFields = on }
            }
            session.dialog.block(
                "TLS fields in the mail log will be \(on ? "on" : "off") after commit."
            )
        }
    )

    static func show(_ session: Session) {
        let on = session.configuration.logging.tlsFields
        session.dialog.block(
            on
                ? "TLS fields in the mail log are on: TLS failure lines end in result={type}; Message done, Delayed and ICID close lines in tls={level}."
                : "TLS fields in the mail log are off: the mail log's lines are the appliance's own."
        )
    }
}
