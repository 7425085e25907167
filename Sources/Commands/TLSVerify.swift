import ApplianceConfig
import Certificates
import Shell
import Synchronization
import TLSClient

/// `tlsverify` (other-commands.md §7): whether delivery to a domain would pass the Verify algorithm
/// (mail-logs.md §4), as a Required (Verify) destination would. Connects, says STARTTLS, checks the
/// certificate against the enabled CA lists and stored CRLs, prints each step. Changes nothing.
public struct TLSVerifyCommand: DeclaredCommand {
    /// The time limit of each step, in seconds.
    var stepTimeout = 30

    /// Where to connect: a host name or address and a port.
    struct Destination: Sendable, Equatable {
        var host: String
        var port: Int
    }

    static let domain = Positional("domain", GatewayParsers.domainParser)
    static let destination = Positional.optional(
        "destination",
        ValueParser<Destination>("{host}[:{port}]") { text, _ throws(ShellError) in try parseDestination(text) }
    )

    public var grammar: Grammar {
        let timeout = stepTimeout
        return Grammar(
            CommandConfiguration(
                "tlsverify",
                summary: "Establish an outbound TLS connection on demand and debug TLS connection issues.",
                access: .view
            ),
            interactive: { session in try TLSVerifyCommand.dialog(session, timeout: timeout) },
            Form(
                usage: "tlsverify {domain} [{host}[:{port}]]",
                .argument(TLSVerifyCommand.domain),
                .argument(TLSVerifyCommand.destination)
            ) { values, session in
                let domain = values[TLSVerifyCommand.domain]
                let destination = values[TLSVerifyCommand.destination] ?? Destination(host: domain, port: 25)
                session.console.write("\n")
                try TLSVerifyCommand.verify(domain: domain, destination, session, timeout: timeout)
            }
        )
    }

    /// `host`, `host:port`, `[v6]:port` or a bare IPv6 address.
    static func parseDestination(_ text: String) throws(ShellError) -> Destination {
        var host = text
        var port = 25
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else {
                    throw .invalidInput("Invalid host \"\(TerminalSafe.escaped(text))\".")
                }
                port = try parsePort(String(rest.dropFirst()), text)
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            port = try parsePort(String(text[text.index(after: colon)...]), text)
        }
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        guard Resolver.isAddress(name) || HostnameRules.isDNSName(name, allowWildcard: false) else {
            throw .invalidInput("Invalid host \"\(TerminalSafe.escaped(text))\".")
        }
        return Destination(host: name.lowercased(), port: port)
    }

    static func parsePort(_ text: String, _ whole: String) throws(ShellError) -> Int {
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw .invalidInput("Invalid port in \"\(TerminalSafe.escaped(whole))\": use a number from 1 to 65535.")
        }
        return port
    }

    static func dialog(_ session: Session, timeout: Int) throws {
        let dialog = session.dialog
        let domain = try dialog.ask(["Enter the TLS domain to verify against:"], format: GatewayParsers.domainAnswer)
        guard let domain else { return }
        let destination = try dialog.ask(
            [
                "Enter the destination host to connect to. Append the port (example.com:26) if you are not connecting on port 25:"
            ],
            default: domain,
            format: AnswerFormat(
                "A host name or IP address, with :port if not 25 (mx.example.com:2525, [2001:db8::1]:25).",
                parse: parseDestination
            )
        )
        guard let destination else { return }
        session.console.write("\n")
        try verify(domain: domain, destination, session, timeout: timeout)
    }

    /// Runs the probe with the session's configuration; fails (status 3) when not verified.
    static func verify(domain: String, _ destination: Destination, _ session: Session, timeout: Int) throws {
        let configuration = session.configuration
        var identity: ClientCertificate?
        if let name = configuration.destinationDefaults.outboundCertificate,
            let profile = configuration.certificate(named: name)
        {
            identity = ClientCertificate(
                certificatePEM: profile.certificatePEM,
                intermediatesPEM: profile.intermediatesPEM,
                keyPEM: profile.privateKeyPEM
            )
        }
        var probe = TLSProbe(
            domain: domain,
            host: destination.host,
            port: destination.port,
            heloName: configuration.hostname,
            identity: identity,
            anchors: CertConfigSupport.trustedCertificates(configuration),
            revocationLists: configuration.revocationLists.compactMap { try? RevocationList(pem: $0.pem) },
            now: session.clock.now(),
            stepTimeout: timeout
        )
        // Ctrl-C (the interrupt flag) stops the probe while it waits for the peer.
        let interrupt = InterruptLatch()
        probe.isCancelled = { interrupt.seen }
        probe.wakeDescriptor = Interrupts.wakeDescriptor
        let console = session.console
        let verified = probe.run { line in console.write(TerminalSafe.escaped(line) + "\n") }
        if interrupt.seen { throw DialogAbort.interrupted }
        guard verified else { throw ShellError.actionFailed("TLS verification for \(domain) failed.") }
    }
}

/// Remembers a Ctrl-C once taken from `Interrupts` (which clears its flag when read).
final class InterruptLatch: Sendable {
    private let taken = Mutex(false)

    var seen: Bool {
        taken.withLock { taken in
            if !taken && Interrupts.take() { taken = true }
            return taken
        }
    }
}
