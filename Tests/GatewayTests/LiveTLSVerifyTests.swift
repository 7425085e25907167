import Foundation
import Gateway
import TestSupport
import Testing

/// `tlsverify` against bad MXes found through the system resolver (dnsmasq in a namespace of its own,
/// `gw-v…`): when connecting fails it goes on with the next MX (other-commands.md §7), and a
/// handshake that breaks after `220` is said in one line.
@Suite(.serialized) struct LiveTLSVerifyTests {
    @Test func anUnreachableFirstMXIsSkippedForTheNextOne() throws {
        guard try LiveGateway.available() else { return }
        let namespace = try LiveNamespace(prefix: "gw-v")
        defer { namespace.tearDown() }
        let folder = try TemporaryDirectory()
        try namespace.startDNS(
            mx: [("multi.test", "mx1.multi.test"), ("multi.test", "mx2.multi.test")],
            hosts: [("mx1.multi.test", "127.0.0.7"), ("mx2.multi.test", "127.0.0.8")],
            folder: folder.url.path,
            preferences: ["mx2.multi.test": 20]
        )
        // Nothing listens on 127.0.0.7; 127.0.0.8 says 220 to STARTTLS and then no TLS.
        let mxLog = try LiveOutboundTests.startScriptedMX("break", address: "127.0.0.8", in: namespace, folder: folder)
        let data = try TemporaryDirectory()
        guard let binary = EsaBinary.url else { throw EsaProcess.NotBuilt() }
        let outcome = try namespace.run(
            [binary.path, "--data-dir", data.url.path, "-c", "tlsverify multi.test"],
            timeout: .seconds(60)
        )
        #expect(outcome.status == 3, "\(outcome.output)")
        #expect(
            outcome.output.contains(
                """
                Connecting to 127.0.0.7 on port 25.
                Failed to connect to 127.0.0.7 on port 25: Connection refused.
                Connecting to 127.0.0.8 on port 25.
                Connected to 127.0.0.8 from interface 127.0.0.1.
                Checking TLS connection.
                TLS handshake failed: 
                """
            ),
            "\(outcome.output)"
        )
        #expect(outcome.output.contains("\n\nTLS verification completed.\n"), "\(outcome.output)")
        #expect(contents(mxLog).contains("< STARTTLS"), "the second MX was reached")
    }
}
