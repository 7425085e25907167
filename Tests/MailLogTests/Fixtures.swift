import ApplianceConfig
import MailLog

/// Settings and recorded Postfix 3.7 log text shared by the translator tests.
enum Fixtures {
    /// IncomingMail (public default HAT, WHITELIST = 127.0.0.10, TLS preferred for it),
    /// StrictMail (everyone Required), both on Management = 127.0.0.1.
    static func settings(tlsFields: Bool = false) -> MailLogSettings {
        var incoming = HostAccessTable.publicDefault
        incoming.entries[0].members = ["127.0.0.10", ".trusted.example"]
        incoming.policies[2].parameters.tls = .on
        incoming.entries[1].members = ["127.0.0.66", "127.0.1.0/24"]
        let strict = HostAccessTable(
            policies: [MailFlowPolicy(name: "STRICT", action: .accept, parameters: MailFlowParameters(tls: .required))],
            entries: [],
            all: .policy("STRICT")
        )
        return MailLogSettings(
            listeners: [
                "IncomingMail": .init(interfaceName: "Management", interfaceAddress: "127.0.0.1", hostAccess: incoming),
                "StrictMail": .init(interfaceName: "Management", interfaceAddress: "127.0.0.1", hostAccess: strict),
            ],
            destinations: [
                "example.com": .preferred, "required.example": .required, "verify.example": .requiredVerify,
            ],
            defaultTLS: .no,
            outboundAddress: "127.0.0.1",
            tlsFields: tlsFields
        )
    }

    static let today = (year: 2026, month: 11)

    /// Translates `text` line by line, then flushes; returns the whole output.
    static func translate(
        _ text: String,
        settings: MailLogSettings = settings(),
        state: MailLogState = MailLogState()
    ) -> (lines: String, events: [MailLogEvent], state: MailLogState) {
        var translator = MailLogTranslator(settings: settings, state: state, today: today)
        var output = MailLogOutput()
        for line in text.split(separator: "\n") { translator.translate(line, into: &output) }
        translator.flush(into: &output)
        return (output.lines.map { $0 + "\n" }.joined(), output.events, translator.state)
    }
}
