import ApplianceConfig
import Foundation
import Gateway
import TestSupport
import Testing

/// `esa serve` for real (root + Postfix, in a network namespace of its own): the fresh-directory
/// hint, inbound STARTTLS per sender group, and a certificate swap served without a restart.
@Suite(.serialized) struct LiveInboundTests {
    static let listenerPort = 2525

    /// A listener certificate chain: a leaf for mail.example.test under an intermediate under a root.
    struct Chain {
        let root: TestCA
        let profile: CertificateProfileRecord
    }

    static func chain(profile name: String, root: TestCA? = nil) throws -> Chain {
        let start = Date().addingTimeInterval(-86_400)
        let root = try root ?? TestCA.makeRoot(commonName: "esa live root", validFrom: start)
        let intermediate = try root.makeIntermediate(commonName: "esa live intermediate", validFrom: start)
        let leaf = try intermediate.makeLeaf(
            commonName: "mail.example.test",
            dnsNames: ["mail.example.test"],
            validFrom: start
        )
        return Chain(
            root: root,
            profile: CertificateProfileRecord(
                name: ProfileName(name),
                certificatePEM: leaf.certificatePEM,
                privateKeyPEM: leaf.keyPEM,
                intermediatesPEM: [intermediate.certificatePEM]
            )
        )
    }

    /// The serial number of the certificate `openssl s_client -starttls smtp` is served, verified
    /// against `root` (fails the test when the chain does not verify).
    static func servedSerial(_ run: LiveGatewayRun, root: TestCA) throws -> String {
        let rootFile = try run.directory.write("root-\(UUID().uuidString).pem", root.certificatePEM)
        let outcome = try run.namespace.run(
            [
                "/bin/bash", "-c",
                "openssl s_client -connect 127.0.0.1:\(listenerPort) -starttls smtp -showcerts -CAfile \(rootFile) "
                    + "-verify_return_error -servername mail.example.test </dev/null 2>&1 | tee /dev/stderr "
                    + "| openssl x509 -noout -serial",
            ],
            timeout: .seconds(20)
        )
        #expect(outcome.output.contains("Verify return code: 0 (ok)"), "\(outcome.output)")
        #expect(
            outcome.output.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 3,
            "leaf and intermediate are served"
        )
        return outcome.output.split(separator: "\n").last { $0.hasPrefix("serial=") }.map(String.init) ?? ""
    }

    /// swaks from `source` to the listener; `tls` adds `--tls`. Returns its transcript.
    static func swaks(
        _ run: LiveGatewayRun,
        from source: String,
        tls: Bool,
        quitAfter: String = "RCPT"
    ) throws -> String {
        var arguments = [
            "/usr/bin/swaks", "--server", "127.0.0.1:\(listenerPort)", "--local-interface", source,
            "--from", "sender@sender.test", "--to", "user@example.test", "--quit-after", quitAfter,
            "--timeout", "10",
        ]
        if tls { arguments.append("--tls") }
        return try run.namespace.run(arguments, timeout: .seconds(30)).output
    }

    @Test func freshDirectoryHintThenSTARTTLSPerSenderGroupThenCertificateSwap() throws {
        guard try LiveGateway.available() else { return }
        let namespace = try LiveNamespace()
        defer { namespace.tearDown() }
        let run = try LiveGatewayRun(namespace: namespace)
        defer { run.stop() }
        try run.start()

        // A fresh data directory: the factory interface does not exist here.
        try waitUntil("esa serve reports its first apply", timeout: .seconds(60)) {
            contents(run.serveLog).contains("the gateway runs revision 1")
        }
        let data = run.directory.url.path
        let hint =
            "esa --data-dir \(data) -c 'interfaceconfig edit Management --address=127.0.0.1/8; "
            + "listenerconfig edit IncomingMail interface Management --port=2525; commit \"Gateway on loopback\"'"
        #expect(
            contents(run.serveLog).hasPrefix(
                """
                esa serve: listener IncomingMail could not bind 192.168.42.42:25: Cannot assign requested address
                esa serve: The other listeners keep running. To listen on this machine's loopback address instead, run:
                esa serve:     \(hint)
                esa serve: the gateway runs revision 1; Ctrl-C or SIGTERM stops it.

                """
            ),
            "\(contents(run.serveLog))"
        )
        #expect(
            contents(run.systemLog).contains(
                "Warning: listener IncomingMail could not bind 192.168.42.42:25: Cannot assign requested address"
            )
        )

        // The printed commands, run as printed, move the listener; esa serve applies the commit.
        let moved = try EsaProcess.run(
            [
                "--data-dir", data, "-c",
                "interfaceconfig edit Management --address=127.0.0.1/8; "
                    + "listenerconfig edit IncomingMail interface Management --port=2525; commit \"Gateway on loopback\"",
            ],
            input: ""
        )
        #expect(moved.status == 0, "\(moved.stderr)")
        _ = try run.waitForApply(2)
        try run.waitForListener("127.0.0.1", Self.listenerPort)

        // Sender groups Off / Preferred / Required, the listener's chain, mail for example.test.
        let first = try Self.chain(profile: "listener_a")
        let revision = try run.commit("TLS per sender group") { configuration in
            configuration.certificates.append(first.profile)
            var table = configuration.listeners[0].hostAccess
            table.policies += [
                MailFlowPolicy(name: "TLS_OFF", action: .accept, parameters: MailFlowParameters(tls: .off)),
                MailFlowPolicy(name: "TLS_ON", action: .accept, parameters: MailFlowParameters(tls: .on)),
                MailFlowPolicy(name: "TLS_REQ", action: .accept, parameters: MailFlowParameters(tls: .required)),
            ]
            table.entries += [
                HostAccessEntry(name: "OFFLIST", members: ["127.0.0.10"], behavior: .policy("TLS_OFF")),
                HostAccessEntry(name: "ONLIST", members: ["127.0.0.11"], behavior: .policy("TLS_ON")),
                HostAccessEntry(name: "REQLIST", members: ["127.0.0.12"], behavior: .policy("TLS_REQ")),
            ]
            table.all = .policy("TLS_ON")
            configuration.listeners[0].hostAccess = table
            configuration.listeners[0].certificate = "listener_a"
            configuration.listeners[0].recipientAccess = [
                RecipientAccessEntry(pattern: "example.test", accept: true),
                RecipientAccessEntry(pattern: "ALL", accept: false),
            ]
        }
        let state = try run.waitForApply(revision)
        #expect(state.failure == nil)
        let firstSerial = try Self.servedSerial(run, root: first.root)
        #expect(firstSerial.hasPrefix("serial="))

        // Off: STARTTLS is not offered.
        let off = try Self.swaks(run, from: "127.0.0.10", tls: false, quitAfter: "EHLO")
        #expect(off.contains("<-  220 ironport.example.com ESMTP"), "\(off)")
        #expect(!off.contains("STARTTLS"), "\(off)")
        let offTLS = try Self.swaks(run, from: "127.0.0.10", tls: true)
        #expect(offTLS.contains("STARTTLS") == false || offTLS.contains("not advertise"), "\(offTLS)")
        #expect(!offTLS.contains("TLS started"), "\(offTLS)")
        // Preferred: plaintext accepted, STARTTLS works.
        let preferred = try Self.swaks(run, from: "127.0.0.11", tls: false)
        #expect(preferred.contains("<-  250-STARTTLS"), "\(preferred)")
        #expect(preferred.contains("<-  250 2.1.5 Ok"), "\(preferred)")
        let preferredTLS = try Self.swaks(run, from: "127.0.0.11", tls: true)
        #expect(preferredTLS.contains("TLS started"), "\(preferredTLS)")
        #expect(preferredTLS.contains("<~  250 2.1.5 Ok"), "\(preferredTLS)")
        // Required: plaintext refused with 530, STARTTLS accepted.
        let required = try Self.swaks(run, from: "127.0.0.12", tls: false)
        #expect(
            required.contains("<** 530 5.7.0 Must issue a STARTTLS command first") || required.contains("<** 530"),
            "\(required)"
        )
        #expect(!required.contains("2.1.5 Ok"), "\(required)")
        let requiredTLS = try Self.swaks(run, from: "127.0.0.12", tls: true)
        #expect(requiredTLS.contains("<~  250 2.1.5 Ok"), "\(requiredTLS)")
        // The RAT: other domains are refused.
        let otherDomain = try run.namespace.run(
            [
                "/usr/bin/swaks", "--server", "127.0.0.1:\(Self.listenerPort)", "--local-interface", "127.0.0.11",
                "--from", "sender@sender.test", "--to", "user@elsewhere.test", "--quit-after", "RCPT",
            ]
        ).output
        #expect(otherDomain.contains("<** 550 5.1.0"), "\(otherDomain)")

        // A commit swapping the certificate is served to the next connection, esa serve still running.
        let second = try Self.chain(profile: "listener_b", root: first.root)
        let committed = ContinuousClock.now
        let swap = try run.commit("New listener certificate") { configuration in
            configuration.certificates.append(second.profile)
            configuration.listeners[0].certificate = "listener_b"
        }
        var secondSerial = ""
        try waitUntil("the new certificate is served", timeout: .seconds(30)) {
            secondSerial = try Self.servedSerial(run, root: first.root)
            return secondSerial != firstSerial
        }
        print("◇ commit → new certificate served: \(ContinuousClock.now - committed) (revision \(swap))")
        #expect(run.serve?.exitStatus(wait: false) == nil, "esa serve kept running")
        #expect(try run.waitForApply(swap).failure == nil)
    }
}
