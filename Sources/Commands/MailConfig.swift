import Certificates
import FoundationEssentials
import Shell
import TextSupport

/// `mailconfig {addresses} [{1|2}]` (other-commands.md §6): mails the configuration file of
/// `saveconfig` as an attachment through the running gateway; without one, the message is written
/// to the data directory's `outbox/` and the command says so.
public struct MailConfigCommand: DeclaredCommand {
    let link: any GatewayLink

    static let addresses = Positional(
        "addresses",
        ValueParser<[String]>("{addresses}") { text, _ throws(ShellError) in try parseAddresses(text) },
        missing: "{addresses}"
    )
    static let option = Positional.optional("option", ValueParser.passphraseOption)

    public var grammar: Grammar {
        let link = self.link
        return Grammar(
            CommandConfiguration(
                "mailconfig",
                summary: "Mail the current configuration file to an address.",
                access: .view,
                writesDataDirectory: true
            ),
            interactive: { session in try MailConfigCommand.dialog(link, session) },
            Form(
                usage: "mailconfig {addresses} [{1|2}]",
                .argument(MailConfigCommand.addresses),
                .argument(MailConfigCommand.option)
            ) { values, session in
                try MailConfigCommand.send(
                    to: values[MailConfigCommand.addresses],
                    values[MailConfigCommand.option] ?? .mask,
                    link,
                    session
                )
            }
        )
    }

    /// `a@example.com, b@example.org` → the addresses; each `local@domain`.
    static func parseAddresses(_ text: String) throws(ShellError) -> [String] {
        let parts = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { throw .invalidInput("Missing {addresses}.") }
        for address in parts {
            let pieces = address.split(separator: "@", omittingEmptySubsequences: false)
            let allowed = address.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
            guard pieces.count == 2, !pieces[0].isEmpty, allowed,
                !address.contains(where: { "<>()[]\\;:\"".contains($0) }),
                HostnameRules.isDNSName(String(pieces[1]), allowWildcard: false)
            else {
                throw .invalidInput("Invalid email address: \"\(TerminalSafe.escaped(address))\".")
            }
        }
        return parts
    }

    static func dialog(_ link: any GatewayLink, _ session: Session) throws {
        let dialog = session.dialog
        let addresses = try dialog.ask(
            [
                "Please enter the email address to which you want to send the configuration file.",
                "Separate multiple addresses with commas.",
            ],
            format: AnswerFormat("One or more email addresses, separated by commas.", parse: parseAddresses)
        )
        guard let addresses else { return }
        try send(to: addresses, ConfigFile.askPassphraseOption(dialog), link, session)
    }

    static func send(
        to addresses: [String],
        _ option: ConfigFile.PassphraseOption,
        _ link: any GatewayLink,
        _ session: Session
    ) throws {
        let xml = try ConfigFile.xml(session, option)
        let fileName = ConfigFile.fileName(session)
        let hostname = session.committedHostname
        let sender = "esa@\(hostname)"
        let message = ConfigMail(
            sender: sender,
            recipients: addresses,
            hostname: hostname,
            serial: session.environment.appliance.serialNumber,
            date: session.clock.now(),
            clock: session.clock,
            fileName: fileName,
            xml: xml
        ).text
        let listed = addresses.joined(separator: ", ")
        let data = session.environment.dataDirectory
        if link.running(data) != nil {
            try link.submit(data, sender: sender, recipients: addresses, message: message)
            session.dialog.block("The configuration file has been sent to \(listed).")
            return
        }
        // No gateway: the message waits in the outbox, never lost.
        let outbox = data.appendingPathComponent("outbox", isDirectory: true)
        do {
            try OwnerOnlyFolder.create(outbox)
        } catch {
            throw ShellError.io("The outbox \(outbox.path) cannot be created.")
        }
        let name = String(fileName.dropLast(4)) + ".eml"
        try PrivateFile.write(
            Data(message.utf8),
            to: outbox.appendingPathComponent(name),
            shownAs: "outbox/\(name)",
            replacing: true
        )
        session.dialog.block(
            "The mail gateway is not running (start it with \"esa serve\").",
            "The message to \(listed) was written to outbox/\(name) in the data directory instead."
        )
    }
}

/// The message `mailconfig` sends: a short text and the configuration file attached under its
/// `saveconfig` name (RFC 5322 + MIME, CRLF line ends, base64 attachment).
struct ConfigMail {
    var sender: String
    var recipients: [String]
    var hostname: String
    var serial: String
    var date: Date
    var clock: ShellClock
    var fileName: String
    var xml: String

    var text: String {
        let boundary = "esa-config-\(serial)-\(Int(date.timeIntervalSince1970))"
        let encoded = Data(xml.utf8).base64EncodedString()
        var attachment: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            attachment.append(String(encoded[index..<end]))
            index = end
        }
        let lines =
            [
                "From: \(sender)",
                "To: \(recipients.joined(separator: ", "))",
                "Subject: Configuration file \(fileName) of \(hostname)",
                "Date: \(clock.format(date, "%a, %d %b %Y %H:%M:%S %z"))",
                "Message-ID: <config.\(Int(date.timeIntervalSince1970)).\(serial)@\(hostname)>",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"\(boundary)\"",
                "",
                "--\(boundary)",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                "The configuration file of \(hostname) (serial number \(serial)) is attached.",
                "",
                "--\(boundary)",
                "Content-Type: application/xml; name=\"\(fileName)\"",
                "Content-Disposition: attachment; filename=\"\(fileName)\"",
                "Content-Transfer-Encoding: base64",
                "",
            ] + attachment + ["--\(boundary)--", ""]
        return lines.joined(separator: "\r\n")
    }
}
