import ApplianceConfig
import Certificates
import Foundation
import Shell
import TestSupport
import Testing

/// A shell whose committed configuration trusts one test CA through the custom list (enabled unless
/// asked otherwise), with a certificate the CA issued. The CRLs the tests make carry fixed dates
/// (Sep 01 and Oct 01 2026) around the shell's clock (Sep 22 2026).
struct CRLSetup {
    let shell: TestShell
    let ca: TestCA
    let leafPEM: String

    init(customListEnabled: Bool = true) throws {
        shell = try TestShell()
        ca = try TestCA.makeRoot(commonName: "esa CRL Test CA")
        leafPEM = try ca.makeLeaf(commonName: "revoked.example.com", dnsNames: []).certificatePEM
        let (session, console, _) = try shell.session(input: "commit \"custom CA\"\n")
        session.stage { [ca] config in
            config.certificateAuthorities.customListEnabled = customListEnabled
            config.certificateAuthorities.customCertificatesPEM = [ca.certificatePEM]
        }
        let status = Interpreter(session: session).runScript()
        console.flush()
        #expect(status == .success)
    }

    /// Puts a file into the folder playing `/configuration`.
    func write(_ name: String, _ bytes: [UInt8]) throws {
        let folder = shell.directory.url.appendingPathComponent("configuration")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    /// The CRLs of the committed configuration.
    func committed() throws -> [RevocationListRecord] {
        try shell.store.head().configuration.revocationLists.elements
    }
}

/// Pieces of the CRL transcripts.
enum CRLText {
    static func menu(_ count: Int) -> String {
        """

        Certificate Revocation Lists: \(count)

        Choose the operation you want to perform:
        - NEW - Import a CRL.
        - DELETE - Remove a CRL.
        - PRINT - Display the CRLs.
        []> 
        """
    }

    static let issuer = "O=esa tests, CN=esa CRL Test CA"
}

@Suite struct CertConfigCRLTests {
    @Test func newImportsAPEMFileUnderTheSuggestedNameAndCommitIt() throws {
        let s = try CRLSetup()
        let crl = try s.ca.makeCRL(revoking: [s.leafPEM])
        try s.write("corp_ca.pem", crl)
        let result = try s.shell.run("certconfig\ncrl\nnew\ncorp_ca.pem\n\n\n\nshowchanges\ncommit \"corp CRL\"\n")
        let given = try RevocationList(fileContents: crl)
        let dates =
            "updated \(CertConfigSupportDate(given.lastUpdate))"
            + (given.nextUpdate.map { ", next update \(CertConfigSupportDate($0))" } ?? "")
        expectTranscript(
            result.output,
            """
            ironport.example.com> certconfig
            \(CertConfigText.topMenu)crl
            \(CRLText.menu(0))new

            Enter the name of the file to import:
            []> corp_ca.pem

            Enter a name for this CRL:
            [corp_ca]> 

            CRL "corp_ca" imported (issuer: \(CRLText.issuer), 1 revoked certificate).
            \(CRLText.menu(1))
            \(CertConfigText.topMenu)
            ironport.example.com> showchanges

            + certconfig: CRL "corp_ca"
            certconfig: CRL "corp_ca" content: issued by "\(CRLText.issuer)", 1 revoked, \(dates)
            ironport.example.com> commit "corp CRL"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        #expect(result.errorOutput == "")
        let stored = try s.committed()
        #expect(stored.map(\.name) == ["corp_ca"])
        let list = try RevocationList(pem: try #require(stored.first).pem)
        #expect(list.revokedSerials == [try Certificate(pem: s.leafPEM).serialHex])
        #expect(list.der == (try RevocationList(fileContents: crl)).der)
    }

    @Test func newImportsADERFileAndStoresItAsPEM() throws {
        let s = try CRLSetup()
        let der = try s.ca.makeCRL(der: true)
        try s.write("partner.der", der)
        let result = try s.shell.run("certconfig\ncrl\nnew\npartner.der\npartner_crl\n\n\ncommit \"x\"\n")
        #expect(result.status == .success)
        #expect(
            result.output.contains(
                """
                Enter a name for this CRL:
                [partner]> partner_crl

                CRL "partner_crl" imported (issuer: \(CRLText.issuer), 0 revoked certificates).
                """
            )
        )
        let stored = try #require(try s.committed().first)
        #expect(stored.name == "partner_crl")
        #expect(stored.pem.hasPrefix("-----BEGIN X509 CRL-----\n"))
        #expect(try RevocationList(pem: stored.pem).der == der)
        // openssl reads what was stored.
        let text = try OpenSSLCLI.output(["crl", "-noout", "-issuer"], input: Array(stored.pem.utf8))
        #expect(text == "issuer=O = esa tests, CN = esa CRL Test CA\n")
    }

    @Test func anExpiredNextUpdateWarnsAndImports() throws {
        let s = try CRLSetup()
        try s.write("old.pem", try s.ca.makeCRL(nextUpdate: TestClock.start.addingTimeInterval(-3600)))
        let result = try s.shell.run("certconfig\ncrl\nnew\nold.pem\n\n\n\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> certconfig
            \(CertConfigText.topMenu)crl
            \(CRLText.menu(0))new

            Enter the name of the file to import:
            []> old.pem

            Warning: the next update of this CRL (Sep 22 08:00:00 2026 GMT) has passed; get a newer one from its issuer.

            Enter a name for this CRL:
            [old]> 

            CRL "old" imported (issuer: \(CRLText.issuer), 0 revoked certificates).
            \(CRLText.menu(1))
            \(CertConfigText.topMenu)
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
    }

    @Test func printShowsNameIssuerAndDates() throws {
        let s = try CRLSetup()
        try s.write("corp_ca.pem", try s.ca.makeCRL(revoking: [s.leafPEM]))
        try s.write("old.crl", try s.ca.makeCRL(nextUpdate: TestClock.start.addingTimeInterval(-3600), der: true))
        let setup = try s.shell.run("certconfig\ncrl\nnew\ncorp_ca.pem\n\nnew\nold.crl\n\n\n\ncommit \"crls\"\n")
        #expect(setup.status == .success)
        let result = try s.shell.run("certconfig\ncrl\nprint\n\n\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> certconfig
            \(CertConfigText.topMenu)crl
            \(CRLText.menu(2))print

            Name:        corp_ca
            Issuer:      \(CRLText.issuer)
            Last Update: Sep 01 00:00:00 2026 GMT
            Next Update: Oct 01 00:00:00 2026 GMT
            Revoked:     1 certificate

            Name:        old
            Issuer:      \(CRLText.issuer)
            Last Update: Sep 01 00:00:00 2026 GMT
            Next Update: Sep 22 08:00:00 2026 GMT (passed)
            Revoked:     0 certificates
            \(CRLText.menu(2))
            \(CertConfigText.topMenu)
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
    }

    @Test func printWithoutCRLsSaysSo() throws {
        let s = try CRLSetup()
        let result = try s.shell.run("certconfig\ncrl\nprint\n")
        #expect(result.output.contains("[]> print\n\nNo certificate revocation lists are configured.\n"))
        #expect(result.status == .success)
    }

    @Test func deleteAsksWhichAndConfirms() throws {
        let s = try CRLSetup()
        try s.write("corp_ca.pem", try s.ca.makeCRL(revoking: [s.leafPEM]))
        try s.write("second.pem", try s.ca.makeCRL())
        _ = try s.shell.run("certconfig\ncrl\nnew\ncorp_ca.pem\n\nnew\nsecond.pem\n\n\n\ncommit \"crls\"\n")
        #expect(try s.committed().map(\.name) == ["corp_ca", "second"])
        let result = try s.shell.run("certconfig\ncrl\ndelete\n2\n\ndelete\n2\ny\n\n\ncommit \"deleted\"\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> certconfig
            \(CertConfigText.topMenu)crl
            \(CRLText.menu(2))delete

            Select the CRL you wish to delete:
            1. corp_ca
            2. second
            [1]> 2

            Are you sure you want to delete the CRL "second"? [N]> 
            \(CRLText.menu(2))delete

            Select the CRL you wish to delete:
            1. corp_ca
            2. second
            [1]> 2

            Are you sure you want to delete the CRL "second"? [N]> y

            CRL "second" deleted.
            \(CRLText.menu(1))
            \(CertConfigText.topMenu)
            ironport.example.com> commit "deleted"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(try s.committed().map(\.name) == ["corp_ca"])
    }

    @Test func deleteWithoutCRLsIsRefused() throws {
        let s = try CRLSetup()
        let result = try s.shell.run("certconfig\ncrl\ndelete\n")
        #expect(result.status == .actionFailed)
        #expect(result.errorOutput == "line 3: There are no certificate revocation lists.\n")
    }

    /// Each refusal names what was wrong and stages nothing: `showchanges`, run next in the same
    /// session, has nothing to show.
    @Test(arguments: [
        ("garbage", "The file \"bad.pem\" does not hold a certificate revocation list (PEM or DER)."),
        ("missing", "Error: file 'bad.pem' does not exist."),
        (
            "unknown CA",
            "The CRL in \"bad.pem\" is not signed by a certificate authority of an enabled list"
                + " (issuer: O=esa tests, CN=esa Other CA)."
        ),
        (
            "disabled list",
            "The CRL in \"bad.pem\" is not signed by a certificate authority of an enabled list"
                + " (issuer: \(CRLText.issuer))."
        ),
    ])
    func refusalsStageNothing(_ kind: String, _ message: String) throws {
        let s = try CRLSetup(customListEnabled: kind != "disabled list")
        switch kind {
        case "garbage": try s.write("bad.pem", Array("this is not a CRL\n".utf8))
        case "unknown CA": try s.write("bad.pem", try TestCA.makeRoot(commonName: "esa Other CA").makeCRL())
        case "disabled list": try s.write("bad.pem", try s.ca.makeCRL())
        default: break
        }
        let result = try s.shell.run("certconfig\ncrl\nnew\nbad.pem\nshowchanges\n", continueOnError: true)
        #expect(result.status == .actionFailed)
        #expect(result.errorOutput == "line 4: \(message)\n")
        #expect(
            result.output.hasSuffix(
                "ironport.example.com> showchanges\n\nThere is no data to commit.\nironport.example.com> "
            )
        )
        #expect(try s.committed().isEmpty)
    }

    @Test func theSameCRLTwiceIsRefused() throws {
        let s = try CRLSetup()
        let crl = try s.ca.makeCRL()
        try s.write("corp_ca.pem", crl)
        let given = try RevocationList(fileContents: crl)
        let dates =
            "updated \(CertConfigSupportDate(given.lastUpdate))"
            + (given.nextUpdate.map { ", next update \(CertConfigSupportDate($0))" } ?? "")
        let result = try s.shell.run(
            "certconfig\ncrl\nnew\ncorp_ca.pem\n\nnew\ncorp_ca.pem\n\n\nshowchanges\n",
            continueOnError: true
        )
        #expect(result.status == .actionFailed)
        #expect(
            result.errorOutput
                == """
                line 7: This CRL is already stored as "corp_ca".
                lines 8-9: skipped after the failed dialog, up to the next command.
                Warning: the session ended with uncommitted changes; they have been discarded.

                """
        )
        #expect(
            result.output.hasSuffix(
                "ironport.example.com> showchanges\n\n+ certconfig: CRL \"corp_ca\"\n"
                    + "certconfig: CRL \"corp_ca\" content: issued by \"\(CRLText.issuer)\", 0 revoked, \(dates)\n"
                    + "ironport.example.com> "
            )
        )
    }

    @Test func anExistingNameIsReplacedOnlyWhenTheAdminAgrees() throws {
        let s = try CRLSetup()
        try s.write("first.pem", try s.ca.makeCRL())
        try s.write("newer.pem", try s.ca.makeCRL(revoking: [s.leafPEM]))
        _ = try s.shell.run("certconfig\ncrl\nnew\nfirst.pem\ncorp\n\n\ncommit \"first\"\n")
        let before = try s.shell.store.head().configuration
        let declined = try s.shell.run("certconfig\ncrl\nnew\nnewer.pem\nCORP\n\n\n\nshowchanges\n")
        #expect(
            declined.output.contains(
                """
                [newer]> CORP

                CRL "corp" already exists. Do you want to overwrite it? [N]> 
                \(CRLText.menu(1))
                """
            )
        )
        #expect(declined.output.hasSuffix("There is no data to commit.\nironport.example.com> "))
        #expect(try s.shell.store.head().configuration == before)
        let replaced = try s.shell.run("certconfig\ncrl\nnew\nnewer.pem\nCORP\ny\n\n\ncommit \"newer\"\n")
        #expect(replaced.output.contains("CRL \"corp\" replaced (issuer: \(CRLText.issuer), 1 revoked certificate)."))
        let stored = try s.committed()
        #expect(stored.map(\.name) == ["corp"])
        #expect(try RevocationList(pem: stored[0].pem).revokedSerials.count == 1)
    }

    @Test func aNameWithSymbolsIsRefused() throws {
        let s = try CRLSetup()
        try s.write("corp_ca.pem", try s.ca.makeCRL())
        let result = try s.shell.run("certconfig\ncrl\nnew\ncorp_ca.pem\ncorp ca!\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 5: Symbols are not allowed in the CRL name.\n")
        #expect(try s.committed().isEmpty)
    }

    @Test func aPathIsRefusedAsTheFileName() throws {
        let s = try CRLSetup()
        let result = try s.shell.run("certconfig\ncrl\nnew\n../corp_ca.pem\n")
        #expect(result.status == .invalidInput)
        #expect(
            result.errorOutput
                == "line 4: Invalid file name: \"../corp_ca.pem\". Only a file name in /configuration is allowed.\n"
        )
    }

    /// The example session of Docs/Commands/certconfig.md ("CRL").
    @Test func theDocumentedSession() throws {
        let s = try CRLSetup()
        try s.write("corp_ca.pem", try s.ca.makeCRL(revoking: [s.leafPEM]))
        try s.write("partner.crl", try s.ca.makeCRL(der: true))
        let result = try s.shell.run(
            "certconfig\ncrl\nnew\ncorp_ca.pem\n\nnew\npartner.crl\npartner_ca\nprint\ndelete\n2\ny\n\n\ncommit \"CRLs\"\n"
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> certconfig
            \(CertConfigText.topMenu)crl
            \(CRLText.menu(0))new

            Enter the name of the file to import:
            []> corp_ca.pem

            Enter a name for this CRL:
            [corp_ca]> 

            CRL "corp_ca" imported (issuer: \(CRLText.issuer), 1 revoked certificate).
            \(CRLText.menu(1))new

            Enter the name of the file to import:
            []> partner.crl

            Enter a name for this CRL:
            [partner]> partner_ca

            CRL "partner_ca" imported (issuer: \(CRLText.issuer), 0 revoked certificates).
            \(CRLText.menu(2))print

            Name:        corp_ca
            Issuer:      \(CRLText.issuer)
            Last Update: Sep 01 00:00:00 2026 GMT
            Next Update: Oct 01 00:00:00 2026 GMT
            Revoked:     1 certificate

            Name:        partner_ca
            Issuer:      \(CRLText.issuer)
            Last Update: Sep 01 00:00:00 2026 GMT
            Next Update: Oct 01 00:00:00 2026 GMT
            Revoked:     0 certificates
            \(CRLText.menu(2))delete

            Select the CRL you wish to delete:
            1. corp_ca
            2. partner_ca
            [1]> 2

            Are you sure you want to delete the CRL "partner_ca"? [N]> y

            CRL "partner_ca" deleted.
            \(CRLText.menu(1))
            \(CertConfigText.topMenu)
            ironport.example.com> commit "CRLs"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        #expect(try s.committed().map(\.name) == ["corp_ca"])
    }
}
