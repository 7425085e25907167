import ApplianceConfig
import DomainNames
import Foundation
import Testing

@testable import ConfigStore

@Suite struct RevisionStoreTests {
    @Test func newStoreHasFactoryRevision() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let store = try Fixtures.store(directory, clock: clock)
        let (info, configuration) = try store.head()
        #expect(info.number == 1)
        #expect(info.method == .factory)
        #expect(info.user == "admin")
        #expect(info.comment == "Factory configuration")
        #expect(info.rollbackPoint)
        #expect(info.baseRevision == nil)
        #expect(info.changes.isEmpty)
        #expect(info.date == clock.now)
        #expect(info.checksum.count == 64)
        #expect(configuration == Fixtures.factory())

        let attributes = try FileManager.default.attributesOfItem(atPath: directory.storePath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // Reopening keeps the store and never asks for the factory configuration again.
        let reopened = try RevisionStore(path: directory.storePath, clock: clock.function) {
            Issue.record("factory called for an existing store")
            return Fixtures.factory()
        }
        #expect(try reopened.head().info == info)
    }

    @Test func commitStoresNewHeadAndNothingToCommitStoresNothing() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let store = try Fixtures.store(directory, clock: clock)
        clock.advance(minutes: 5)
        let outcome = try store.commitFromHead(comment: "changed hostname", rollbackPoint: true) {
            $0.hostname = "mail.example.com"
        }
        guard case .committed(let info, let stored, let rebased) = outcome else {
            Issue.record("expected a commit, got \(outcome)")
            return
        }
        #expect(!rebased)
        #expect(info.number == 2)
        #expect(info.baseRevision == 1)
        #expect(info.date == clock.now)
        #expect(info.comment == "changed hostname")
        #expect(info.method == .interactive)
        #expect(info.changes == [.hostname("ironport.example.com", "mail.example.com")])
        #expect(stored.hostname == "mail.example.com")
        #expect(try store.head().info == info)
        #expect(try store.head().configuration == stored)

        // A fresh instance (another process) reads the same thing from disk.
        let other = try Fixtures.store(directory)
        #expect(try other.head().info == info)
        #expect(try other.head().configuration == stored)

        #expect(try store.commitFromHead { $0.hostname = "mail.example.com" }.isNothingToCommit)
        #expect(try store.commitFromHead { _ in }.isNothingToCommit)
        #expect(try store.history(limit: 10).count == 2)
    }

    @Test func historyAndRollbackPointsAreNewestFirst() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        for index in 1...5 {
            _ = try store.commitFromHead(comment: "change \(index)", rollbackPoint: index.isMultiple(of: 2)) {
                $0.destinations.append(DestinationEntry(domain: HostName("d\(index).example.com")))
            }
        }
        #expect(try store.history(limit: 100).map(\.number) == [6, 5, 4, 3, 2, 1])
        #expect(try store.history(limit: 2).map(\.number) == [6, 5])
        #expect(try store.rollbackPoints(limit: 10).map(\.number) == [5, 3, 1])
        #expect(try store.rollbackPoints(limit: 2).map(\.comment) == ["change 4", "change 2"])
        #expect(
            try store.revision(3)?.configuration.destinations.map(\.domain) == ["d1.example.com", "d2.example.com"]
        )
        #expect(try store.revision(42) == nil)
    }

    @Test func rollbackIsANewRevisionWithEarlierContent() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        _ = try store.commitFromHead { $0.hostname = "a.example.com" }
        _ = try store.commitFromHead { $0.hostname = "b.example.com" }
        let target = try #require(try store.revision(2))
        let head = try store.head().info
        let outcome = try store.commit(
            target.configuration,
            base: head.number,
            user: "admin",
            method: .rollback,
            comment: "Rollback to revision 2",
            rollbackPoint: true,
            validate: Fixtures.valid
        )
        let info = try #require(outcome.committedInfo)
        #expect(info.number == 4)
        #expect(info.method == .rollback)
        // The same content, stored once: the new revision uses revision 2's chunks.
        #expect(
            try RawStoreAccess.manifest(path: directory.storePath, revision: 4)
                == RawStoreAccess.manifest(path: directory.storePath, revision: 2)
        )
        #expect(try store.head().configuration == target.configuration)
        #expect(info.changes == [.hostname("b.example.com", "a.example.com")])
    }

    @Test func twoSessionsFromTheSameBaseAreRebased() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        let (base, configuration) = try store.head()

        var first = configuration
        first.destinations.append(DestinationEntry(domain: "example.com", tls: .required))
        var second = configuration
        second.hostname = "mail.example.com"

        let one = try store.commit(
            first,
            base: base.number,
            user: "alice",
            method: .interactive,
            comment: "",
            rollbackPoint: false,
            validate: Fixtures.valid
        )
        #expect(one.committedInfo?.number == 2)
        let two = try store.commit(
            second,
            base: base.number,
            user: "bob",
            method: .exec,
            comment: "",
            rollbackPoint: false,
            validate: Fixtures.valid
        )
        guard case .committed(let info, let merged, let rebased) = two else {
            Issue.record("expected a rebased commit, got \(two)")
            return
        }
        #expect(rebased)
        #expect(info.number == 3)
        #expect(info.baseRevision == 1)
        #expect(info.changes == [.hostname("ironport.example.com", "mail.example.com")])
        #expect(merged.hostname == "mail.example.com")
        #expect(merged.destinations.map(\.domain) == ["example.com"])
        #expect(try store.head().configuration == merged)
    }

    @Test func conflictIsRefusedNamingTheSettingAndStoresNothing() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        _ = try store.commitFromHead { $0.destinations.append(DestinationEntry(domain: "example.com")) }
        let (base, configuration) = try store.head()

        var mine = configuration
        mine.destinations[0].tls = .required
        var theirs = configuration
        theirs.destinations[0].tls = .preferred
        let theirsInfo = try #require(
            try store.commit(
                theirs,
                base: base.number,
                user: "bob",
                method: .script,
                comment: "",
                rollbackPoint: false,
                validate: Fixtures.valid
            ).committedInfo
        )
        // An unrelated later commit: the culprit is still the one that touched example.com.
        _ = try store.commitFromHead { $0.hostname = "other.example.com" }
        let before = try store.history(limit: 100)

        let outcome = try store.commit(
            mine,
            base: base.number,
            user: "alice",
            method: .interactive,
            comment: "",
            rollbackPoint: false,
            validate: Fixtures.valid
        )
        guard case .conflict(let with, let conflicts) = outcome else {
            Issue.record("expected a conflict, got \(outcome)")
            return
        }
        #expect(with == theirsInfo)
        #expect(conflicts.map(\.section) == ["destconfig"])
        #expect(conflicts.map(\.object) == [.destination("example.com")])
        #expect(conflicts.map(\.settings) == [["tls"]])
        #expect(try store.history(limit: 100) == before)
    }

    @Test func validationFailureStoresNothing() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        let (base, configuration) = try store.head()
        var candidate = configuration
        candidate.hostname = "not a host name"
        var validated: ApplianceConfiguration?
        let outcome = try store.commit(
            candidate,
            base: base.number,
            user: "admin",
            method: .interactive,
            comment: "",
            rollbackPoint: false
        ) { configuration in
            validated = configuration
            return ["Error: sethostname: host name: invalid host name"]
        }
        guard case .invalid(let errors) = outcome else {
            Issue.record("expected invalid, got \(outcome)")
            return
        }
        #expect(errors == ["Error: sethostname: host name: invalid host name"])
        #expect(validated == candidate)
        #expect(try store.history(limit: 10).map(\.number) == [1])
    }

    @Test func rebasedResultIsValidatedAgain() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        let (base, configuration) = try store.head()
        var first = configuration
        first.hostname = "a.example.com"
        var second = configuration
        second.destinations.append(DestinationEntry(domain: "example.com"))
        _ = try store.commit(
            first,
            base: base.number,
            user: "a",
            method: .interactive,
            comment: "",
            rollbackPoint: false,
            validate: Fixtures.valid
        )
        let outcome = try store.commit(
            second,
            base: base.number,
            user: "b",
            method: .interactive,
            comment: "",
            rollbackPoint: false
        ) { merged in
            merged.hostname == "a.example.com" ? ["saw the merged result"] : []
        }
        guard case .invalid(let errors) = outcome else {
            Issue.record("expected invalid, got \(outcome)")
            return
        }
        #expect(errors == ["saw the merged result"])
        #expect(try store.head().info.number == 2)
    }

    @Test func unknownBaseIsRefused() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        #expect(throws: StoreError.self) {
            try store.commit(
                Fixtures.factory(),
                base: 7,
                user: "admin",
                method: .interactive,
                comment: "",
                rollbackPoint: false,
                validate: Fixtures.valid
            )
        }
        do {
            _ = try store.commit(
                Fixtures.factory(),
                base: 7,
                user: "admin",
                method: .interactive,
                comment: "",
                rollbackPoint: false,
                validate: Fixtures.valid
            )
        } catch let error as StoreError {
            #expect(error.code == .noSuchRevision(7))
        }
    }

    @Test func pruningKeepsRecentRevisionsAndRollbackPointsAndRefusesPrunedBases() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        let (oldBase, oldConfiguration) = try store.head()  // revision 1: always kept
        _ = try store.commitFromHead(rollbackPoint: false) { $0.hostname = "h0.example.com" }
        let staleBase = try store.head()  // revision 2: will be pruned
        for index in 1...115 {
            _ = try store.commitFromHead(rollbackPoint: index <= 12) {
                $0.destinations.append(DestinationEntry(domain: HostName("d\(index).example.com")))
            }
        }
        let kept = try store.history(limit: 1000).map(\.number)
        let head = 117
        #expect(kept.first == head)
        // The newest 100, the newest 10 rollback points (revisions 3...14 were the 12 points), revision 1.
        let expected = Array((head - 99...head).reversed()) + Array((5...14).reversed()) + [1]
        #expect(kept == expected)
        #expect(try store.rollbackPoints(limit: 10).count == 10)

        var candidate = staleBase.configuration
        candidate.hostname = "late.example.com"
        do {
            _ = try store.commit(
                candidate,
                base: staleBase.info.number,
                user: "admin",
                method: .interactive,
                comment: "",
                rollbackPoint: false,
                validate: Fixtures.valid
            )
            Issue.record("a commit on a pruned base was accepted")
        } catch let error as StoreError {
            #expect(error.code == .baseUnavailable(2))
        }
        // A kept old base still rebases.
        var fromFactory = oldConfiguration
        fromFactory.webSecurity.urlFiltering = true
        let outcome = try store.commit(
            fromFactory,
            base: oldBase.number,
            user: "admin",
            method: .interactive,
            comment: "",
            rollbackPoint: false,
            validate: Fixtures.valid
        )
        guard case .committed(_, let merged, rebased: true) = outcome else {
            Issue.record("expected a rebased commit, got \(outcome)")
            return
        }
        #expect(merged.webSecurity.urlFiltering)
        #expect(merged.destinations.count == 115)
    }

    @Test func changeLinesRoundTrip() {
        let lines = ["a: b c: x -> y", "back\\slash", "new\nline", "\\n literal"]
        #expect(ChangeLines.split(ChangeLines.join(lines)) == lines)
        #expect(ChangeLines.split(ChangeLines.join([])) == [])
    }

    /// The stored text is what every stored revision's checksum covers: exactly the escapes of before.
    @Test func changeLinesAreStoredAsBefore() {
        let lines = ["back\\slash", "new\nline", "cr\rhere", "nul\0byte", "naïve – 日本", ""]
        let stored = "back\\\\slash\nnew\\nline\ncr\\rhere\nnul\\0byte\nnaïve – 日本\n"
        #expect(ChangeLines.join(lines) == stored)
        #expect(ChangeLines.split(stored) == lines)
        #expect(
            ChangeLines.split("dangling\\\nnext") == ["dangling", "next"],
            "a backslash before a newline is dropped"
        )
    }
}
