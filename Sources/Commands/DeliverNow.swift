import Certificates
import Shell

/// The domain a gateway command asks for: a DNS name (`example.com`, `localhost`), lower-cased.
enum GatewayParsers {
    static func domain(_ text: String) throws(ShellError) -> String {
        let trimmed = text.hasSuffix(".") ? String(text.dropLast()) : text
        guard HostnameRules.isDNSName(trimmed, allowWildcard: false) else {
            throw .invalidInput("Invalid domain name: \"\(TerminalSafe.escaped(text))\".")
        }
        return trimmed.lowercased()
    }

    static let domainParser = ValueParser<String>("{domain}") { text, _ throws(ShellError) in try domain(text) }

    /// A domain typed at a question.
    static var domainAnswer: AnswerFormat<String> { AnswerFormat("A domain name such as example.com.", parse: domain) }
}

/// `delivernow` (gateway-commands.md §4): schedules the deferred mail for immediate delivery — all
/// of it, or the messages with a recipient in one domain (`postqueue -f` / `postqueue -i {id}`).
public struct DeliverNowCommand: DeclaredCommand {
    let link: any GatewayLink

    /// `all` or a domain.
    static let target = Positional(
        "target",
        ValueParser<String?>("{domain|all}", candidates: { _ in ["all"] }) { text, _ throws(ShellError) in
            text.lowercased() == "all" ? nil : try GatewayParsers.domain(text)
        },
        missing: "{domain|all}"
    )

    public var grammar: Grammar {
        let link = self.link
        return Grammar(
            CommandConfiguration("delivernow", summary: "Reschedule messages for immediate delivery."),
            interactive: { session in try DeliverNowCommand.dialog(link, session) },
            Form(usage: "delivernow {domain|all}", .argument(DeliverNowCommand.target)) { values, session in
                _ = try GatewayNotRunning.require(link, session)
                try DeliverNowCommand.deliver(values[DeliverNowCommand.target], link, session)
            }
        )
    }

    static func dialog(_ link: any GatewayLink, _ session: Session) throws {
        _ = try GatewayNotRunning.require(link, session)
        let dialog = session.dialog
        let choice = try dialog.choose(
            ["Please choose an option for scheduling immediate delivery."],
            items: ["By recipient domain", "All messages"],
            default: 0
        )
        guard choice == 0 else {
            try deliver(nil, link, session)
            return
        }
        let domain = try dialog.ask(
            ["Please enter the domain to schedule for immediate delivery."],
            format: GatewayParsers.domainAnswer
        )
        guard let domain else { return }
        try deliver(domain, link, session)
    }

    /// Flushes everything (nil) or the messages with a recipient in `domain`.
    static func deliver(_ domain: String?, _ link: any GatewayLink, _ session: Session) throws {
        let data = session.environment.dataDirectory
        guard let domain else {
            try link.flush(data, queueIDs: nil)
            session.dialog.block("Rescheduling all messages for immediate delivery.")
            return
        }
        let messages = try link.queue(data).filter { $0.queueName == "deferred" && $0.hasRecipient(in: domain) }
        guard !messages.isEmpty else {
            session.dialog.block("There are no deferred messages to \(domain).")
            return
        }
        try link.flush(data, queueIDs: messages.map(\.queueID))
        session.dialog.block("Rescheduling all messages to \(domain) for immediate delivery.")
    }
}
