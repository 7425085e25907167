import ApplianceConfig
import Certificates
import Foundation
import Shell
import TestSupport
import Testing

/// IMPORT, PASTE, EDIT → SIGNED and EXPORT with certificates from a test CA and files made by the
/// openssl tool.
@Suite struct CertConfigImportTests {
    /// A leaf from the issuing CA with its key, as PEM.
    private func leaf(_ setup: SigningSetup, days: Int = 365) throws -> (keyPEM: String, certificatePEM: String) {
        try setup.intermediate.makeLeaf(commonName: "mail.example.com", dnsNames: ["mail.example.com"], days: days)
    }

    /// A PKCS#12 file made by `openssl pkcs12 -export` (modern or `-legacy`) with leaf, key, chain.
    private func pfx(_ setup: SigningSetup, legacy: Bool, passphrase: String = "secret") throws -> [UInt8] {
        let made = try leaf(setup)
        let dir = try TemporaryDirectory()
        let key = try dir.write("k.pem", made.keyPEM)
        let cert = try dir.write("c.pem", made.certificatePEM)
        let chain = try dir.write("chain.pem", setup.intermediate.certificatePEM + setup.root.certificatePEM)
        var arguments = [
            "pkcs12", "-export", "-inkey", key, "-in", cert, "-certfile", chain, "-passout", "pass:\(passphrase)",
            "-name", "esacert",
        ]
        if legacy { arguments.append("-legacy") }
        let result = try OpenSSLCLI.run(arguments)
        #expect(result.succeeded, "\(result.errorText)")
        return result.data
    }

    @Test(arguments: [false, true])
    func importReadsModernAndLegacyFilesAndNormalisesTheChain(legacy: Bool) throws {
        let setup = try SigningSetup()
        try setup.write("esacert.pfx", try pfx(setup, legacy: legacy))
        let shell = setup.shell
        let demo = try CertConfigText.demoRow(shell)
        let result = try shell.run(
            "certconfig\ncertificate\nimport\nmail_cert\nesacert.pfx\ny\nsecret\n\n\ncommit \"imported\"\n"
        )
        let profile = try #require(shell.store.head().configuration.certificate(named: "mail_cert"))
        let certificate = try Certificate(pem: profile.certificatePEM)
        let row = CertConfigText.row(
            "mail_cert",
            "mail.example.com",
            "esa Test Issuing CA",
            "Active",
            CertConfigText.remaining(certificate, shell.clock.now())
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> certconfig
            \(CertConfigText.topMenu)certificate
            \(CertConfigText.certificateMenu([demo]))import

            Enter a name for this certificate profile:
            > mail_cert

            Enter the name of the file on machine "ironport.example.com" to import:
            []> esacert.pfx
            \(CertConfigText.fqdnQuestion)y

            Enter pass phrase for PKCS#12 file: 

            Note: removed root certificate "esa Test Root CA".
            Warning: the root certificate "esa Test Root CA" is in no enabled CA list: add it under CERTAUTHORITY to trust the chain.

            Certificate profile "mail_cert" imported.
                Subject: CN=mail.example.com
                Issuer: O=esa tests, CN=esa Test Issuing CA
                Intermediates: 1
            \(CertConfigText.certificateMenu([demo, row]))
            \(CertConfigText.topMenu)
            ironport.example.com> commit "imported"

            Changes committed: \(shell.clock.shellClock.appliance(shell.clock.now()))
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        #expect(profile.intermediatesPEM == [try Certificate(pem: setup.intermediate.certificatePEM).pem])
        #expect(!result.output.contains("secret"))
    }

    @Test func importFailuresLeaveTheConfigurationUnchanged() throws {
        let setup = try SigningSetup()
        let good = try pfx(setup, legacy: false)
        try setup.write("good.pfx", good)
        try setup.write("truncated.pfx", Array(good.prefix(good.count / 2)))
        try setup.write("garbage.pfx", Array("this is not a PKCS#12 file\n".utf8))
        try setup.write("empty.pfx", [])
        let before = try setup.shell.store.head().configuration
        let cases: [(String, String, Shell.ExitStatus)] = [
            ("good.pfx\n\nwrong\n", "line 7: Invalid pass phrase or corrupt PKCS#12 file.", .actionFailed),
            ("truncated.pfx\n\nsecret\n", "line 7: Invalid pass phrase or corrupt PKCS#12 file.", .actionFailed),
            ("garbage.pfx\n\nsecret\n", "line 7: Invalid pass phrase or corrupt PKCS#12 file.", .actionFailed),
            ("empty.pfx\n\nsecret\n", "line 7: Invalid pass phrase or corrupt PKCS#12 file.", .actionFailed),
            ("missing.pfx\n", "line 5: Error: file 'missing.pfx' does not exist.", .actionFailed),
            (
                "../good.pfx\n",
                "line 5: Invalid file name: \"../good.pfx\". Only a file name in /configuration is allowed.",
                .invalidInput
            ),
        ]
        for (answers, message, status) in cases {
            let result = try setup.shell.run("certconfig\ncertificate\nimport\nnew_cert\n" + answers + "commit\n")
            #expect(result.errorOutput == message + "\n", "\(answers)")
            #expect(result.status == status, "\(answers)")
            #expect(try setup.shell.store.head().configuration == before)
        }
    }

    @Test func pasteTakesLeafKeyAndIntermediates() throws {
        let setup = try SigningSetup()
        let made = try leaf(setup)
        let shell = setup.shell
        let demo = try CertConfigText.demoRow(shell)
        let input = """
            certconfig
            certificate
            paste
            partner_com
            \(made.certificatePEM).
            \(made.keyPEM).
            y
            \(setup.intermediate.certificatePEM).
            y
            \(setup.intermediate.certificatePEM).
            n


            """
        let result = try shell.run(input + "\n\ncommit \"pasted\"\n")
        let certificate = try Certificate(pem: made.certificatePEM)
        let row = CertConfigText.row(
            "partner_com",
            "mail.example.com",
            "esa Test Issuing CA",
            "Active",
            CertConfigText.remaining(certificate, shell.clock.now())
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> certconfig
            \(CertConfigText.topMenu)certificate
            \(CertConfigText.certificateMenu([demo]))paste

            Enter a name for this certificate profile:
            > partner_com

            Paste public certificate in PEM format (end with '.'):
            \(made.certificatePEM).

            Paste private key in PEM format (end with '.'):
            [private key: \(made.keyPEM.split(separator: "\n").count) lines]
            .

            Do you want to add an intermediate certificate? [N]> y

            Paste intermediate certificate in PEM format (end with '.'):
            \(setup.intermediate.certificatePEM).

            Do you want to add another intermediate certificate? [N]> y

            Paste intermediate certificate in PEM format (end with '.'):
            \(setup.intermediate.certificatePEM).

            Do you want to add another intermediate certificate? [N]> n
            \(CertConfigText.fqdnQuestion)

            Note: removed duplicate intermediate certificate "esa Test Issuing CA".
            Warning: the chain is incomplete: no certificate for issuer "esa Test Root CA".

            CN=mail.example.com
            Certificate profile "partner_com" added.
            \(CertConfigText.certificateMenu([demo, row]))
            \(CertConfigText.topMenu)
            ironport.example.com> commit "pasted"

            Changes committed: \(shell.clock.shellClock.appliance(shell.clock.now()))
            ironport.example.com> 
            """
        )
        // The pasted key is stored, and its text was never echoed.
        #expect(!result.output.contains("PRIVATE KEY"))
        let profile = try #require(shell.store.head().configuration.certificate(named: "partner_com"))
        #expect(profile.intermediatesPEM.count == 1)
    }

    @Test func pasteRefusalsEachGiveTheirMessage() throws {
        let setup = try SigningSetup()
        let made = try leaf(setup)
        let other = try leaf(setup)
        let expired = try setup.intermediate.makeLeaf(commonName: "old.example.com", dnsNames: [], days: 1)
        let encrypted = try OpenSSLCLI.output(
            ["pkey", "-aes256", "-passout", "pass:right"],
            input: Array(made.keyPEM.utf8)
        )
        let truncated = String(made.certificatePEM.prefix(made.certificatePEM.count / 2))
        let cases: [(String, String, Shell.ExitStatus)] = [
            ("\(truncated)\n.\n", "The certificate is not in PEM format.", .actionFailed),
            ("garbage\n.\n", "The certificate is not in PEM format.", .actionFailed),
            (
                "\(made.certificatePEM).\n\(other.keyPEM).\nn\n\n", "The private key does not match the certificate.",
                .actionFailed
            ),
            (
                "\(made.certificatePEM).\n\(encrypted).\nwrong\n", "Invalid pass phrase for the private key.",
                .actionFailed
            ),
            ("\(made.certificatePEM).\nnot a key\n.\n", "The private key is not in PEM format.", .actionFailed),
        ]
        let before = try setup.shell.store.head().configuration
        for (answers, message, status) in cases {
            let result = try setup.shell.run("certconfig\ncertificate\npaste\np1\n" + answers + "commit\n")
            #expect(result.errorOutput.hasSuffix(": " + message + "\n"), "\(message): \(result.errorOutput)")
            #expect(result.status == status)
            #expect(try setup.shell.store.head().configuration == before)
        }
        // The right passphrase opens the encrypted key.
        let good = try setup.shell.run(
            "certconfig\ncertificate\npaste\np1\n\(made.certificatePEM).\n\(encrypted).\nright\nn\n\n\n\ncommit \"x\"\n"
        )
        #expect(good.status == .success, "\(good.errorOutput)")
        #expect(good.output.contains("Enter pass phrase for private key: \n"))
        // An expired certificate, a day after it ended.
        let old = try Certificate(pem: expired.certificatePEM)
        let later = try TestShell(clock: TestClock(old.notAfter.addingTimeInterval(86_400)))
        let refused = try later.run(
            "certconfig\ncertificate\npaste\nold\n\(expired.certificatePEM).\n\(expired.keyPEM).\nn\n\n"
        )
        #expect(refused.status == .actionFailed)
        // Refused as soon as the certificate is given (its closing "." is the line), before the key.
        let certificateEnd = 5 + expired.certificatePEM.split(separator: "\n").count
        #expect(
            refused.errorOutput
                == "line \(certificateEnd): The certificate expired on \(CertConfigSupportDate(old.notAfter)).\n"
        )
        #expect(!refused.output.contains("Paste private key"))
    }

    @Test func pasteRefusesAWrongKeyAsSoonAsItIsGiven() throws {
        let setup = try SigningSetup()
        let made = try leaf(setup)
        let other = try leaf(setup)
        let before = try setup.shell.store.head().configuration
        let result = try setup.shell.run(
            "certconfig\ncertificate\npaste\np1\n\(made.certificatePEM).\n\(other.keyPEM).\nn\n\n"
        )
        let keyEnd = 6 + made.certificatePEM.split(separator: "\n").count + other.keyPEM.split(separator: "\n").count
        #expect(result.status == .actionFailed)
        #expect(result.errorOutput == "line \(keyEnd): The private key does not match the certificate.\n")
        #expect(!result.output.contains("Do you want to add an intermediate certificate?"))
        #expect(try setup.shell.store.head().configuration == before)
    }

    @Test func anUnsupportedCurveIsNamedAndRefusedBeforeTheKeyIsAsked() throws {
        let shell = try TestShell()
        // secp256k1: 256 bits like P-256, but not a curve the appliance accepts.
        let certificatePEM = try OpenSSLCLI.output([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-nodes", "-keyout",
            "/dev/null", "-subj", "/CN=k1.example.com", "-days", "30",
        ])
        let result = try shell.run("certconfig\ncertificate\npaste\nk1\n\(certificatePEM).\n")
        #expect(result.status == .actionFailed)
        #expect(
            result.errorOutput
                == "line \(5 + certificatePEM.split(separator: "\n").count): Unsupported key: EC 256 bits, curve secp256k1.\n"
        )
        #expect(!result.output.contains("Paste private key"))
    }

    @Test func aPastedChainThatIsCompleteAsksForNoMoreIntermediates() throws {
        let setup = try SigningSetup()
        let made = try leaf(setup)
        // Leaf, issuing CA, root and the issuing CA again: four certificates, the chain complete.
        let chain =
            made.certificatePEM + setup.intermediate.certificatePEM + setup.root.certificatePEM
            + setup.intermediate.certificatePEM
        let result = try setup.shell.run(
            "certconfig\ncertificate\npaste\nfour\n\(chain).\n\(made.keyPEM).\n\n\n\ncommit \"four\"\n"
        )
        #expect(result.status == .success, "\(result.errorOutput)")
        #expect(result.output.contains("Note: 3 additional certificates were taken as intermediates."))
        #expect(!result.output.contains("intermediate certificate? [N]>"))
        #expect(
            result.output.contains(
                """
                Note: removed duplicate intermediate certificate "esa Test Issuing CA".
                Note: removed root certificate "esa Test Root CA".
                Warning: the root certificate "esa Test Root CA" is in no enabled CA list: add it under CERTAUTHORITY to trust the chain.
                """
            )
        )
        // Only the issuing CA lacks its root: one pasted intermediate alone still asks for another.
        let partial = try setup.shell.run(
            "certconfig\ncertificate\npaste\ntwo\n\(made.certificatePEM + setup.intermediate.certificatePEM).\n"
                + "\(made.keyPEM).\nn\n\n\n\n"
        )
        #expect(partial.status == .success, "\(partial.errorOutput)")
        #expect(partial.output.contains("Do you want to add another intermediate certificate? [N]> n"))
    }

    @Test func editInstallsTheSignedCertificateThenExportReadsWithOpenSSL() throws {
        let setup = try SigningSetup()
        let shell = setup.shell
        let created = try shell.run(
            "certconfig\ncertificate\nnew\nmail_example\nmail.example.com\nExample Inc\nIT\nSan Jose\nCalifornia\nUS\n\n4\n\nn\n\n\n\ncommit \"new\"\n"
        )
        #expect(created.status == .success, "\(created.errorOutput)")
        let pending = try #require(shell.store.head().configuration.certificate(named: "mail_example"))
        let csr = try #require(pending.signingRequestPEM)
        let signed = try setup.intermediate.signLeaf(csrPEM: csr, dnsNames: ["mail.example.com"])
        // A mismatched certificate is refused first.
        let stranger = try leaf(setup)
        let refused = try shell.run("certconfig\ncertificate\nedit\n2\nsigned\n1\n\(stranger.certificatePEM).\nn\n")
        #expect(refused.status == .actionFailed)
        #expect(
            refused.errorOutput
                == "line \(7 + stranger.certificatePEM.split(separator: "\n").count): The certificate does not match the private key of profile \"mail_example\".\n"
        )
        try setup.write("signed.pem", Array((signed + setup.intermediate.certificatePEM).utf8))
        let result = try shell.run("certconfig\ncertificate\nedit\n2\nsigned\n2\nsigned.pem\n\n\ncommit \"signed\"\n")
        let leafCertificate = try Certificate(pem: signed)
        let demo = try CertConfigText.demoRow(shell)
        let before = CertConfigText.row(
            "mail_example",
            "mail.example.com",
            "mail.example.com",
            "CSR Pending",
            CertConfigText.remaining(try Certificate(pem: pending.certificatePEM), shell.clock.now())
        )
        let after = CertConfigText.row(
            "mail_example",
            "mail.example.com",
            "esa Test Issuing CA",
            "Active",
            CertConfigText.remaining(leafCertificate, shell.clock.now())
        )
        let pendingCertificate = try Certificate(pem: pending.certificatePEM)
        // Serial and fingerprint as the openssl tool reads them (`serial=…`, `sha256 Fingerprint=…`).
        let reading = try OpenSSLCLI.run(
            ["x509", "-noout", "-serial", "-fingerprint", "-sha256"],
            input: Array(pending.certificatePEM.utf8)
        ).text.split(separator: "\n").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
        let serial = try #require(reading.first { $0.first == "serial" }?.last)
        let fingerprint = try #require(reading.first { $0.first == "sha256 Fingerprint" }?.last)
        expectTranscript(
            result.output,
            """
            ironport.example.com> certconfig
            \(CertConfigText.topMenu)certificate
            \(CertConfigText.certificateMenu([demo, before]))edit

            Select the certificate you wish to edit:
            1. Demo
            2. mail_example
            [1]> 2

            Name: mail_example
            Subject: C=US, ST=California, L=San Jose, O=Example Inc, OU=IT, CN=mail.example.com
            Issuer: (self-signed)
            Subject alternative names: mail.example.com
            Valid: \(CertConfigSupportDate(pendingCertificate.notBefore)) to \(CertConfigSupportDate(pendingCertificate.notAfter))
            Key: EC 256 bits, curve P-256
            Serial: \(serial)
            SHA-256 fingerprint: \(fingerprint)
            Status: CSR Pending
            Intermediates: 0

            Choose the operation you want to perform:
            - CSR - View or save the certificate signing request.
            - SIGNED - Install the certificate signed by the certificate authority.
            - SUBJECT - Change the subject and re-issue the self-signed certificate and request.
            []> signed

            How do you want to provide the signed certificate?
            1. Paste via CLI
            2. Load from file in /configuration
            [1]> 2

            Enter the name of the file to import:
            []> signed.pem

            Warning: the chain is incomplete: no certificate for issuer "esa Test Root CA".

            Certificate profile "mail_example" updated.
            \(CertConfigText.certificateMenu([demo, after]))
            \(CertConfigText.topMenu)
            ironport.example.com> commit "signed"

            Changes committed: \(shell.clock.shellClock.appliance(shell.clock.now()))
            ironport.example.com> 
            """
        )
        let profile = try #require(shell.store.head().configuration.certificate(named: "mail_example"))
        #expect(profile.signingRequestPEM == nil)
        #expect(profile.privateKeyPEM == pending.privateKeyPEM)
        #expect(profile.intermediatesPEM.count == 1)

        // EXPORT: modern by default, then legacy; both read by openssl with the passphrase.
        for (file, legacyAnswer) in [("backup.pfx", "n"), ("old.pfx", "y")] {
            let export = try shell.run(
                "certconfig\ncertificate\nexport\n2\n\(file)\npass1\npass1\n\(legacyAnswer)\n\n\n"
            )
            #expect(export.status == .success, "\(export.errorOutput)")
            #expect(
                export.output.contains(
                    """
                    Enter the file name to export to:
                    [mail_example.pfx]> \(file)

                    Enter passphrase: 
                    Confirm passphrase: 

                    Use the legacy PKCS#12 format (3DES, SHA-1) for older software? [N]> \(legacyAnswer)

                    File written on machine "ironport.example.com" to the location "/configuration/\(file)".
                    """
                )
            )
            #expect(try setup.permissions(file) == 0o600)
            let path = setup.folder.appendingPathComponent(file).path
            var arguments = ["pkcs12", "-info", "-in", path, "-passin", "pass:pass1", "-noenc"]
            if legacyAnswer == "y" { arguments.append("-legacy") }
            let info = try OpenSSLCLI.run(arguments)
            #expect(info.succeeded, "\(info.errorText)")
            #expect(info.text.contains("friendlyName: mail_example"))
            #expect(info.text.contains("CN = mail.example.com") || info.text.contains("CN=mail.example.com"))
            #expect(info.errorText.contains(legacyAnswer == "y" ? "pbeWithSHA1And3-KeyTripleDES-CBC" : "AES-256-CBC"))
            #expect(!export.output.contains("pass1"))
        }
        // Mismatched confirmation in a script fails without writing.
        let mismatch = try shell.run("certconfig\ncertificate\nexport\n2\nbad.pfx\none\ntwo\n")
        #expect(mismatch.status == .invalidInput)
        #expect(mismatch.errorOutput == "line 7: Passphrases do not match.\n")
        #expect(!FileManager.default.fileExists(atPath: setup.folder.appendingPathComponent("bad.pfx").path))
    }

    @Test func certificateAuthorityCustomListImportAndToggle() throws {
        let setup = try SigningSetup()
        let made = try leaf(setup)
        try setup.write(
            "cas.pem",
            Array((setup.root.certificatePEM + setup.intermediate.certificatePEM + made.certificatePEM).utf8)
        )
        let result = try setup.shell.run(
            "certconfig\ncertauthority\ncustom\nimport\ncas.pem\n\nenable\n\n\n\ncommit \"cas\"\n"
        )
        #expect(result.status == .success, "\(result.errorOutput)")
        #expect(
            result.output.contains(
                """

                Note: skipped "mail.example.com": not a certificate authority.
                Imported 2 certificate authorities.

                Custom List: Disabled (2 certificates)
                """
            )
        )
        #expect(result.output.contains("The custom certificate authority list is enabled."))
        let settings = try setup.shell.store.head().configuration.certificateAuthorities
        #expect(settings.customListEnabled)
        #expect(settings.customCertificatesPEM.count == 2)
    }
}

/// `Sep 22 09:00:00 2026 GMT`.
func CertConfigSupportDate(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "MMM dd HH:mm:ss yyyy 'GMT'"
    return formatter.string(from: date)
}
