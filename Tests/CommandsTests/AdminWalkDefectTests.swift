import ApplianceConfig
import Commands
import Foundation
import Shell
import TestSupport
import Testing

/// Defects an admin found walking the seed guide (issue 9), each with the behaviour now expected.
@Suite struct AdminWalkDefectTests {
    static let demoWarning = """
        The "Demo" certificate is currently configured. You may use "Demo", but this will not be secure.
        To assure privacy, run "certconfig" first.

        """

    @Test func batchHostAccessThatTurnsOnTLSWarnsAboutDemoAsTheMenuDoes() throws {
        let shell = try TestShell()
        let prompt = "ironport.example.com> "
        let defaultsCommand = "listenerconfig edit IncomingMail hostaccess default --tls=required"
        let defaults = try shell.exec(defaultsCommand)
        #expect(defaults.status == .success, "\(defaults.errorOutput)")
        #expect(defaults.output == prompt + defaultsCommand + "\n" + Self.demoWarning)
        // Each exec is a session of its own (nothing staged carries over).
        let policyCommand = "listenerconfig edit IncomingMail hostaccess new policy PARTNER_TLS accept --tls=on"
        let policy = try shell.exec(policyCommand)
        #expect(policy.output == prompt + policyCommand + "\n" + Self.demoWarning)
        let plainCommand = "listenerconfig edit IncomingMail hostaccess new policy PLAIN accept --tls=off"
        let plain = try shell.exec(plainCommand)
        #expect(plain.status == .success, "\(plain.errorOutput)")
        #expect(plain.output == prompt + plainCommand + "\n")
        let committed = try shell.exec(
            "listenerconfig edit IncomingMail hostaccess default --tls=on; commit \"tls\""
        )
        #expect(committed.status == .success, "\(committed.errorOutput)")
        // TLS already offered: raising it to Required offers nothing new.
        let raised = try shell.exec(defaultsCommand)
        #expect(raised.output == prompt + defaultsCommand + "\n")
    }

    @Test func aBadSizeAnswerNamesTheSuffixes() throws {
        let shell = try TestShell()
        let complaint =
            "Please enter a size from 1 to 1024M: a number of bytes, or a number with a trailing k (kilobytes) or M (megabytes), such as 10M."
        let batch = try shell.exec("listenerconfig edit IncomingMail hostaccess default --max_message_size=2G")
        #expect(batch.status == .invalidInput)
        #expect(batch.errorOutput == "line 1: Invalid value for --max_message_size: \"2G\". \(complaint)\n")
        let dialog = try shell.terminal(
            "listenerconfig\nedit\n1\nhostaccess\ndefault\n?\n2G\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
        )
        #expect(
            dialog.output.contains(
                """
                Enter the maximum message size. Add a trailing k for kilobytes, M for megabytes, or no letter for bytes.
                [10M]> ?
                \(complaint) Enter alone keeps "10M".
                [10M]> 2G
                \(complaint)
                [10M]> 
                """
            ),
            "\(dialog.output)"
        )
    }

    @Test func questionMarkAtAFreeTextQuestionGetsHelpNotTakenAsTheAnswer() throws {
        let shell = try TestShell()
        let result = try shell.terminal("interfaceconfig\nedit\n1\n?\n\n\n\n\nn\nn\n\n")
        #expect(
            result.output.contains(
                """
                IP interface name (Ex: "InternalNet"):
                [Management]> ?
                A name for the interface, not used by another one. Enter alone keeps "Management".
                [Management]> 
                """
            ),
            "\(result.output)"
        )
        #expect(try shell.store.head().configuration.interfaces.map(\.name) == ["Management"])
        // A bare-prompt question (no default) says an answer is required.
        let name = try shell.terminal("certconfig\ncertificate\npaste\n?\n")
        #expect(
            name.output.contains(
                "> ?\nA profile name of 1 to 64 letters, digits, \"_\" and \"-\"; an existing name replaces that "
                    + "profile. An answer is required.\n> "
            )
        )
        // In a comment `?` is text like any other.
        let commit = try shell.run("sethostname mail.example.com\ncommit\n?\nn\n")
        #expect(commit.status == .success, "\(commit.errorOutput)")
        #expect(try shell.store.head().info.comment == "?")
    }

    @Test func longWarningsAreWrappedAtTheTerminalWidthButNotInScripts() throws {
        let line =
            "Warning: the root certificate \"esa Test Root CA\" is in no enabled CA list: add it under CERTAUTHORITY to trust the chain."
        #expect(
            TextWrap.wrap(line, width: 60) == [
                "Warning: the root certificate \"esa Test Root CA\" is in no",
                "enabled CA list: add it under CERTAUTHORITY to trust the",
                "chain.",
            ]
        )
        #expect(TextWrap.wrap("Note: short.", width: 60) == ["Note: short."])
        #expect(TextWrap.wrap("Warning: \(String(repeating: "x", count: 30))", width: 20).count == 2)

        // The PASTE chain warning on a 60-column terminal, and the same run in a script.
        let setup = try SigningSetup()
        let made = try setup.intermediate.makeLeaf(commonName: "mail.example.com", dnsNames: ["mail.example.com"])
        let input =
            "certconfig\ncertificate\npaste\nwrapped\n"
            + "\(made.certificatePEM + setup.intermediate.certificatePEM + setup.root.certificatePEM).\n"
            + "\(made.keyPEM).\n\n\n\n"
        let terminal = try setup.shell.terminal(input, columns: 60)
        #expect(
            terminal.output.contains(
                """
                Note: removed root certificate "esa Test Root CA".
                Warning: the root certificate "esa Test Root CA" is in no
                enabled CA list: add it under CERTAUTHORITY to trust the
                chain.
                """
            ),
            "\(terminal.output)"
        )
        let script = try setup.shell.run(input)
        #expect(script.output.contains(line + "\n"))
    }

    /// Only warnings and notes wrap: the appliance's questions and messages are matched by
    /// automation line by line, so on an 80-column terminal a longer one still arrives whole.
    @Test func questionsAndMessagesStayWholeOnANarrowTerminal() throws {
        let shell = try TestShell()
        let terminal = try shell.terminal(
            "certconfig\ncertificate\nnew\nmail\nmail.example.com\nExample\nIT\nTown\nState\nUS\n"
                + "\n1\nn\nn\nn\n\n\nlistenerconfig\nsetup\n\n\n\n\n",
            columns: 80
        )
        for line in [
            "Remember to commit before you send the CSR to a certificate authority: the private key is not "
                + "saved until the profile is committed.",
            "Please enter the global limit for concurrent connections to be allowed across all listeners.",
        ] {
            #expect(terminal.output.contains("\n" + line + "\n"), "\(terminal.output)")
        }
    }
}
