import ApplianceConfig
import Foundation
import Gateway
import TestSupport
import Testing

/// Inbound client certificates for real (root + Postfix, in a network namespace of its own): a
/// sender group that verifies them (Preferred (Verify)) and one that requires a verified one
/// (Required (Verify)), with a client certificate from the trusted custom CA and one from a stranger.
@Suite(.serialized) struct LiveClientCertificateTests {
    static let port = 2525

    /// swaks from `source` over STARTTLS, presenting `certificate` (key + certificate files) if given.
    static func swaks(
        _ run: LiveGatewayRun,
        from source: String,
        certificate: (cert: String, key: String)?
    ) throws
        -> String
    {
        var arguments = [
            "/usr/bin/swaks", "--server", "127.0.0.1:\(port)", "--local-interface", source, "--from",
            "sender@sender.test", "--to", "user@example.test", "--tls", "--timeout", "10",
            "--header", "Subject: client certificate from \(source)",
        ]
        if let certificate { arguments += ["--tls-cert", certificate.cert, "--tls-key", certificate.key] }
        return try run.namespace.run(arguments, timeout: .seconds(30)).output
    }

    @Test func clientCertificatesAreVerifiedAndAnUnverifiedOneIsRefusedUnderRequiredVerify() throws {
        guard try LiveGateway.available() else { return }
        let namespace = try LiveNamespace()
        defer { namespace.tearDown() }
        let run = try LiveGatewayRun(namespace: namespace)
        defer { run.stop() }

        let start = Date().addingTimeInterval(-86_400)
        let listener = try LiveInboundTests.chain(profile: "listener_a")
        let clientRoot = try TestCA.makeRoot(commonName: "esa client root", validFrom: start)
        let trusted = try clientRoot.makeLeaf(
            commonName: "client.sender.test",
            dnsNames: ["client.sender.test"],
            validFrom: start
        )
        let stranger = try TestCA.makeRoot(commonName: "esa stranger root", validFrom: start)
        let untrusted = try stranger.makeLeaf(
            commonName: "stranger.sender.test",
            dnsNames: ["stranger.sender.test"],
            validFrom: start
        )
        let trustedFiles = (
            cert: try run.directory.write("trusted.pem", trusted.certificatePEM),
            key: try run.directory.write("trusted.key", trusted.keyPEM)
        )
        let untrustedFiles = (
            cert: try run.directory.write("untrusted.pem", untrusted.certificatePEM),
            key: try run.directory.write("untrusted.key", untrusted.keyPEM)
        )

        let revision = try run.commit("Client certificates") { configuration in
            configuration.interfaces[0].address = "127.0.0.1"
            configuration.interfaces[0].prefixLength = 8
            configuration.listeners[0].port = Self.port
            configuration.certificates.append(listener.profile)
            configuration.listeners[0].certificate = "listener_a"
            configuration.certificateAuthorities = CertificateAuthoritySettings(
                systemListEnabled: false,
                customListEnabled: true,
                customCertificatesPEM: [clientRoot.certificatePEM]
            )
            var table = configuration.listeners[0].hostAccess
            table.policies += [
                MailFlowPolicy(name: "VERIFY", action: .accept, parameters: MailFlowParameters(tls: .onVerify)),
                MailFlowPolicy(name: "REQVERIFY", action: .accept, parameters: MailFlowParameters(tls: .requireVerify)),
            ]
            table.entries += [
                HostAccessEntry(name: "VERIFYLIST", members: ["127.0.0.13"], behavior: .policy("VERIFY")),
                HostAccessEntry(name: "REQVERIFYLIST", members: ["127.0.0.14"], behavior: .policy("REQVERIFY")),
            ]
            configuration.listeners[0].hostAccess = table
            configuration.listeners[0].recipientAccess = [
                RecipientAccessEntry(pattern: "example.test", accept: true),
                RecipientAccessEntry(pattern: "ALL", accept: false),
            ]
        }
        try run.start()
        #expect(try run.waitForApply(revision).failure == nil)
        try run.waitForListener("127.0.0.1", Self.port)

        // Preferred (Verify): every client is served; the mail log says whether its certificate verified.
        let verifyTrusted = try Self.swaks(run, from: "127.0.0.13", certificate: trustedFiles)
        #expect(verifyTrusted.contains("<~  250 2.0.0 Ok: queued"), "\(verifyTrusted)")
        let verifyUntrusted = try Self.swaks(run, from: "127.0.0.13", certificate: untrustedFiles)
        #expect(verifyUntrusted.contains("<~  250 2.0.0 Ok: queued"), "\(verifyUntrusted)")
        // Required (Verify): only a verified client certificate may send.
        let requiredTrusted = try Self.swaks(run, from: "127.0.0.14", certificate: trustedFiles)
        #expect(requiredTrusted.contains("<~  250 2.0.0 Ok: queued"), "\(requiredTrusted)")
        let requiredUntrusted = try Self.swaks(run, from: "127.0.0.14", certificate: untrustedFiles)
        #expect(
            requiredUntrusted.contains("<~* 554 5.7.1") || requiredUntrusted.contains("<~* 5"),
            "\(requiredUntrusted)"
        )
        #expect(!requiredUntrusted.contains("Ok: queued"), "\(requiredUntrusted)")
        let requiredNone = try Self.swaks(run, from: "127.0.0.14", certificate: nil)
        #expect(!requiredNone.contains("Ok: queued"), "\(requiredNone)")

        // The mail log: one verified and one not-verified line per group.
        let mailLog = run.directory.url.path + "/logs/mail_logs/mail.current"
        try waitUntil("the mail log has every connection's close", timeout: .seconds(30)) {
            // Six connections (the listener probe and five swaks runs); DCID closes do not count.
            contents(mailLog).split(separator: "\n").filter { $0.contains(" Info: ICID ") && $0.hasSuffix(" close") }
                .count >= 6
        }
        let lines = contents(mailLog).split(separator: "\n")
        let verified = lines.filter { $0.hasSuffix(" TLS client certificate verified: client.sender.test") }
        #expect(verified.count == 2, "\(lines)")
        let notVerified = lines.filter { $0.contains(" TLS client certificate not verified: ") }
        #expect(notVerified.count == 3, "\(lines)")
        #expect(
            notVerified.filter { $0.hasSuffix(": unable to get local issuer certificate") }.count == 2,
            "\(notVerified)"
        )
        // Required (Verify) and no certificate at all: said so, then refused.
        #expect(notVerified.filter { $0.hasSuffix(": no certificate presented") }.count == 1, "\(notVerified)")
    }
}
