import ApplianceConfig
import ConfigStore
import TestSupport
import Testing

@Suite struct RollbackTranscriptTests {
    /// Two commits a minute apart, so the rollback list has three rows (with the factory revision).
    private func shellWithHistory() throws -> TestShell {
        let shell = try TestShell()
        _ = try shell.run("sethostname a.example.com\ncommit \"changed hostname\"\n")
        shell.clock.advance(seconds: 60)
        _ = try shell.run("sethostname b.example.com\ncommit \"second name\"\n")
        return shell
    }

    @Test func rollbackListsSavedRevisionsAndCommitsTheChosenOne() throws {
        let shell = try shellWithHistory()
        shell.clock.advance(seconds: 60)
        let result = try shell.run("rollbackconfig\n2\ny\ny\n")
        expectTranscript(
            result.output,
            """
            b.example.com> rollbackconfig

            Previous Commits:

                Committed On                   User       Description
                -------------------------------------------------------------------------
            1.  Tue Sep 22 09:01:00 2026       admin      second name
            2.  Tue Sep 22 09:00:00 2026       admin      changed hostname
            3.  Tue Sep 22 09:00:00 2026       admin      Factory configuration

            Enter the number of the config to revert to.
            []> 2

            Are you sure you want to roll back the configuration? [N]> y

            Reverted to Tue Sep 22 09:00:00 2026       admin      changed hostname
            Do you want to commit this configuration now? [N]> y

            Committed the changes successfully
            a.example.com> 
            """
        )
        let head = try shell.store.head()
        #expect(head.info.number == 4)
        #expect(head.info.method == .rollback)
        #expect(head.info.comment == "Rollback to revision 2")
        #expect(head.configuration.hostname == "a.example.com")
    }

    @Test func rollbackAnsweredNoToCommitLeavesItPending() throws {
        let shell = try shellWithHistory()
        let result = try shell.run("rollbackconfig\n2\ny\nn\nshowchanges\n")
        #expect(result.output.contains("sethostname: system hostname: b.example.com -> a.example.com"))
        #expect(try shell.store.head().info.number == 3)
    }

    @Test func rollbackWithPendingChangesAsksFirst() throws {
        let shell = try shellWithHistory()
        let result = try shell.run("sethostname c.example.com\nrollbackconfig\nn\nshowchanges\n")
        #expect(result.output.contains("Pending changes will be discarded. Continue? [N]> n"))
        #expect(result.output.contains("sethostname: system hostname: b.example.com -> c.example.com"))
    }

    @Test func rollbackChoiceOutOfRangeFailsTheScript() throws {
        let shell = try shellWithHistory()
        let result = try shell.run("rollbackconfig\n9\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 2: Please enter a number from 1 to 3.\n")
    }

    @Test func batchRollbackStagesAnyKeptRevision() throws {
        let shell = try shellWithHistory()
        let result = try shell.run("rollbackconfig 1\nshowchanges\ncommit \"back to factory\"\n")
        #expect(result.output.contains("Revision 1 is staged."))
        #expect(try shell.store.head().configuration.hostname == "ironport.example.com")
        #expect(try shell.store.head().info.method == .rollback)
        let missing = try shell.run("rollbackconfig 99\n")
        #expect(missing.status == .actionFailed)
        #expect(missing.errorOutput == "line 1: Revision 99 does not exist or is no longer kept.\n")
    }

    @Test func diffConfigBetweenRevisions() throws {
        let shell = try shellWithHistory()
        let result = try shell.run("diffconfig 1 3\ndiffconfig 2\n")
        expectTranscript(
            result.output,
            """
            b.example.com> diffconfig 1 3

            sethostname: system hostname: ironport.example.com -> b.example.com
            b.example.com> diffconfig 2

            sethostname: system hostname: a.example.com -> b.example.com
            b.example.com> 
            """
        )
    }

    @Test func commitHistoryListsNewestFirst() throws {
        let shell = try shellWithHistory()
        let result = try shell.run("commithistory 2\n")
        expectTranscript(
            result.output,
            """
            b.example.com> commithistory 2

            Rev  Committed On                  User    Method       Rollback  Comment
              3  Tue Sep 22 09:01:00 2026 UTC  admin   script       yes       second name
              2  Tue Sep 22 09:00:00 2026 UTC  admin   script       yes       changed hostname
            b.example.com> 
            """
        )
    }
}

@Suite struct ShellTranscriptTests {
    @Test func unknownCommandStopsTheScriptWithStatus4() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname mail.example.com\nfrobnicate now\ncommit \"never\"\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 2: Unknown command or missing feature key: frobnicate\n")
        #expect(!result.output.contains("commit \"never\""))
        #expect(try shell.store.head().info.number == 1)
    }

    @Test func continueOnErrorKeepsGoing() throws {
        let shell = try TestShell()
        let result = try shell.run("frobnicate\nsethostname mail.example.com\ncommit \"x\"\n", continueOnError: true)
        #expect(result.status == .invalidInput)
        #expect(try shell.store.head().configuration.hostname == "mail.example.com")
    }

    @Test func uniquePrefixesRunCommandsAndAmbiguousOnesAreRefused() throws {
        let shell = try TestShell()
        let result = try shell.run("sethost mail.example.com\nshowch\n")
        #expect(result.output.contains("sethostname: system hostname: ironport.example.com -> mail.example.com"))
        let result2 = try shell.run("comm\n")
        #expect(result2.status == .invalidInput)
        #expect(result2.errorOutput == "line 1: Ambiguous command \"comm\": commit, commitdetail, commithistory.\n")
    }

    @Test func sethostnameRefusesInvalidNames() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname not_a_host\n")
        #expect(result.status == .invalidInput)
        #expect(
            result.errorOutput
                == "line 1: Invalid hostname \"not_a_host\". Enter a fully qualified host name, such as mail.example.com.\n"
        )
    }

    @Test func sethostnameDialogTakesTheCurrentNameAsDefault() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname\nMail.Example.COM\nshowchanges\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> sethostname

            [ironport.example.com]> Mail.Example.COM
            ironport.example.com> showchanges

            sethostname: system hostname: ironport.example.com -> mail.example.com
            ironport.example.com> 
            """
        )
    }

    @Test func helpForACommandSaysCommitAndBatch() throws {
        let shell = try TestShell()
        let result = try shell.run("help sethostname\nhelp version\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> help sethostname

            sethostname - Set the name of the machine.

            Commit: This command requires a 'commit'.
            Batch Command: This command supports a batch format.

            sethostname {fqdn}
            ironport.example.com> help version

            version - View system version information.

            Commit: This command does not require a 'commit'.
            Batch Command: This command does not support a batch format.
            ironport.example.com> 
            """
        )
    }

    @Test func helpListsEveryCommandPaddedTo20Columns() throws {
        let shell = try TestShell()
        let result = try shell.run("?\n")
        #expect(result.output.contains("\nclearchanges        Abandon all pending configuration changes.\n"))
        #expect(result.output.contains("\nexit                Exit CLI.\n"))
        #expect(result.output.contains("\nquit                Exit CLI.\n"))
        #expect(result.output.contains("\nsethostname         Set the name of the machine.\n"))
    }

    @Test func versionShowsTheFieldsInOrder() throws {
        let shell = try TestShell()
        let result = try shell.run("version\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> version

            Current Version
            ===============
            Product: esa Email Security Appliance Shell
            Model: esa
            Version: 1.0.0-001
            Build Date: 2026-11-29
            Install Date: 2026-09-22 09:00:00
            Serial #: 42A1B2C3D4E5F60718293A4B5C6D7E8F
            BIOS: NA
            CPUs: 2 expected, 2 allocated
            Memory: 8192 MB expected, 8192 MB allocated
            RAID: NA
            RAID Status: Unknown
            RAID Type: NA
            BMC: NA
            ironport.example.com> 
            """
        )
    }
}
