import ApplianceConfig
import Commands
import Foundation
import Shell
import TestSupport
import Testing

/// `tlsverify` against SMTP peers on the loopback (other-commands.md §7, the Verify algorithm of
/// mail-logs.md §4): a good chain, a wrong name, an untrusted CA, an expired and a revoked
/// certificate, no STARTTLS, STARTTLS refused, a handshake broken after `220`.
@Suite(.serialized) struct TLSVerifyTests {
    /// A root, an intermediate under it, and a leaf for mail.example.test under that.
    struct Chain {
        let root: TestCA
        let intermediate: TestCA
        let leaf: (keyPEM: String, certificatePEM: String)

        init(days: Int = 365, leafFrom: Date? = nil) throws {
            root = try TestCA.makeRoot(commonName: "tlsverify root")
            intermediate = try root.makeIntermediate(commonName: "tlsverify intermediate")
            leaf = try intermediate.makeLeaf(
                commonName: "mail.example.test",
                dnsNames: ["mail.example.test", "*.mx.example.test"],
                days: days,
                validFrom: leafFrom
            )
        }

        var behaviour: SMTPTestServer.Behaviour {
            .tls(
                certificatePEM: leaf.certificatePEM,
                intermediatesPEM: [intermediate.certificatePEM],
                keyPEM: leaf.keyPEM
            )
        }
    }

    /// A shell whose only enabled CA list is the custom one, holding `root`.
    static func shell(trusting root: TestCA, crls: [RevocationListRecord] = []) throws -> TestShell {
        let shell = try TestShell()
        try shell.commit { configuration in
            configuration.certificateAuthorities = CertificateAuthoritySettings(
                systemListEnabled: false,
                customListEnabled: true,
                customCertificatesPEM: [root.certificatePEM]
            )
            configuration.revocationLists = KeyedList(crls)
        }
        return shell
    }

    static func head(_ port: Int) -> String {
        """

        Connecting to 127.0.0.1 on port \(port).
        Connected to 127.0.0.1 from interface 127.0.0.1.
        Checking TLS connection.

        """
    }

    @Test func aGoodChainIsVerifiedStepByStep() throws {
        let chain = try Chain()
        let server = try SMTPTestServer(chain.behaviour)
        defer { server.stop() }
        let shell = try Self.shell(trusting: chain.root)
        let result = try shell.run("tlsverify\nmail.example.test\n127.0.0.1:\(server.port)\n")
        let established = try #require(
            result.output.split(separator: "\n").first { $0.hasPrefix("TLS connection established: ") }
        )
        #expect(established.hasPrefix("TLS connection established: protocol TLSv1.3, cipher TLS_"))
        expectTranscript(
            result.output,
            """
            ironport.example.com> tlsverify

            Enter the TLS domain to verify against:
            []> mail.example.test

            Enter the destination host to connect to. Append the port (example.com:26) if you are not connecting on port 25:
            [mail.example.test]> 127.0.0.1:\(server.port)
            \(Self.head(server.port))\(established)
            Verifying peer certificate.
            Verifying certificate common name mail.example.test.
            TLS certificate match mail.example.test
            TLS certificate verified.
            TLS connection to 127.0.0.1 succeeded.

            TLS successfully connected to 127.0.0.1.
            TLS verification completed.
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
    }

    @Test func aWildcardMatchesOneLabelOfTheDomain() throws {
        let chain = try Chain()
        let server = try SMTPTestServer(chain.behaviour)
        defer { server.stop() }
        let shell = try Self.shell(trusting: chain.root)
        let one = try shell.exec("tlsverify a.mx.example.test 127.0.0.1:\(server.port)")
        #expect(one.status == .success, "\(one.output)")
        #expect(one.output.contains("\nTLS certificate match a.mx.example.test\n"))
        let two = try shell.exec("tlsverify a.b.mx.example.test 127.0.0.1:\(server.port)")
        #expect(two.status == .actionFailed)
        #expect(two.output.contains("\nTLS certificate verification failed: no name matches a.b.mx.example.test.\n"))
    }

    /// The lines from `Verifying peer certificate.` on, and the status, of a batch run.
    static func verdict(_ shell: TestShell, _ domain: String, _ port: Int) throws -> (String, RunResult) {
        let result = try shell.exec("tlsverify \(domain) 127.0.0.1:\(port)")
        let tail = result.output.components(separatedBy: "Verifying peer certificate.\n").dropFirst().first ?? ""
        return (tail, result)
    }

    @Test func aWrongNameAnUntrustedCAAnExpiredAndARevokedCertificateFail() throws {
        let chain = try Chain()
        let server = try SMTPTestServer(chain.behaviour)
        defer { server.stop() }

        let wrongName = try Self.verdict(try Self.shell(trusting: chain.root), "example.org", server.port)
        #expect(
            wrongName.0
                == """
                Verifying certificate common name mail.example.test.
                TLS certificate verification failed: no name matches example.org.

                TLS verification completed.

                """
        )
        #expect(wrongName.1.status == .actionFailed)
        #expect(wrongName.1.errorOutput == "line 1: TLS verification for example.org failed.\n")

        let other = try TestCA.makeRoot(commonName: "some other root")
        let untrusted = try Self.verdict(try Self.shell(trusting: other), "mail.example.test", server.port)
        #expect(
            untrusted.0
                == "TLS certificate verification failed: unable to get local issuer certificate.\n\nTLS verification completed.\n"
        )
        #expect(untrusted.1.status == .actionFailed)

        let crl = try chain.intermediate.makeCRL(revoking: [chain.leaf.certificatePEM])
        let revoked = try Self.verdict(
            try Self.shell(
                trusting: chain.root,
                crls: [RevocationListRecord(name: "intermediate", pem: String(decoding: crl, as: UTF8.self))]
            ),
            "mail.example.test",
            server.port
        )
        #expect(
            revoked.0 == "TLS certificate verification failed: certificate revoked.\n\nTLS verification completed.\n"
        )
        // A CRL of the issuer that does not name the leaf changes nothing.
        let clean = try chain.intermediate.makeCRL()
        let notRevoked = try Self.verdict(
            try Self.shell(
                trusting: chain.root,
                crls: [RevocationListRecord(name: "intermediate", pem: String(decoding: clean, as: UTF8.self))]
            ),
            "mail.example.test",
            server.port
        )
        #expect(notRevoked.1.status == .success, "\(notRevoked.1.output)")
    }

    @Test func anExpiredCertificateFails() throws {
        let chain = try Chain(days: 2, leafFrom: TestClock.start.addingTimeInterval(-5 * 86_400))
        let server = try SMTPTestServer(chain.behaviour)
        defer { server.stop() }
        let expired = try Self.verdict(try Self.shell(trusting: chain.root), "mail.example.test", server.port)
        #expect(
            expired.0
                == "TLS certificate verification failed: certificate has expired.\n\nTLS verification completed.\n"
        )
    }

    @Test func peersWithoutWorkingSTARTTLSGiveTheirFailureLine() throws {
        let shell = try TestShell()
        for (behaviour, line) in [
            (SMTPTestServer.Behaviour.noSTARTTLS, "STARTTLS not offered by 127.0.0.1."),
            (.rejectSTARTTLS, "STARTTLS rejected: 454 4.7.0 TLS not available due to local problem."),
        ] {
            let server = try SMTPTestServer(behaviour)
            defer { server.stop() }
            let result = try shell.exec("tlsverify example.test 127.0.0.1:\(server.port)")
            expectTranscript(
                result.output,
                "ironport.example.com> tlsverify example.test 127.0.0.1:\(server.port)\n\(Self.head(server.port))"
                    + "\(line)\n\nTLS verification completed.\n"
            )
            #expect(result.status == .actionFailed)
        }
        let broken = try SMTPTestServer(.breakHandshake)
        defer { broken.stop() }
        let result = try shell.exec("tlsverify example.test 127.0.0.1:\(broken.port)")
        #expect(result.output.contains("\nTLS handshake failed: "), "\(result.output)")
        #expect(result.output.hasSuffix(".\n\nTLS verification completed.\n"))
    }

    @Test func nothingListeningAndBadArguments() throws {
        let shell = try TestShell()
        // 26099 is in this suite's range; nothing listens there unless 100 servers run.
        let refused = try shell.exec("tlsverify example.test 127.0.0.1:26099")
        #expect(
            refused.output.hasSuffix(
                "Connecting to 127.0.0.1 on port 26099.\n"
                    + "Failed to connect to 127.0.0.1 on port 26099: Connection refused.\n\nTLS verification completed.\n"
            )
        )
        let badPort = try shell.exec("tlsverify example.test mx.example.test:99999")
        #expect(
            badPort.errorOutput
                == "line 1: Usage: tlsverify {domain} [{host}[:{port}]]\nInvalid port in \"mx.example.test:99999\": use a number from 1 to 65535.\n"
        )
        #expect(badPort.status == .invalidInput)
        let badHost = try shell.exec("tlsverify example.test bad_host!")
        #expect(
            badHost.errorOutput == "line 1: Usage: tlsverify {domain} [{host}[:{port}]]\nInvalid host \"bad_host!\".\n"
        )
        let noDomain = try shell.exec("tlsverify", answers: "\n")
        #expect(noDomain.status == .success, "an empty answer leaves the dialog")
        #expect(noDomain.output == "ironport.example.com> tlsverify\n\nEnter the TLS domain to verify against:\n[]> \n")
    }
}
