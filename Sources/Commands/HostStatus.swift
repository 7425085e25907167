import ApplianceConfig
import FoundationEssentials
import Gateway
import MailLog
import Shell
import TLSClient
import TextSupport

/// `hoststatus {domain}` (gateway-commands.md §5): what the mail log knows about deliveries to a
/// domain, its messages in the queue, its MX hosts and addresses, and (beyond the appliance) the
/// destination's TLS level, the last TLS result and the peer certificate's subject.
public struct HostStatusCommand: DeclaredCommand {
    let link: any GatewayLink

    static let domain = Positional("domain", GatewayParsers.domainParser)

    public var grammar: Grammar {
        let link = self.link
        return Grammar(
            CommandConfiguration("hoststatus", summary: "Get the status of the given hostname.", access: .status),
            interactive: { session in
                _ = try GatewayNotRunning.require(link, session)
                let domain = try session.dialog.ask(["Recipient host:"], format: GatewayParsers.domainAnswer)
                guard let domain else { return }
                try HostStatusCommand.show(domain, link, session)
            },
            Form(usage: "hoststatus {domain}", .argument(HostStatusCommand.domain)) { values, session in
                _ = try GatewayNotRunning.require(link, session)
                try HostStatusCommand.show(values[HostStatusCommand.domain], link, session)
            }
        )
    }

    static func show(_ domain: String, _ link: any GatewayLink, _ session: Session) throws {
        let data = session.environment.dataDirectory
        let mail: MailLogState
        do throws(MailLogError) {
            mail =
                try MailLogStateFile.load(CounterMark.statePath(dataDirectory: data.standardizedFileURL.path))
                ?? MailLogState()
        } catch {
            throw ShellError.actionFailed("Unable to read the mail log's counters: \(error.message)")
        }
        let queued = try link.queue(data).filter { $0.queueName != "hold" }
        let recipients = queued.flatMap(\.recipients).filter {
            QueuedMessage.domain(of: $0.address) == domain
        }
        let record = mail.hosts[domain]
        guard record != nil || !recipients.isEmpty else {
            throw ShellError.actionFailed("No record of host: \(domain)")
        }
        let host = record ?? HostRecord()
        let hosts = link.mailHosts(domain)
        let addresses = Set((try? hosts.get())?.flatMap(\.addresses) ?? [])
        let connections = link.outboundConnections(to: addresses.union([host.lastAddress].compactMap { $0 }))
        let clock = session.clock
        func head(_ label: String, _ value: String) -> String {
            label.padded(to: 22) + value
        }
        func row(_ label: String, _ value: Int, depth: Int = 0) -> String {
            (String(repeating: " ", count: 2 + 2 * depth) + label).padded(to: 38)
                + StatusReport.grouped(value)
        }
        var lines = [
            head("Host mail status for:", "'\(domain)'"),
            head("Status as of:", clock.appliance(clock.now())),
            head("Host up/down:", host.up.map { $0 ? "up" : "down" } ?? "unknown"),
            "",
            "Counters:",
            row("Soft Bounced Events", host.softBouncedEvents),
            row("Completed Recipients", host.deliveredRecipients + host.hardBouncedRecipients),
            row("Hard Bounced Recipients", host.hardBouncedRecipients),
            row("DNS Hard Bounces", host.dnsHardBounces ?? 0, depth: 1),
            row("5XX Hard Bounces", host.fiveXXHardBounces, depth: 1),
            // No content filters: none bounce.
            row("Filter Hard Bounces", 0, depth: 1),
            row("Expired Hard Bounces", host.expiredHardBounces ?? 0, depth: 1),
            row("Other Hard Bounces", host.otherHardBounces ?? 0, depth: 1),
            row("Delivered Recipients", host.deliveredRecipients),
            row("Deleted Recipients", host.deletedRecipients ?? 0),
            "Gauges:",
            row("Active Recipients", recipients.count),
            row("Unattempted Recipients", recipients.filter { $0.delayReason == nil }.count),
            row("Attempted Recipients", recipients.filter { $0.delayReason != nil }.count),
            row("Current Outbound Connections", connections.current),
            row("Pending Outbound Connections", connections.pending),
            "",
        ]
        let oldest = queued.filter { $0.hasRecipient(in: domain) }.map(\.arrivalTime).min()
        lines.append(
            "Oldest Message".padded(to: 31)
                + (oldest.map { StatusReport.age(clock.now().timeIntervalSince1970 - $0) } ?? "No Messages")
        )
        lines.append(
            "Last Activity".padded(to: 31)
                + (host.lastActivity.map(\.applianceText) ?? "Never")
        )
        lines.append("")
        switch hosts {
        case .success(let found):
            lines.append("MX Records:")
            for mx in found {
                let preference = mx.preference.map(String.init) ?? "(the domain itself, no MX records)"
                lines.append("  \(preference)  \(mx.host)")
                lines.append(
                    "      " + (mx.addresses.isEmpty ? "no address" : mx.addresses.joined(separator: ", "))
                )
            }
        case .failure(let failure):
            lines.append("MX Records:")
            lines.append("  Unable to look up \(domain): \(failure.reason).")
        }
        lines.append("")
        lines.append("SMTP routes for this host:")
        lines.append("  None")
        lines.append("")
        if let reply = host.last5XX {
            let time = host.last5XXTime.map(\.applianceText) ?? "unknown time"
            lines.append("Last 5XX error:")
            lines.append("  \(time): \(reply)")
        } else {
            lines.append("Last 5XX error: None")
        }
        lines.append("")
        let committed = session.base.configuration
        let level = MailLogSettings(configuration: committed).tlsLevel(forDomain: domain)
        lines.append("TLS:")
        lines.append("  Destination TLS level:   \(level.detailLabel)")
        lines.append("  Last TLS result:         \(host.lastTLSResult ?? "none")")
        var peer = host.peerSubject.map(TerminalSafe.escaped) ?? "none"
        if let subject = host.peerSubject,
            let record = PeerCertificateFile.load(
                PeerCertificateFile.path(GatewayPaths(dataDirectory: data.standardizedFileURL.path))
            )[domain],
            record.subject == subject
        {
            let notAfter = Date(timeIntervalSince1970: record.notAfter)
            peer += notAfter < clock.now() ? ", expired " : ", expires "
            peer += clock.appliance(notAfter)
        }
        lines.append("  Peer certificate:        \(peer)")
        if let last = host.lastHost ?? host.lastAddress {
            lines.append("  Last host connected:     \(last)" + (host.lastAddress.map { " (\($0))" } ?? ""))
        }
        session.console.write("\n")
        session.page(lines.joined(separator: "\n"))
    }
}
