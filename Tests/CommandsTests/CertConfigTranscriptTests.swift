import ApplianceConfig
import Certificates
import Foundation
import Shell
import TestSupport
import Testing

@Suite struct CertConfigTranscriptTests {
    @Test func menusListAndPrintShowTheFactoryBindings() throws {
        let shell = try TestShell()
        let result = try shell.run("certconfig\ncertificate\nprint\n\n\n")
        let demo = try CertConfigText.demoRow(shell)
        expectTranscript(
            result.output,
            """
            ironport.example.com> certconfig
            \(CertConfigText.topMenu)certificate
            \(CertConfigText.certificateMenu([demo]))print

            Certificates assigned to services:
            Listener IncomingMail                   Demo
            Destination Controls (outgoing TLS)     Demo
            HTTPS Management                        Demo
            LDAP                                    Demo
            Cisco Web Security Services             (provided certificate)
            \(CertConfigText.certificateMenu([demo]))
            \(CertConfigText.topMenu)
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        #expect(result.errorOutput == "")
    }

    @Test func newCreatesAProfileWithACSRSavedInConfigurationAndCommitted() throws {
        let shell = try TestShell()
        let demo = try CertConfigText.demoRow(shell)
        let result = try shell.run(
            """
            certconfig
            certificate
            new
            mail_example
            mail.example.com
            Example Inc
            IT
            San Jose
            California
            us
            365

            y
            smtp.example.com, *.example.net
            n
            y



            commit "new profile"

            """
        )
        let row = CertConfigText.row("mail_example", "mail.example.com", "mail.example.com", "CSR Pending", 365)
        expectTranscript(
            result.output,
            """
            ironport.example.com> certconfig
            \(CertConfigText.topMenu)certificate
            \(CertConfigText.certificateMenu([demo]))new

            Enter a name for this certificate profile:
            > mail_example

            1. Enter Common Name:
            > mail.example.com

            2. Enter Organization:
            > Example Inc

            3. Enter Organizational Unit:
            > IT

            4. Enter Locality or City:
            > San Jose

            5. Enter State or Province:
            > California

            6. Country Code (2 letters):
            > us

            7. Duration before expiration (in days):
            [3650]> 365

            8. Key type and size:
            1. RSA 2048
            2. RSA 3072
            3. RSA 4096
            4. ECDSA P-256
            5. ECDSA P-384
            [1]> 

            Do you want to add subject alternative names? [N]> y

            Enter the DNS names, separated by commas:
            []> smtp.example.com, *.example.net

            Do you want to view the CSR? [Y]> n

            Do you want to save the CSR to a file in /configuration? [N]> y

            Enter the file name:
            [mail_example.csr]> 

            File written on machine "ironport.example.com" to the location "/configuration/mail_example.csr".

            Certificate profile "mail_example" created.
            \(CertConfigNew_reminder)
            \(CertConfigText.certificateMenu([demo, row]))
            \(CertConfigText.topMenu)
            ironport.example.com> commit "new profile"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        let profile = try #require(shell.store.head().configuration.certificate(named: "mail_example"))
        let certificate = try Certificate(pem: profile.certificatePEM)
        #expect(
            certificate.subject.oneLine == "C=US, ST=California, L=San Jose, O=Example Inc, OU=IT, CN=mail.example.com"
        )
        #expect(certificate.subjectAlternativeDNSNames == ["mail.example.com", "smtp.example.com", "*.example.net"])
        #expect(try PrivateKey(pem: profile.privateKeyPEM, passphrase: nil).bits == 2048)
        // The saved CSR verifies with the openssl tool and is the stored one.
        let folder = shell.directory.url.appendingPathComponent("configuration")
        let csr = try String(contentsOf: folder.appendingPathComponent("mail_example.csr"), encoding: .utf8)
        #expect(csr == profile.signingRequestPEM)
        let verify = try OpenSSLCLI.run([
            "req", "-verify", "-noout", "-in", folder.appendingPathComponent("mail_example.csr").path,
        ])
        #expect(verify.succeeded)
        let text = try OpenSSLCLI.output(["x509", "-noout", "-text"], input: Array(profile.certificatePEM.utf8))
        #expect(text.contains("DNS:mail.example.com, DNS:smtp.example.com, DNS:*.example.net"))
        #expect(!result.output.contains("PRIVATE KEY"))
    }

    @Test func newWithECDSAShowsTheCSR() throws {
        let shell = try TestShell()
        let result = try shell.run(
            "certconfig\ncertificate\nnew\nec_one\nec.example.com\nO\nOU\nL\nST\nDE\n\n4\n\n\n\n\n\ncommit \"ec\"\n"
        )
        #expect(result.status == .success)
        let profile = try #require(shell.store.head().configuration.certificate(named: "ec_one"))
        let csr = try #require(profile.signingRequestPEM)
        // The CSR is printed in full after the view question, as its own block.
        #expect(result.output.contains("Do you want to view the CSR? [Y]> \n\n" + csr))
        #expect(try PrivateKey(pem: profile.privateKeyPEM, passphrase: nil).typeName == "EC")
    }

    @Test(arguments: [
        ("bad name", "mail example", "Symbols are not allowed in the profile name."),
        ("too long", String(repeating: "a", count: 65), "The profile name must be at most 64 characters."),
    ])
    func badProfileNamesAreRefused(_ label: String, _ name: String, _ message: String) throws {
        let shell = try TestShell()
        let before = try shell.store.head().configuration
        let result = try shell.run("certconfig\ncertificate\nnew\n\(name)\n")
        #expect(result.status == .invalidInput, "\(label)")
        #expect(result.errorOutput == "line 4: \(message)\n")
        #expect(try shell.store.head().configuration == before)
    }

    @Test func badCountryCodeIsRefused() throws {
        let shell = try TestShell()
        let result = try shell.run("certconfig\ncertificate\nnew\nx1\ncn.example.com\nO\nOU\nL\nST\nUSA\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 10: The country code must be two letters.\n")
    }

    @Test func anExistingNameIsKeptWhenTheAdminDeclinesToOverwrite() throws {
        let shell = try TestShell()
        let before = try shell.store.head().configuration
        let demo = try CertConfigText.demoRow(shell)
        let result = try shell.run("certconfig\ncertificate\nnew\ndemo\n\n\n\ncommit\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> certconfig
            \(CertConfigText.topMenu)certificate
            \(CertConfigText.certificateMenu([demo]))new

            Enter a name for this certificate profile:
            > demo

            Certificate profile "Demo" already exists. Do you want to
            overwrite with this new one? [N]> 
            \(CertConfigText.certificateMenu([demo]))
            \(CertConfigText.topMenu)
            ironport.example.com> commit

            There is no data to commit.
            ironport.example.com> 
            """
        )
        #expect(try shell.store.head().configuration == before)
    }

    @Test func deleteRefusesDemoAndBoundProfilesAndRemovesAnUnboundOne() throws {
        let shell = try TestShell()
        let demoRecord = try #require(try shell.store.head().configuration.certificate(named: "Demo"))
        // A session where a copy of Demo is bound to every service.
        let (session, console, output) = try shell.session(
            input: "certconfig\ncertificate\ndelete\n2\n\ndelete\n1\n"
        )
        session.stage { config in
            var copy = demoRecord
            copy.name = "mail_example"
            config.certificates.append(copy)
            var spare = demoRecord
            spare.name = "spare"
            config.certificates.append(spare)
            config.listeners[0].certificate = "mail_example"
            config.destinationDefaults.outboundCertificate = "mail_example"
            config.interfaces[0].httpsCertificate = "mail_example"
            config.ldap.certificate = "mail_example"
            config.webSecurity.clientCertificate = "mail_example"
        }
        let status = Interpreter(session: session).runScript()
        console.flush()
        #expect(status == .actionFailed)
        #expect(
            output.stderr
                == """
                line 4: The certificate profile "mail_example" is in use and cannot be deleted. It is used by:
                    Listener "IncomingMail"
                    Destination Controls (outgoing TLS)
                    HTTPS on interface "Management"
                    LDAP
                    Cisco Web Security Services authentication

                """
        )
        let second = try shell.run("certconfig\ncertificate\ndelete\n1\n")
        #expect(second.status == .actionFailed)
        #expect(second.errorOutput == "line 4: The Demo certificate cannot be deleted.\n")
    }

    @Test func deleteAsksAndRemoves() throws {
        let shell = try TestShell()
        _ = try shell.run(
            "certconfig\ncertificate\nnew\nspare\nspare.example.com\nO\nOU\nL\nST\nUS\n\n4\n\nn\n\n\n\ncommit \"x\"\n"
        )
        #expect(try shell.store.head().configuration.certificate(named: "spare") != nil)
        let result = try shell.run("certconfig\ncertificate\ndelete\n2\ny\n\n\ncommit \"deleted\"\n")
        #expect(
            result.output.contains(
                """

                Select the certificate you wish to delete:
                1. Demo
                2. spare
                [2]> 2

                Are you sure you want to delete the certificate profile "spare"? [N]> y

                Certificate profile "spare" deleted.

                """
            )
        )
        #expect(result.status == .success)
        #expect(try shell.store.head().configuration.certificate(named: "spare") == nil)
    }

    /// DELETE's choice never defaults to Demo, which cannot be deleted (issue 9): an empty answer
    /// takes the first other profile.
    @Test func deleteDefaultsToAProfileThatCanBeDeleted() throws {
        let shell = try TestShell()
        _ = try shell.run(
            "certconfig\ncertificate\nnew\nspare\nspare.example.com\nO\nOU\nL\nST\nUS\n\n4\n\nn\n\n\n\ncommit \"x\"\n"
        )
        let result = try shell.run("certconfig\ncertificate\ndelete\n\ny\n\n\ncommit \"deleted\"\n")
        #expect(result.output.contains("2. spare\n[2]> \n"), "\(result.output)")
        #expect(result.status == .success)
        #expect(try shell.store.head().configuration.certificate(named: "spare") == nil)
        // With Demo alone, the choice offers it (and DELETE refuses it, as before).
        let alone = try shell.run("certconfig\ncertificate\ndelete\n\n")
        #expect(alone.errorOutput == "line 4: The Demo certificate cannot be deleted.\n")
    }

    @Test func batchFormsListPrintAndExpiring() throws {
        let shell = try TestShell()
        let demo = try CertConfigText.demoRow(shell)
        let list = try shell.exec("certconfig list")
        expectTranscript(
            list.output,
            """
            ironport.example.com> certconfig list
            List of Certificates
            Name                 Common Name          Issued By            Status          Remaining
            -------------------- -------------------- -------------------- --------------- ---------
            \(demo)

            """
        )
        let print = try shell.exec("certconfig print")
        #expect(print.output.contains("Listener IncomingMail                   Demo\n"))
        let quiet = try shell.exec("certconfig expiring")
        #expect(quiet.status == .success)
        #expect(quiet.output.hasSuffix("No certificate expires within 30 days.\n"))
        let loud = try shell.exec("certconfig expiring 4000")
        #expect(loud.status == .actionFailed)
        #expect(loud.output.contains("Certificate profile \"Demo\" expires in 3649 days ("))
        #expect(loud.errorOutput == "line 1: 1 certificate expires within 4000 days.\n")
        let bad = try shell.exec("certconfig expiring soon")
        #expect(bad.status == .invalidInput)
    }
}

/// The NEW reminder, as the transcripts show it.
let CertConfigNew_reminder =
    "Remember to commit before you send the CSR to a certificate authority: the private key is not saved until the profile is committed."
