import Commands
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
