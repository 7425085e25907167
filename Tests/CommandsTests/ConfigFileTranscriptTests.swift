import ApplianceConfig
import Foundation
import Shell
import TestSupport
import Testing

/// The file `saveconfig` writes at the test clock's start (UTC).
private let savedName = "esa-42A1B2C3D4E5F60718293A4B5C6D7E8F-20260922T090000.xml"

private let passphraseMenu = """

    Choose the passphrase option:
    1. Mask passphrases (Files with masked passphrases cannot be loaded using loadconfig command)
    2. Encrypt passphrases
    """

private func configurationFolder(_ shell: TestShell) -> URL {
    shell.directory.url.appendingPathComponent("configuration")
}

private func permissions(_ url: URL) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
}

private func savedText(_ shell: TestShell) throws -> String {
    try String(contentsOf: configurationFolder(shell).appendingPathComponent(savedName), encoding: .utf8)
}

/// Commits a new host name so that the factory file differs from the committed configuration.
private func commitHostname(_ shell: TestShell, _ name: String = "mail.example.com") throws {
    let result = try shell.run("sethostname \(name)\ncommit \"renamed\"\n")
    #expect(result.status == .success)
}

@Suite struct ConfigFileTranscriptTests {
    @Test func saveconfigAsksThePassphraseOptionAndWritesAPrivateFile() throws {
        let shell = try TestShell()
        let result = try shell.run("saveconfig\n2\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> saveconfig
            \(passphraseMenu)
            [1]> 2

            File written on machine "ironport.example.com" to the location
            "/configuration/\(savedName)".
            Configuration saved.
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        #expect(result.errorOutput == "")
        let file = configurationFolder(shell).appendingPathComponent(savedName)
        #expect(try permissions(file) == 0o600)
        #expect(try permissions(shell.directory.url.appendingPathComponent("secret.key")) == 0o600)
        let text = try savedText(shell)
        #expect(
            text.hasPrefix("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<!DOCTYPE config SYSTEM \"config.dtd\">\n")
        )
        #expect(text.contains("  Current Time: Tue Sep 22 09:00:00 2026\n"))
        #expect(text.contains("<key encrypted=\"yes\">"))
        #expect(!text.contains("PRIVATE KEY"))
        // Nothing left behind but the file itself.
        #expect(try FileManager.default.contentsOfDirectory(atPath: configurationFolder(shell).path) == [savedName])
    }

    @Test func encryptedSaveThenLoadRestoresAChangedConfiguration() throws {
        let shell = try TestShell()
        _ = try shell.run("saveconfig\n2\n")
        try commitHostname(shell)
        shell.clock.advance(seconds: 60)
        let result = try shell.run("loadconfig\n2\n\(savedName)\ncommit \"restored\"\n")
        expectTranscript(
            result.output,
            """
            mail.example.com> loadconfig

            This command replaces the entire configuration with the contents of a file.

            1. Paste via CLI
            2. Load from file in /configuration
            [1]> 2

            Enter the name of the file to import:
            []> \(savedName)

            Values have been loaded.
            Be sure to run "commit" to make these settings active.
            mail.example.com> commit "restored"

            Changes committed: Tue Sep 22 09:01:00 2026 UTC
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        let head = try shell.store.head()
        #expect(head.configuration == TestFactory.configuration)
        #expect(head.info.number == 3)
        #expect(head.info.method == .load)
    }

    @Test func listenersDestinationsAndAlertsSurviveSaveAndLoad() throws {
        let shell = try TestShell()
        let setup = try shell.run(
            """
            listenerconfig edit IncomingMail hostaccess new policy PARTNER_TLS accept --tls=required
            listenerconfig edit IncomingMail hostaccess new sendergroup PARTNERS 10.1.1.0/24 --policy=PARTNER_TLS --comment="TLS partners"
            listenerconfig edit IncomingMail hostaccess default --tls=on
            listenerconfig edit IncomingMail rcptaccess new example.com accept
            destconfig new Partner.Example.ORG --tls=require --max_host_concurrency=100
            alertconfig new ops@example.com --class=system --severity=critical
            commit "partners"
            saveconfig 2

            """
        )
        #expect(setup.status == .success)
        let saved = try shell.store.head().configuration
        #expect(saved.destinations.map(\.domain) == ["partner.example.org"])
        let text = try savedText(shell)
        #expect(text.contains("PARTNERS:\n        $PARTNER_TLS (TLS partners)\n        10.1.1.0/24\n"))
        #expect(text.contains("[partner.example.org]\nmax_host_concurrency = 100\nuse_tls = 2\n"))

        let undo = try shell.run(
            """
            listenerconfig edit IncomingMail rcptaccess delete example.com
            alertconfig delete ops@example.com
            commit "undone"
            loadconfig \(savedName)
            commit "restored"

            """
        )
        #expect(undo.status == .success)
        #expect(undo.output.contains("Be sure to run \"commit\" to make these settings active.\n"))
        #expect(try shell.store.head().configuration == saved)
    }

    @Test func errorInTheEmbeddedHostAccessTableNamesTheFileLineAndStagesNothing() throws {
        let shell = try TestShell()
        _ = try shell.run("saveconfig 2\n")
        let text = try savedText(shell).replacingOccurrences(of: "ALL\n    $ACCEPTED\n", with: "ALL\n    $WELCOME\n")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0 == "    $WELCOME" }) + 1
        try Data(text.utf8).write(to: configurationFolder(shell).appendingPathComponent("hat.xml"))
        let result = try shell.run(
            "sethostname mail.example.com\nloadconfig hat.xml\nshowchanges\n",
            continueOnError: true
        )
        #expect(
            result.errorOutput
                == "line 2: Error: line \(line): policy \"$WELCOME\" is not defined\n"
                + "Warning: the session ended with uncommitted changes; they have been discarded.\n"
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> sethostname mail.example.com
            ironport.example.com> loadconfig hat.xml
            ironport.example.com> showchanges

            sethostname: system hostname: ironport.example.com -> mail.example.com
            ironport.example.com> 
            """
        )
        #expect(result.status == .actionFailed)
    }

    @Test func loadingTheCurrentConfigurationDetectsNoChanges() throws {
        let shell = try TestShell()
        let result = try shell.run("saveconfig 2\nloadconfig \(savedName)\nshowchanges\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> saveconfig 2

            File written on machine "ironport.example.com" to the location
            "/configuration/\(savedName)".
            Configuration saved.
            ironport.example.com> loadconfig \(savedName)

            No changes detected from current configuration.
            ironport.example.com> showchanges

            There is no data to commit.
            ironport.example.com> 
            """
        )
    }

    @Test func maskedFileIsRefusedAndNothingIsStaged() throws {
        let shell = try TestShell()
        _ = try shell.run("saveconfig\n1\n")
        #expect(try savedText(shell).contains("<key>*****</key>"))
        try commitHostname(shell)
        let result = try shell.run("loadconfig \(savedName)\nshowchanges\n", continueOnError: true)
        expectTranscript(
            result.output,
            """
            mail.example.com> loadconfig \(savedName)
            mail.example.com> showchanges

            There is no data to commit.
            mail.example.com> 
            """
        )
        #expect(result.errorOutput == "line 1: The file contains masked passphrases and cannot be loaded.\n")
        #expect(result.status == .actionFailed)
    }

    @Test func fileSealedByAnotherApplianceIsRefusedLikeAMaskedOne() throws {
        let other = try TestShell()
        _ = try other.run("saveconfig 2\n")
        let shell = try TestShell()
        _ = try shell.run("saveconfig 2\n")  // this appliance has its own secret
        try FileManager.default.removeItem(at: configurationFolder(shell).appendingPathComponent(savedName))
        try FileManager.default.copyItem(
            at: configurationFolder(other).appendingPathComponent(savedName),
            to: configurationFolder(shell).appendingPathComponent("other.xml")
        )
        try commitHostname(shell)
        let result = try shell.run("loadconfig other.xml\n")
        #expect(result.errorOutput == "line 1: The file contains masked passphrases and cannot be loaded.\n")
        #expect(result.status == .actionFailed)
    }

    @Test func malformedFileReportsItsLineAndStagesNothing() throws {
        let shell = try TestShell()
        _ = try shell.run("saveconfig 2\n")
        let broken = try savedText(shell).replacingOccurrences(
            of: "<ip>192.168.42.42</ip>",
            with: "<ip>192.168.42.42</address>"
        )
        let line =
            try #require(
                broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("</address>") }
            ) + 1
        try Data(broken.utf8).write(to: configurationFolder(shell).appendingPathComponent("broken.xml"))
        let result = try shell.run(
            "sethostname mail.example.com\nloadconfig\n2\nbroken.xml\nshowchanges\n",
            continueOnError: true
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> sethostname mail.example.com
            ironport.example.com> loadconfig

            This command replaces the entire configuration with the contents of a file.

            1. Paste via CLI
            2. Load from file in /configuration
            [1]> 2

            Enter the name of the file to import:
            []> broken.xml
            ironport.example.com> showchanges

            sethostname: system hostname: ironport.example.com -> mail.example.com
            ironport.example.com> 
            """
        )
        #expect(
            result.errorOutput
                == "line 4: Error: line \(line): the closing tag does not match <ip> (opened on line \(line))\n"
                + "Warning: the session ended with uncommitted changes; they have been discarded.\n"
        )
        #expect(result.status == .actionFailed)
    }

    @Test func invalidConfigurationNamesTheLine() throws {
        let shell = try TestShell()
        _ = try shell.run("saveconfig 2\n")
        let text = try savedText(shell).replacingOccurrences(
            of: "<ldap_certificate>Demo</ldap_certificate>",
            with: "<ldap_certificate>Missing</ldap_certificate>"
        )
        let line =
            try #require(
                text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("Missing") }
            ) + 1
        try Data(text.utf8).write(to: configurationFolder(shell).appendingPathComponent("invalid.xml"))
        let result = try shell.run("loadconfig invalid.xml\n")
        #expect(
            result.errorOutput == "line 1: Error: line \(line): LDAP: certificate profile \"Missing\" does not exist\n"
        )
        #expect(result.status == .actionFailed)
    }

    @Test func pastedConfigurationIsLoaded() throws {
        let shell = try TestShell()
        _ = try shell.run("saveconfig 2\n")
        let text = try savedText(shell).replacingOccurrences(
            of: "<hostname>ironport.example.com</hostname>",
            with: "<hostname>pasted.example.com</hostname>"
        )
        let result = try shell.run("loadconfig\n1\n\(text).\nshowchanges\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> loadconfig

            This command replaces the entire configuration with the contents of a file.

            1. Paste via CLI
            2. Load from file in /configuration
            [1]> 1

            Paste the configuration file in XML format (end with '.'):
            \(text).

            Values have been loaded.
            Be sure to run "commit" to make these settings active.
            ironport.example.com> showchanges

            sethostname: system hostname: ironport.example.com -> pasted.example.com
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
    }

    @Test func fileNamesAreBasenamesInConfiguration() throws {
        let shell = try TestShell()
        let traversal = try shell.run("loadconfig ../config.db\n")
        #expect(
            traversal.errorOutput
                == "line 1: Invalid file name: \"../config.db\". Only a file name in /configuration is allowed.\n"
        )
        #expect(traversal.status == .invalidInput)
        let dots = try shell.run("loadconfig\n2\n..\n")
        #expect(
            dots.errorOutput == "line 3: Invalid file name: \"..\". Only a file name in /configuration is allowed.\n"
        )
        let missing = try shell.run("loadconfig nothing.xml\n")
        #expect(missing.errorOutput == "line 1: Error: file 'nothing.xml' does not exist.\n")
        #expect(missing.status == .actionFailed)
        let empty = try shell.run("loadconfig\n2\n\nshowchanges\n")
        #expect(empty.status == .success)
        #expect(
            empty.output.hasSuffix(
                "[]> \nironport.example.com> showchanges\n\nThere is no data to commit.\nironport.example.com> "
            )
        )
    }

    @Test func batchFormsOfSaveconfig() throws {
        let shell = try TestShell()
        let masked = try shell.run("saveconfig y 1\n")
        expectTranscript(
            masked.output,
            """
            ironport.example.com> saveconfig y 1

            File written on machine "ironport.example.com" to the location
            "/configuration/\(savedName)".
            Configuration saved.
            ironport.example.com> 
            """
        )
        #expect(try savedText(shell).contains("<key>*****</key>"))
        // Saves in the same second get their own names: `-2`, `-3` before `.xml`.
        func saved(_ suffix: String) throws -> String {
            let name = savedName.replacingOccurrences(of: ".xml", with: suffix + ".xml")
            return try String(contentsOf: configurationFolder(shell).appendingPathComponent(name), encoding: .utf8)
        }
        let second = try shell.run("saveconfig n extra words\n")
        #expect(
            second.output.contains("\"/configuration/\(savedName.replacingOccurrences(of: ".xml", with: "-2.xml"))\".")
        )
        #expect(try saved("-2").contains("<key encrypted=\"yes\">"))
        _ = try shell.run("saveconfig 1\n")
        #expect(try saved("-3").contains("<key>*****</key>"))
        #expect(try savedText(shell).contains("<key>*****</key>"))
        let bad = try shell.run("saveconfig 3\n")
        #expect(
            bad.errorOutput
                == "line 1: Usage: saveconfig {1|2}\nThe passphrase option must be 1 (mask) or 2 (encrypt), not \"3\".\n"
        )
        #expect(bad.status == .invalidInput)
        let invalidAnswer = try shell.run("saveconfig\n7\n")
        #expect(invalidAnswer.errorOutput == "line 2: Please enter a number from 1 to 2.\n")
        #expect(invalidAnswer.status == .invalidInput)
    }

    @Test func showconfigPrintsTheFileWithoutWritingIt() throws {
        let shell = try TestShell()
        let result = try shell.run("showconfig\n\n")
        let appliance = shell.appliance
        let header = XMLHeader(
            product: "esa Email Security Appliance Shell",
            model: "esa",
            version: "1.0.0-001",
            serialNumber: appliance.serialNumber,
            cpuCount: 2,
            memoryGB: 8,
            currentTime: "Tue Sep 22 09:00:00 2026"
        )
        let xml = try XMLCodec.encode(TestFactory.configuration, header: header, secrets: .mask)
        expectTranscript(
            result.output,
            """
            ironport.example.com> showconfig
            \(passphraseMenu)
            [1]> 

            \(xml)ironport.example.com> 
            """
        )
        #expect(result.status == .success)
        #expect(try FileManager.default.contentsOfDirectory(atPath: configurationFolder(shell).path).isEmpty)

        let encrypted = try shell.run("showconfig 2\n")
        #expect(encrypted.output.hasPrefix("ironport.example.com> showconfig 2\n\n<?xml version=\"1.0\""))
        #expect(encrypted.output.contains("<key encrypted=\"yes\">"))
        #expect(try shell.run("showconfig y\n").status == .invalidInput)
    }

    @Test func showconfigShowsTheCandidate() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname mail.example.com\nshowconfig 1\nsaveconfig 1\n")
        #expect(result.output.contains("  <hostname>mail.example.com</hostname>\n"))
        // The machine's name in the message is the committed one.
        #expect(result.output.contains("File written on machine \"ironport.example.com\" to the location"))
        #expect(try savedText(shell).contains("  <hostname>mail.example.com</hostname>\n"))
    }
}

@Suite struct ConfigFileProfileCheckTests {
    @Test func aKeyThatDoesNotMatchItsCertificateIsRefusedWithTheProfileLine() throws {
        let shell = try TestShell()
        _ = try shell.run("saveconfig 2\n")
        let original = try savedText(shell)
        let certificate = try #require(TestFactory.configuration.certificates.first?.certificatePEM)
        let other = try TestCA.makeRoot().certificatePEM
        let text = original.replacingOccurrences(of: certificate, with: other)
        let line =
            try #require(
                text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
                    $0.contains("<certificate_profile>")
                }
            ) + 1
        try Data(text.utf8).write(to: configurationFolder(shell).appendingPathComponent("mismatch.xml"))
        let result = try shell.run("loadconfig mismatch.xml\n")
        #expect(
            result.errorOutput
                == "line 1: Error: line \(line): certificate profile \"Demo\": the private key does not match the certificate\n"
        )
        #expect(result.status == .actionFailed)
    }
}
