import Foundation
import TestSupport
import Testing

/// What vendor automation does against the appliance, over the embedded endpoint (ssh.md intro):
/// `scp -O` of a PKCS#12 into /configuration, then certconfig IMPORT and commit in an `ssh -tt`
/// session (the pexpect way: banner, prompts, `Changes committed`, the next prompt), then the file
/// downloaded back byte for byte.
@Suite(.serialized)
struct AutomationOverEndpointTests {
    static func pkcs12(in folder: URL) throws -> URL {
        // The binary checks the certificate against the wall clock: valid from a day before this run.
        let root = try TestCA.makeRoot(commonName: "esa SSH Root CA", validFrom: Date().addingTimeInterval(-86_400))
        let leaf = try root.makeLeaf(commonName: "mail.example.com", dnsNames: ["mail.example.com"])
        let key = folder.appendingPathComponent("k.pem")
        let cert = folder.appendingPathComponent("c.pem")
        let chain = folder.appendingPathComponent("chain.pem")
        try leaf.keyPEM.write(to: key, atomically: true, encoding: .utf8)
        try leaf.certificatePEM.write(to: cert, atomically: true, encoding: .utf8)
        try root.certificatePEM.write(to: chain, atomically: true, encoding: .utf8)
        let pfx = folder.appendingPathComponent("local.pfx")
        let made = try OpenSSLCLI.run([
            "pkcs12", "-export", "-inkey", key.path, "-in", cert.path, "-certfile", chain.path,
            "-passout", "pass:secret", "-out", pfx.path,
        ])
        #expect(made.succeeded, "\(made.errorText)")
        return pfx
    }

    @Test(
        .enabled(if: SSHEndpointTests.clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)")
    )
    func scpUploadThenCertconfigImportAndCommitOverSSHTT() async throws {
        let harness = try await EndpointHarness(port: 22412)
        // Stopped with await, not a blocking defer: this suite runs next to SSHEndpointTests, and two
        // blocking waits at once would hold every cooperative thread the stop needs.
        do {
            try await deploy(harness)
        } catch {
            await harness.shutDown()
            throw error
        }
        await harness.shutDown()
    }

    private func deploy(_ harness: EndpointHarness) async throws {
        let pfx = try Self.pkcs12(in: harness.folder)
        let upload = try harness.scp([pfx.path, "alice@127.0.0.1:/configuration/esacert.pfx"])
        #expect(upload.status == 0, "\(upload.stderr)")
        #expect(upload.stdout.isEmpty)

        let session = try PseudoTerminal(
            executable: "/usr/bin/ssh",
            arguments: harness.keyOptions + ["-tt", "-p", String(harness.port), "alice@127.0.0.1"]
        )
        let banner = try session.expect("example.com> ")
        #expect(banner.contains("Welcome to the esa Email Security Appliance Shell"))
        for (answer, next) in [
            ("certconfig", "[]> "), ("certificate", "[]> "), ("import", "> "), ("mail_cert", "> "),
            ("esacert.pfx", "]> "), ("y", "Enter pass phrase for PKCS#12 file: "), ("secret", "[]> "), ("", "[]> "),
            ("", "example.com> "), ("commit \"imported\"", "Changes committed: "),
        ] {
            session.send(answer + "\r")
            try session.expect(next, timeout: .seconds(20))
        }
        // The pause of ssh.md §4: the prompt comes after the commit line, in a write of its own.
        try session.expect("example.com> ")
        session.send("exit\r")
        #expect(try session.waitForExit() == 0)

        let listed = try harness.ssh("certconfig list")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("mail_cert") && listed.stdout.contains("mail.example.com"), "\(listed.stdout)")

        let back = harness.folder.appendingPathComponent("back.pfx")
        let download = try harness.scp(["alice@127.0.0.1:/configuration/esacert.pfx", back.path])
        #expect(download.status == 0, "\(download.stderr)")
        #expect(try Data(contentsOf: back) == Data(contentsOf: pfx))
    }
}
