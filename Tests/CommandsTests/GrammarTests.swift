import Commands
import Foundation
import Shell
import TestSupport
import Testing

/// Declared batch grammars: help, `CMD ?`, the grammar errors and Tab completion all come from one
/// declaration per command.
@Suite struct GrammarTests {
    @Test func batchRollbackWithPendingChangesIsRefusedAndKeepsThem() throws {
        let shell = try TestShell()
        _ = try shell.run("sethostname a.example.com\ncommit \"first\"\n")
        let refused = try shell.run("sethostname b.example.com\nrollbackconfig 1\nshowchanges\n", continueOnError: true)
        #expect(refused.status == .actionFailed)
        #expect(
            refused.errorOutput.hasPrefix(
                "line 2: There are uncommitted changes; commit or clear them first, or add --discard to drop them.\n"
            )
        )
        #expect(refused.output.contains("sethostname: system hostname: a.example.com -> b.example.com"))

        let discarded = try shell.run("sethostname b.example.com\nrollbackconfig 1 --discard\nshowchanges\n")
        #expect(discarded.status == .success)
        #expect(discarded.output.contains("Revision 1 is staged. Use 'commit' to make it active."))
        #expect(discarded.output.contains("sethostname: system hostname: a.example.com -> ironport.example.com"))
    }

    @Test func helpShowsTheDeclaredSyntax() throws {
        let shell = try TestShell()
        let result = try shell.run("help rollbackconfig\ncommithistory ?\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> help rollbackconfig

            rollbackconfig - Roll back to one of the last 10 saved configurations.

            Commit: This command requires a 'commit'.
            Batch Command: This command supports a batch format.

            rollbackconfig {revision} [--discard]
            ironport.example.com> commithistory ?

            commithistory - List the committed revisions.

            Commit: This command does not require a 'commit'.
            Batch Command: This command supports a batch format.

            commithistory [{count}]
            ironport.example.com> 
            """
        )
    }

    @Test func aCommandWithoutBatchFormRefusesWordsWithItsUsage() throws {
        let shell = try TestShell()
        let result = try shell.run("version now\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 1: Usage: version\nUnexpected argument \"now\".\n")
        let help = try shell.run("help version\n")
        #expect(help.output.contains("Batch Command: This command does not support a batch format.\n"))
    }

    @Test func grammarErrorsNameTheWrongWord() throws {
        let shell = try TestShell()
        let unknownOption = try shell.run("diffconfig 1 --all\n")
        #expect(
            unknownOption.errorOutput
                == "line 1: Usage: diffconfig {revision} [{revision}]\nUnknown option \"--all\".\n"
        )
        let missing = try shell.run("diffconfig\n")
        #expect(missing.errorOutput == "line 1: Usage: diffconfig {revision} [{revision}]\nMissing {revision}.\n")
        #expect(missing.status == .invalidInput)
    }

    @Test func tabCompletesSubcommandsOptionsAndNames() throws {
        let registry = AllCommands.registry
        let context = ArgumentContext(
            configuration: TestFactory.configuration,
            commandNames: registry.allNames
        )
        let complete = registry.completer(in: context).complete
        #expect(complete("help rollb") == ["rollbackconfig"])
        #expect(complete("help ").contains("destconfig"))
        #expect(complete("rollbackconfig 3 --d") == ["--discard"])
        #expect(complete("commithistory 5 ").isEmpty)
    }
}

@Suite struct DeclaredServiceCommandTests {
    @Test func websecurityCertificateAloneNeedsNoEnable() throws {
        let shell = try TestShell()
        let result = try shell.run("websecurityconfig --certificate=demo\nshowchanges\n")
        #expect(result.status == .success, "\(result.errorOutput)")
        #expect(result.output.contains("The \"Demo\" certificate is currently configured."))
        let staged = try #require(result.output.components(separatedBy: "> showchanges\n").last)
        #expect(staged.contains("Demo"))
        #expect(!staged.contains("URL filtering"), "URL filtering stays as it was")
        let none = try shell.run("websecurityconfig --\n")
        #expect(none.status == .invalidInput)
    }

    @Test func profileNamesCompleteFromTheConfiguration() {
        let registry = AllCommands.registry
        let context = ArgumentContext(configuration: TestFactory.configuration, commandNames: registry.allNames)
        let complete = registry.completer(in: context).complete
        #expect(complete("ldapconfig ") == ["setup"])
        #expect(complete("ldapconfig setup --c") == ["--certificate="])
        #expect(complete("ldapconfig setup --certificate=D") == ["--certificate=Demo"])
        #expect(complete("websecurityconfig --certificate=") == ["--certificate=provided", "--certificate=Demo"])
    }
}

/// loadconfig of a partial file never removes what the file does not mention (issue 9).
@Suite struct PartialLoadConfigTests {
    private func write(_ shell: TestShell, _ name: String, _ text: String) throws {
        let folder = shell.directory.url.appendingPathComponent("configuration")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    @Test func aFileWithOnlyTheHostNameKeepsEverySection() throws {
        let shell = try TestShell()
        try write(shell, "host.xml", "<config><hostname>ok.example.com</hostname></config>\n")
        let setup = try shell.run("userconfig add alice \"Alice A\" operator S3cret-pass-1\ncommit \"alice\"\n")
        #expect(setup.status == .success, "\(setup.errorOutput)")
        let result = try shell.run("loadconfig host.xml\nshowchanges\ncommit --check\n")
        #expect(result.status == .success, "\(result.errorOutput)")
        #expect(
            result.output.contains(
                """

                Values have been loaded.
                The file has no <interfaces>, <certificates>, <ca_lists>, <websecurity>, <crls>, <alerts>, \
                <listener_settings>, <listeners>, <destconfig>, <users>: kept as they are.
                Be sure to run "commit" to make these settings active.

                """
            )
        )
        let changes = try #require(result.output.components(separatedBy: "> showchanges\n").last)
        #expect(changes.hasPrefix("\nsethostname: system hostname: ironport.example.com -> ok.example.com\n"))
        #expect(!changes.contains("Demo"))
        #expect(!changes.contains("userconfig"), "the account alice stays: \(changes)")
    }

    @Test func aCertificatesSectionWithoutDemoIsRefused() throws {
        let shell = try TestShell()
        let saved = try shell.run("saveconfig 2\n")
        #expect(saved.status == .success)
        let folder = shell.directory.url.appendingPathComponent("configuration")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first)
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        let start = try #require(text.range(of: "<certificate_profile>"))
        let end = try #require(text.range(of: "</certificate_profile>"))
        try write(shell, "nodemo.xml", text.replacingCharacters(in: start.lowerBound..<end.upperBound, with: ""))
        let result = try shell.run("loadconfig nodemo.xml\n")
        #expect(result.status == .actionFailed)
        #expect(result.errorOutput.contains("the \"Demo\" certificate profile is missing; it cannot be removed"))
    }
}
