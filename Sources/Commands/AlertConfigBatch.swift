import ApplianceConfig
import Shell

/// The batch forms of `alertconfig`: `new`, `delete` and `list`.
extension AlertConfigCommand {
    /// A new recipient's address (refusals stand alone, as in the dialog).
    static let newAddress = Positional(
        "address",
        ValueParser("{address}", standalone: true) { text, context throws(ShellError) in
            try checkNewAddress(text, in: context.configuration.alerts, except: nil).get()
        }
    )
    /// An address that receives alerts; Tab offers them.
    static let address = Positional(
        "address",
        .existing("{address}", MailAddress.self, { $0.configuration.alerts.addresses }) {
            "The address \"\($0)\" does not receive alerts."
        }
    )
    static let alertClass = BatchOption(
        "class",
        .named("{name|all}", candidates: AlertClass.allCases.map(\.rawValue), lookup: AlertClass.init(named:)) {
            let names = AlertClass.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            return "Unknown alert class \"\($0)\". Use one of \(names)."
        }
    )
    static let severity = BatchOption(
        "severity",
        .named(
            "{critical|warning|information|all}",
            candidates: ["critical", "warning", "information", "all"],
            lookup: AlertSeverity.init(named:)
        ) { "Unknown severity \"\($0)\". Use critical, warning, information or all." }
    )

    static func batchGrammar(_ configuration: CommandConfiguration) -> Grammar {
        Grammar(
            configuration,
            style: .block,
            wording: Grammar.Wording(
                missingSubcommand: "An operation is required: new, delete or list.",
                unknownSubcommand: { "Unknown operation \"\($0)\"." },
                foreignOption: { "The option \"--\($0)\" does not apply to \"\($1)\"." }
            ),
            interactive: { try AlertConfigCommand().menu($0) },
            Form(
                "new",
                usage: "alertconfig new {address} --class={name|all} --severity={critical|warning|information|all}",
                .argument(newAddress),
                .option(alertClass),
                .option(severity)
            ) { values, session in
                guard let alertClass = values[alertClass], let severity = values[severity] else {
                    throw Grammar.Misuse("The options \"--class\" and \"--severity\" are required.")
                }
                let address = values[newAddress]
                session.stage { $0.alerts.set(address, alertClass: alertClass, severity: severity) }
            },
            Form("delete", usage: "alertconfig delete {address}", .argument(address)) { values, session in
                let address = values[address]
                session.stage { $0.alerts.remove(address) }
            },
            Form("list", usage: "alertconfig list") { _, session in
                session.dialog.block(listing(session.configuration.alerts))
            }
        )
    }
}
