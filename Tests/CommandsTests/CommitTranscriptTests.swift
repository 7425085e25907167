import ApplianceConfig
import Certificates
import Commands
import ConfigStore
import Foundation
import Shell
import TestSupport
import Testing

@Suite struct CommitTranscriptTests {
    @Test func commitDialogIsTheAppliancesAndThePromptFollowsTheNewHostName() throws {
        let shell = try TestShell()
        let result = try shell.run(
            """
            sethostname mail.example.com
            commit
            Deploy lets_encrypt_mail
            Y

            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> sethostname mail.example.com
            ironport.example.com> commit

            Please enter some comments describing your changes:
            []> Deploy lets_encrypt_mail

            Do you want to save the current configuration for rollback? [Y]> Y

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            mail.example.com> 
            """
        )
        #expect(result.status == .success)
        #expect(result.errorOutput == "")
        let head = try shell.store.head()
        #expect(head.info.number == 2)
        #expect(head.info.comment == "Deploy lets_encrypt_mail")
        #expect(head.info.method == .script)
        #expect(head.info.rollbackPoint)
        #expect(head.configuration.hostname == "mail.example.com")
    }

    @Test func nothingToCommit() throws {
        let shell = try TestShell()
        let result = try shell.run("commit\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> commit

            There is no data to commit.
            ironport.example.com> 
            """
        )
    }

    @Test func changingAndRestoringAValueLeavesNothingToCommit() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname a.example.com\nsethostname ironport.example.com\ncommit\n")
        #expect(result.output.contains("There is no data to commit."))
        #expect(try shell.store.head().info.number == 1)
    }

    @Test func oneLineCommitAsksNothing() throws {
        let shell = try TestShell()
        let result = try shell.exec(#"sethostname mail.example.com; commit "changed hostname""#)
        expectTranscript(
            result.output,
            """
            ironport.example.com> sethostname mail.example.com
            ironport.example.com> commit "changed hostname"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC

            """
        )
        let head = try shell.store.head().info
        #expect(head.method == .exec)
        #expect(head.comment == "changed hostname")
        #expect(head.rollbackPoint)
    }

    @Test func commentLongerThan255IsRefused() throws {
        let shell = try TestShell()
        let long = String(repeating: "x", count: 256)
        let result = try shell.run("sethostname a.example.com\ncommit\n\(long)\n")
        #expect(result.status == .invalidInput)
        #expect(result.errorOutput == "line 3: The comment must be at most 255 characters.\n")
        #expect(try shell.store.head().info.number == 1)
    }

    @Test func clearChangesAsksAndDiscards() throws {
        let shell = try TestShell()
        shell.clock.advance(seconds: 72)
        let result = try shell.run("sethostname a.example.com\nclearchanges\ny\nshowchanges\nclear\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> sethostname a.example.com
            ironport.example.com> clearchanges

            Are you sure you want to clear all changes since the last commit? [Y]> y

            Changes cleared: Tue Sep 22 09:01:12 2026 UTC
            ironport.example.com> showchanges

            There is no data to commit.
            ironport.example.com> clear

            There are no changes to clear.
            ironport.example.com> 
            """
        )
    }

    @Test func clearChangesAnsweredNoKeepsEverything() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname a.example.com\nclearchanges\nn\nshowchanges\n")
        #expect(result.output.contains("sethostname: system hostname: ironport.example.com -> a.example.com"))
    }

    @Test func commitDetailDescribesTheLastCommitOfTheSession() throws {
        let shell = try TestShell()
        let result = try shell.run("commitdetail\nsethostname mail.example.com\ncommit \"new name\"\ncommitdetail\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> commitdetail

            No commits have been made in this session.
            ironport.example.com> sethostname mail.example.com
            ironport.example.com> commit "new name"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            mail.example.com> commitdetail

            Commit details:
                Revision: 2
                Committed On: Tue Sep 22 09:00:00 2026 UTC
                User: admin
                Method: script
                Comment: new name
                Saved for rollback: Yes
                Changes:
                    sethostname: system hostname: ironport.example.com -> mail.example.com
            mail.example.com> 
            """
        )
    }

    /// commitdetail words a revision's changes when it shows them: a revision read back from the
    /// store shows the lines of the session that committed it, and a revision stored before changes
    /// were typed (the GRDB fixture's revision 2, its lines stored as text) shows its lines as stored.
    @Test func commitDetailShowsStoredChangesAsTheyWereShown() throws {
        let shell = try TestShell()
        let committed = try shell.run("sethostname mail.example.com\ncommit \"new name\"\ncommitdetail\n")
        let stored = try #require(try shell.store.revision(2)).info

        func detail(of info: RevisionInfo) throws -> String {
            let (session, console, output) = try shell.session(input: "commitdetail\n")
            session.lastCommit = info
            _ = Interpreter(session: session).runScript()
            console.flush()
            return output.stdout
        }
        #expect(committed.output.hasSuffix(try detail(of: stored)))

        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ConfigStoreTests/Fixtures/grdb-v2.sqlite")
        let copy = shell.directory.url.appendingPathComponent("legacy.sqlite")
        try FileManager.default.copyItem(at: fixture, to: copy)
        let legacy = try RevisionStore(
            path: copy.path,
            clock: { TestClock.start },
            factory: { TestFactory.configuration }
        )
        let output = try detail(of: try #require(try legacy.revision(2)).info)
        #expect(
            output.hasSuffix(
                """
                    Changes:
                        + destconfig: d0.example.com
                        destconfig: d0.example.com tls: required
                        + destconfig: d1.example.com
                        destconfig: d1.example.com tls: required
                        + destconfig: d2.example.com
                        destconfig: d2.example.com tls: required
                mail.example.com> 
                """
            )
        )
    }

    @Test func commitCheckValidatesWithoutCommitting() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname mail.example.com\ncommit --check\n")
        #expect(result.output.contains("\nConfiguration check succeeded.\n"))
        #expect(try shell.store.head().info.number == 1)
    }

    @Test func exitWithPendingChangesAsksAndNIsTheDefault() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname mail.example.com\nexit\n\nexit\ny\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> sethostname mail.example.com
            ironport.example.com> exit

            Configuration changes entered but not committed. Exiting will lose changes.
            Type 'commit' at the command prompt to commit changes.
            Are you sure you wish to exit? [N]> 
            ironport.example.com> exit

            Configuration changes entered but not committed. Exiting will lose changes.
            Type 'commit' at the command prompt to commit changes.
            Are you sure you wish to exit? [N]> y

            """
        )
        #expect(result.status == .success)
        #expect(result.errorOutput == "")
        #expect(try shell.store.head().info.number == 1)
    }

    @Test func scriptEndingWithPendingChangesWarnsAndDiscards() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname mail.example.com\n")
        #expect(result.status == .success)
        #expect(
            result.errorOutput == "Warning: the session ended with uncommitted changes; they have been discarded.\n"
        )
        #expect(try shell.store.head().info.number == 1)
    }

    @Test func endOfInputDuringTheCommitDialog() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname mail.example.com\ncommit\n")
        #expect(result.status == .ioError)
        #expect(result.errorOutput == "line 2: input ended during a dialog\n")
        #expect(try shell.store.head().info.number == 1)
    }
}

@Suite struct ConcurrencyTranscriptTests {
    @Test func twoSessionsChangingDifferentObjectsBothCommit() throws {
        let shell = try TestShell()
        let (first, _, _) = try shell.session(input: "")
        let (second, _, _) = try shell.session(input: "")
        first.stage { $0.hostname = "mail.example.com" }
        second.stage { $0.destinations.append(DestinationEntry(domain: "example.com", tls: .required)) }
        try Commands.CommitFlow.commit(first, comment: "a", rollbackPoint: true)
        try Commands.CommitFlow.commit(second, comment: "b", rollbackPoint: true)
        let head = try shell.store.head()
        #expect(head.info.number == 3)
        #expect(head.configuration.hostname == "mail.example.com")
        #expect(head.configuration.destinations.map(\.domain) == ["example.com"])
    }

    @Test func conflictingChangesAreRefusedNamingTheSetting() throws {
        let shell = try TestShell()
        let (first, _, _) = try shell.session(input: "")
        let (second, console, output) = try shell.session(input: "")
        first.stage { $0.hostname = "mail.example.com" }
        second.stage { $0.hostname = "smtp.example.com" }
        try Commands.CommitFlow.commit(first, comment: "a", rollbackPoint: true)
        #expect {
            try Commands.CommitFlow.commit(second, comment: "b", rollbackPoint: true)
        } throws: { error in
            (error as? ShellError)?.message == """
                Commit failed: the configuration was changed by admin (script) at Tue Sep 22 09:00:00 2026 UTC in revision 2.
                Conflicting settings:
                    sethostname: system hostname
                Your changes are still pending. Use 'showchanges' to review them, 'clearchanges' and enter them again.
                """
        }
        console.flush()
        _ = output
        #expect(second.hasPendingChanges)
        #expect(try shell.store.head().info.number == 2)
    }
}

@Suite struct CommitWarningTests {
    /// A profile valid for `days` from the test clock, for `host`.
    private func profile(_ name: String, host: String, days: Int, clock: TestClock) throws -> CertificateProfileRecord {
        let key = try PrivateKey.generate(.ecdsaP256)
        let certificate = try SelfSigned.make(
            subject: DistinguishedName(commonName: host, organization: "Example"),
            alternativeNames: [],
            days: days,
            key: key,
            now: clock.now()
        )
        return CertificateProfileRecord(
            name: ProfileName(name),
            certificatePEM: certificate.pem,
            privateKeyPEM: key.pkcs8PEM
        )
    }

    @Test func expiringBoundCertificateAndForeignHostNameWarnButCommit() throws {
        let shell = try TestShell()
        let record = try profile("soon", host: "other.example.net", days: 10, clock: shell.clock)
        let (session, console, output) = try shell.session(input: "")
        session.stage {
            $0.certificates.append(record)
            $0.listeners[0].certificate = "soon"
        }
        try CommitFlow.commit(session, comment: "bind", rollbackPoint: true)
        console.flush()
        expectTranscript(
            output.stdout,
            """

            Warning: certificate "soon" expires in 10 days.
            Warning: certificate "soon" does not name the interface host name "ironport.example.com" (it names: other.example.net). Senders that verify the certificate will fail.

            Changes committed: Tue Sep 22 09:00:00 2026 UTC

            """
        )
        #expect(try shell.store.head().configuration.listeners[0].certificate == "soon")
    }

    @Test func aMatchingLongLivedCertificateCommitsWithoutWarnings() throws {
        let shell = try TestShell()
        let record = try profile("good", host: "ironport.example.com", days: 365, clock: shell.clock)
        let (session, console, output) = try shell.session(input: "")
        session.stage {
            $0.certificates.append(record)
            $0.listeners[0].certificate = "good"
        }
        try CommitFlow.commit(session, comment: "bind", rollbackPoint: true)
        console.flush()
        #expect(output.stdout == "\nChanges committed: Tue Sep 22 09:00:00 2026 UTC\n")
    }
}

@Suite struct ConfirmedCommitTranscriptTests {
    @Test func confirmedCommitIsKeptOnceConfirmed() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname mail.example.com\ncommit --confirm 5 \"try the name\"\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> sethostname mail.example.com
            ironport.example.com> commit --confirm 5 "try the name"

            Changes committed: Tue Sep 22 09:00:00 2026 UTC
            Commit will be rolled back in 5 minutes unless confirmed with 'commit confirm'.
            mail.example.com> 
            """
        )
        let confirmed = try shell.exec("commit confirm")
        #expect(confirmed.output.contains("\nCommit confirmed.\n"))
        shell.clock.advance(seconds: 600)
        #expect(try shell.store.revertIfDue(now: shell.clock.now()) == nil)
        #expect(try shell.store.head().configuration.hostname == "mail.example.com")
        let again = try shell.exec("commit confirm")
        #expect(again.status == .actionFailed)
        #expect(again.errorOutput == "line 1: There is no commit waiting for confirmation.\n")
    }

    @Test func unconfirmedCommitIsRevertedAndBlocksOtherCommitsUntilThen() throws {
        let shell = try TestShell()
        _ = try shell.run("sethostname mail.example.com\ncommit --confirm 1 \"try the name\"\n")
        let blocked = try shell.run("sethostname other.example.com\ncommit \"meanwhile\"\n")
        #expect(blocked.status == .actionFailed)
        #expect(
            blocked.errorOutput
                == "line 2: A confirmed commit is waiting for confirmation; commit again after 'commit confirm' or the automatic revert.\n"
        )
        shell.clock.advance(seconds: 61)
        let reverted = try #require(try shell.store.revertIfDue(now: shell.clock.now()))
        #expect(reverted.method == .autoRevert)
        #expect(reverted.comment == "Automatic revert of revision 2")
        #expect(try shell.store.head().configuration.hostname == "ironport.example.com")
        let after = try shell.run("sethostname other.example.com\ncommit \"now\"\n")
        #expect(after.status == .success)
    }

    @Test func confirmationMinutesOutOfRangeAreRefused() throws {
        let shell = try TestShell()
        let result = try shell.run("sethostname mail.example.com\ncommit --confirm 61\n")
        #expect(result.status == .invalidInput)
        #expect(
            result.errorOutput.hasSuffix(
                "The confirmation time must be a number of minutes from 1 to 60, not \"61\".\n"
            )
        )
        #expect(try shell.store.head().info.number == 1)
    }
}

/// `commit --check` does what `commit` would do now, storing nothing: the same rebase onto a head
/// another session moved, the same refusals, the same warnings.
@Suite struct CommitCheckTests {
    /// A store whose revision 2 holds profile `p1` (a copy of Demo); session `first` binds LDAP to it,
    /// then session `second` deletes it and commits (revision 3).
    private func referenceDeletedElsewhere() throws -> (TestShell, Session, StreamConsole, TestShell.Output) {
        let shell = try TestShell()
        let (setup, _, _) = try shell.session(input: "")
        let demo = try #require(setup.configuration.certificates.first)
        setup.stage {
            $0.certificates.append(
                CertificateProfileRecord(
                    name: "p1",
                    certificatePEM: demo.certificatePEM,
                    privateKeyPEM: demo.privateKeyPEM
                )
            )
        }
        try Commands.CommitFlow.commit(setup, comment: "p1", rollbackPoint: true)
        let (first, console, output) = try shell.session(input: "")
        let (second, _, _) = try shell.session(input: "")
        first.stage { $0.ldap.certificate = "p1" }
        second.stage { $0.certificates.removeAll { $0.name == "p1" } }
        try Commands.CommitFlow.commit(second, comment: "no p1", rollbackPoint: true)
        return (shell, first, console, output)
    }

    @Test func checkRebasesOntoTheHeadAndFailsLikeCommit() throws {
        let (shell, first, console, output) = try referenceDeletedElsewhere()
        let interpreter = Interpreter(session: first)
        let checked = interpreter.execute("commit --check")
        let committed = interpreter.execute("commit \"bind\"")
        console.flush()
        #expect(checked == .actionFailed)
        #expect(committed == .actionFailed)
        let lines = output.stderr.split(separator: "\n").map(String.init)
        let problem = try #require(lines.first)
        #expect(problem.contains("p1"))
        // commit names the same problem, then says nothing was stored.
        #expect(lines.dropFirst().first == problem)
        #expect(try shell.store.head().info.number == 3)
        #expect(first.hasPendingChanges)
    }

    @Test func checkReportsAConflictLikeCommit() throws {
        let shell = try TestShell()
        let (first, _, _) = try shell.session(input: "")
        let (second, console, output) = try shell.session(input: "")
        first.stage { $0.hostname = "mail.example.com" }
        second.stage { $0.hostname = "smtp.example.com" }
        try Commands.CommitFlow.commit(first, comment: "a", rollbackPoint: true)
        let status = Interpreter(session: second).execute("commit --check")
        console.flush()
        #expect(status == .actionFailed)
        #expect(
            output.stderr.hasPrefix(
                "line 0: Commit failed: the configuration was changed by admin (script) at Tue Sep 22 09:00:00 2026 UTC in revision 2.\n"
            )
        )
        #expect(try shell.store.head().info.number == 2)
    }
}

/// A confirmed commit reverted by anyone (a timer, another process at its start) is announced to
/// every open session at its next prompt, once.
@Suite struct AutoRevertNoticeTests {
    @Test func theCommittingSessionIsToldAtItsNextPrompt() throws {
        let shell = try TestShell()
        let (session, console, output) = try shell.session(input: "commithistory 1\ncommithistory 1\n")
        let interpreter = Interpreter(session: session)
        interpreter.execute("sethostname mail.example.com")
        interpreter.execute("commit --confirm 1 \"try it\"")
        shell.clock.advance(seconds: 61)
        let reverted = try #require(try shell.store.revertIfDue(now: shell.clock.now()))
        #expect(reverted.number == 3)
        #expect(interpreter.runScript() == .success)
        console.flush()
        let notice = "\nCommit 2 was not confirmed and has been reverted.\n"
        #expect(output.stdout.hasPrefix("\nChanges committed: "))
        #expect(
            output.stdout.contains("Commit will be rolled back in 1 minute unless confirmed with 'commit confirm'.\n")
        )
        let beforeFirstPrompt = try #require(output.stdout.components(separatedBy: "> commithistory 1\n").first)
        #expect(beforeFirstPrompt.contains(notice))
        #expect(output.stdout.components(separatedBy: notice).count == 2, "told once")
    }

    /// A session that commits right after a revert it has not seen yet is still told about the revert
    /// (its own commit is not the only revision since it last looked); one that commits with nothing
    /// in between has nothing to be told.
    @Test func aCommitRightAfterAnUnseenRevertStillGetsTheNotice() throws {
        let shell = try TestShell()
        let (first, _, _) = try shell.session(input: "")
        let (second, _, _) = try shell.session(input: "")
        let (third, _, _) = try shell.session(input: "")
        first.stage { $0.hostname = "mail.example.com" }
        try Commands.CommitFlow.commit(first, comment: "try it", rollbackPoint: true, confirmMinutes: 1)
        #expect(try first.revertNotices() == [])
        shell.clock.advance(seconds: 61)
        #expect(try shell.store.revertIfDue(now: shell.clock.now())?.number == 3)
        second.stage { $0.destinationDefaults.requiredTLSAlert = true }
        try Commands.CommitFlow.commit(second, comment: "after the revert", rollbackPoint: true)
        #expect(try second.revertNotices() == ["Commit 2 was not confirmed and has been reverted."])
        #expect(try second.revertNotices() == [])
        _ = try third.revertNotices()
        third.stage { $0.hostname = "smtp.example.com" }
        try Commands.CommitFlow.commit(third, comment: "nothing between", rollbackPoint: true)
        #expect(try third.revertNotices() == [])
    }
}
