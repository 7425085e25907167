import Foundation
import TestSupport
import Testing

/// The guide's certificate flow through the built binary with piped input: create a profile and
/// its CSR, have a CA sign it (the openssl tool), upload the signed certificate, commit, export a
/// backup, and check the backup with openssl.
@Suite struct CertificateFlowTests {
    @Test func createSignUploadCommitAndExportABackup() throws {
        let data = try TemporaryDirectory()
        let folder = data.url.appendingPathComponent("configuration")
        // The built binary and `openssl verify` read the wall clock (there is no clock to inject into
        // another process), so this CA starts a day before the moment the test runs: valid on any date.
        let root = try TestCA.makeRoot(commonName: "esa Flow Root CA", validFrom: Date().addingTimeInterval(-86_400))
        let issuing = try root.makeIntermediate(commonName: "esa Flow Issuing CA")

        // 1. NEW with the CSR saved into /configuration, then commit (SG-8, SG-12).
        let created = try EsaProcess.run(
            ["--data-dir", data.url.path],
            input: """
                certconfig
                certificate
                new
                mail_example
                mail.example.com
                Example Inc
                IT
                San Jose
                California
                US
                365
                1
                n
                n
                y



                commit "mail_example with CSR"

                """
        )
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("Certificate profile \"mail_example\" created."))
        #expect(
            created.stdout.contains(
                "File written on machine \"ironport.example.com\" to the location \"/configuration/mail_example.csr\"."
            )
        )
        #expect(created.stdout.contains("Changes committed: "))
        let csrPath = folder.appendingPathComponent("mail_example.csr").path
        #expect(try OpenSSLCLI.run(["req", "-verify", "-noout", "-in", csrPath]).succeeded)

        // 2. The CA signs the CSR elsewhere (SG-13); the admin uploads leaf + chain (SG-14).
        let csr = try String(contentsOfFile: csrPath, encoding: .utf8)
        let signed = try issuing.signLeaf(csrPEM: csr, dnsNames: ["mail.example.com"])
        try Data((signed + issuing.certificatePEM).utf8).write(to: folder.appendingPathComponent("signed.pem"))

        // 3. EDIT → SIGNED from the file, commit; PRINT shows the bindings; EXPORT a backup (SG-21).
        let uploaded = try EsaProcess.run(
            ["--data-dir", data.url.path],
            input: """
                certconfig
                certificate
                edit
                2
                signed
                2
                signed.pem
                print
                export
                2
                backup.pfx
                backup-pass
                backup-pass
                n


                interfaceconfig edit Management --hostname=mail.example.com
                listenerconfig edit IncomingMail certificate mail_example
                destconfig setup --certificate=mail_example
                commit "CA-signed mail_example"
                certconfig list
                certconfig print

                """
        )
        #expect(uploaded.status == 0, "\(uploaded.stderr)")
        #expect(uploaded.stdout.contains("Certificate profile \"mail_example\" updated."))
        #expect(uploaded.stdout.contains("Listener IncomingMail                   Demo\n"))
        #expect(uploaded.stdout.contains("Note: profile \"mail_example\" is not committed yet."))
        #expect(uploaded.stdout.contains("Changes committed: "))
        #expect(!uploaded.stdout.contains("backup-pass"))
        let listed = uploaded.stdout.components(separatedBy: "certconfig list\n").last ?? ""
        #expect(listed.contains("mail_example         mail.example.com     esa Flow Issuing CA  Active"))
        // Bound to the listener (whose interface now carries the certificate's name, SG-10) and to
        // outgoing TLS, without the host name warning.
        let printed = uploaded.stdout.components(separatedBy: "certconfig print\n").last ?? ""
        #expect(printed.contains("Listener IncomingMail                   mail_example\n"))
        #expect(printed.contains("Destination Controls (outgoing TLS)     mail_example\n"))
        #expect(!uploaded.stdout.contains("does not name the interface host name"))

        // 4. The backup opens with openssl and holds key, leaf and intermediate.
        let backup = folder.appendingPathComponent("backup.pfx").path
        let mode = try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let info = try OpenSSLCLI.run(["pkcs12", "-info", "-in", backup, "-passin", "pass:backup-pass", "-noenc"])
        #expect(info.succeeded, "\(info.errorText)")
        #expect(info.text.contains("friendlyName: mail_example"))
        #expect(info.text.contains("BEGIN PRIVATE KEY"))
        #expect(info.text.components(separatedBy: "BEGIN CERTIFICATE").count - 1 == 2)
        #expect(info.text.contains("esa Flow Issuing CA"))

        // 5. The committed profile verifies against the test root with the openssl tool.
        let rootFile = try data.write("root.pem", root.certificatePEM)
        let chainFile = try data.write("chain.pem", issuing.certificatePEM)
        let leafFile = try data.write("leaf.pem", signed)
        let verify = try OpenSSLCLI.run(["verify", "-CAfile", rootFile, "-untrusted", chainFile, leafFile])
        #expect(verify.succeeded, "\(verify.errorText)")
    }

    @Test func expiringExitsThreeForCron() throws {
        let data = try TemporaryDirectory()
        let quiet = try EsaProcess.run(["--data-dir", data.url.path, "-c", "certconfig expiring"], input: "")
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stdout.contains("No certificate expires within 30 days."))
        let loud = try EsaProcess.run(["--data-dir", data.url.path, "-c", "certconfig expiring 4000"], input: "")
        #expect(loud.status == 3)
        #expect(loud.stdout.contains("Certificate profile \"Demo\" expires in 3649 days"))
    }
}
