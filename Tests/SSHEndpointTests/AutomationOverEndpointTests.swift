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
        try Self.importAndCommit(on: session)
        session.send("exit\r")
        #expect(try session.waitForExit() == 0)

        let listed = try harness.ssh("certconfig list")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("mail_cert") && listed.stdout.contains("mail.example.com"), "\(listed.stdout)")

        let back = harness.folder.appendingPathComponent("back.pfx")
        let download = try harness.scp(["alice@127.0.0.1:/configuration/esacert.pfx", back.path])
        #expect(download.status == 0, "\(download.stderr)")
        #expect(try Data(contentsOf: back) == Data(contentsOf: pfx))

        // certconfig EXPORT of the imported profile (the second, after Demo) into /configuration,
        // answered over ssh exec; then `scp -O` fetches the export, byte for byte the file on disk.
        let exported = try harness.ssh(
            "certconfig",
            input: "certificate\nexport\n2\nmail_export.p12\nexport-pass\nexport-pass\nn\n\n\n"
        )
        #expect(exported.status == 0, "\(exported.stderr)")
        try Self.downloadMatchesExport(
            named: "mail_export.p12",
            in: harness.dataDirectory,
            into: harness.folder,
            passphrase: "export-pass"
        ) { try harness.scp($0) }
    }

    /// At the prompt of an interactive session: certconfig IMPORT of `esacert.pfx` (passphrase
    /// `secret`) as profile `mail_cert`, then commit, the prompt coming after `Changes committed`.
    static func importAndCommit(on session: PseudoTerminal) throws {
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
    }

    /// `scp -O {user}@127.0.0.1:/configuration/{name} {local}` through `scp`, compared byte for byte
    /// with the export on disk; the download opens with the export's passphrase and holds a
    /// certificate (for `commonName` when given) and its key.
    static func downloadMatchesExport(
        named name: String,
        in data: URL,
        into folder: URL,
        user: String = "alice",
        passphrase: String,
        commonName: String? = "mail.example.com",
        scp: ([String]) throws -> Finished
    ) throws {
        let onDisk = try Data(contentsOf: data.appendingPathComponent("configuration/\(name)"))
        #expect(onDisk.count > 1000)
        let local = folder.appendingPathComponent("downloaded-\(name)")
        let download = try scp(["\(user)@127.0.0.1:/configuration/\(name)", local.path])
        #expect(download.status == 0, "\(download.stderr)")
        #expect(download.stdout.isEmpty)
        #expect(try Data(contentsOf: local) == onDisk)
        let opened = try OpenSSLCLI.run(["pkcs12", "-in", local.path, "-passin", "pass:\(passphrase)", "-noenc"])
        #expect(opened.succeeded, "\(opened.errorText)")
        #expect(opened.text.contains("-----BEGIN CERTIFICATE-----"))
        if let commonName {
            #expect(opened.text.contains("CN=\(commonName)") || opened.text.contains("CN = \(commonName)"))
        }
        #expect(opened.text.contains("-----BEGIN PRIVATE KEY-----"))
    }
}
