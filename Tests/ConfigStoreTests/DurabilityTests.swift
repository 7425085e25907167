import ApplianceConfig
import DomainNames
import Foundation
import Testing

@testable import ConfigStore

@Suite struct ConfirmedCommitTests {
    private func confirmedCommit(_ store: RevisionStore, minutes: Int = 10) throws -> RevisionInfo {
        let (base, configuration) = try store.head()
        var candidate = configuration
        candidate.hostname = "risky.example.com"
        let outcome = try store.commitConfirmed(
            candidate,
            base: base.number,
            user: "carol",
            method: .exec,
            comment: "risky",
            rollbackPoint: true,
            minutes: minutes,
            validate: Fixtures.valid
        )
        return try #require(outcome.committedInfo)
    }

    @Test func unconfirmedCommitIsRevertedAtTheDeadline() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let store = try Fixtures.store(directory, clock: clock)
        _ = try store.commitFromHead { $0.destinations.append(DestinationEntry(domain: "example.com")) }
        let before = try store.head()
        let risky = try confirmedCommit(store, minutes: 5)
        let pending = try #require(try store.pendingConfirmation())
        #expect(pending.revision == risky.number)
        #expect(pending.deadline == clock.now.addingTimeInterval(300))

        // Other commits are refused while the confirmation is pending.
        do {
            _ = try store.commitFromHead { $0.hostname = "other.example.com" }
            Issue.record("a commit was accepted during a pending confirmation")
        } catch let error as StoreError {
            #expect(error.code == .pendingConfirmation)
        }

        clock.advance(minutes: 4)
        #expect(try store.revertIfDue(now: clock.now) == nil)
        clock.advance(minutes: 1)
        let revert = try #require(try store.revertIfDue(now: clock.now))
        #expect(revert.number == risky.number + 1)
        #expect(revert.method == .autoRevert)
        #expect(revert.user == "carol")
        #expect(revert.comment == "Automatic revert of revision \(risky.number)")
        #expect(revert.date == clock.now)
        #expect(revert.changes == [.hostname("risky.example.com", "ironport.example.com")])
        #expect(try store.head().configuration == before.configuration)
        #expect(try store.pendingConfirmation() == nil)
        #expect(try store.revertIfDue(now: clock.now) == nil)

        // Commits are accepted again.
        #expect(try store.commitFromHead { $0.hostname = "next.example.com" }.committedInfo != nil)
    }

    @Test func confirmedCommitStays() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let store = try Fixtures.store(directory, clock: clock)
        let risky = try confirmedCommit(store)
        // Confirmation from another instance (another process).
        #expect(try Fixtures.store(directory, clock: clock).confirm() == risky.number)
        #expect(try store.pendingConfirmation() == nil)
        clock.advance(minutes: 60)
        #expect(try store.revertIfDue(now: clock.now) == nil)
        #expect(try store.head().info == risky)
        do {
            try store.confirm()
            Issue.record("confirm without a pending commit succeeded")
        } catch let error as StoreError {
            #expect(error.code == .nothingToConfirm)
        }
    }

    @Test func minutesOutsideRangeAreRefused() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        #expect(throws: StoreError.self) { try confirmedCommit(store, minutes: 0) }
        #expect(throws: StoreError.self) { try confirmedCommit(store, minutes: 61) }
        #expect(try store.pendingConfirmation() == nil)
        #expect(try store.head().info.number == 1)
    }

    @Test func concurrentRevertsRevertExactlyOnce() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let store = try Fixtures.store(directory, clock: clock)
        let risky = try confirmedCommit(store)
        clock.advance(minutes: 11)
        let stores = try (0..<4).map { _ in try Fixtures.store(directory, clock: clock) }
        let results = Results<Int?>()
        DispatchQueue.concurrentPerform(iterations: stores.count) { index in
            do {
                results.append(try stores[index].revertIfDue(now: clock.now)?.number)
            } catch {
                results.fail("\(error)")
            }
        }
        #expect(results.failures.isEmpty)
        #expect(results.values.compactMap { $0 } == [risky.number + 1])
        #expect(try store.history(limit: 10).map(\.number) == [3, 2, 1])
    }
}

@Suite struct DamageTests {
    private func storeWithThreeRevisions(_ directory: TemporaryDirectory) throws {
        let store = try Fixtures.store(directory)
        _ = try store.commitFromHead { $0.hostname = "a.example.com" }
        _ = try store.commitFromHead { $0.hostname = "b.example.com" }
    }

    private func snapshot(_ path: String) throws -> [Int] {
        try RawStoreAccess.integers(path: path, sql: "SELECT number FROM revision ORDER BY number")
    }

    /// The ids of the chunks revision `number` uses.
    private func chunks(_ path: String, revision number: Int) throws -> [Int] {
        try RawStoreAccess.manifest(path: path, revision: number)
    }

    @Test func aDamagedOlderRevisionDoesNotStopStartUpAndIsFoundWhenReadOrVerified() throws {
        let directory = try TemporaryDirectory()
        try storeWithThreeRevisions(directory)
        let own = try Set(chunks(directory.storePath, revision: 2)).subtracting(
            try chunks(directory.storePath, revision: 1) + chunks(directory.storePath, revision: 3)
        )
        let chunk = try #require(own.first)
        let changed = try RawStoreAccess.execute(
            path: directory.storePath,
            sql: "UPDATE chunk SET bytes = CAST('{\"hostname\":\"evil\"}' AS BLOB) WHERE id = \(chunk)"
        )
        #expect(changed == 1)
        // Start-up reads (and checks) only the head.
        let store = try Fixtures.store(directory)
        #expect(try store.head().info.number == 3)
        #expect(try store.history(limit: 10).map(\.number) == [3, 2, 1])
        #expect {
            _ = try store.revision(2)
        } throws: { error in
            (error as? StoreError)?.code == .damaged(revision: 2, lastGood: 1)
        }
        #expect {
            try store.verify()
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .damaged(revision: 2, lastGood: 1)
        }
        #expect(try snapshot(directory.storePath) == [1, 2, 3])
    }

    @Test func aDamagedHeadIsDetectedAtOpenAndNothingChanges() throws {
        let directory = try TemporaryDirectory()
        try storeWithThreeRevisions(directory)
        let chunk = try #require(try chunks(directory.storePath, revision: 3).first)
        try RawStoreAccess.execute(
            path: directory.storePath,
            sql: "UPDATE chunk SET bytes = zeroblob(10) WHERE id = \(chunk)"
        )
        for _ in 0..<2 {
            #expect {
                _ = try RevisionStore(path: directory.storePath, clock: ManualClock().function) {
                    Issue.record("factory called")
                    return Fixtures.factory()
                }
            } throws: { error in
                (error as? StoreError)?.code == .damaged(revision: 3, lastGood: 2)
            }
        }
        #expect(try snapshot(directory.storePath) == [1, 2, 3])
    }

    /// The prompt of a run that may never read the configuration: the host name the head's first chunk
    /// begins with, read as stored — no checksum, so such a run needs no OpenSSL (issue 13) — and the
    /// head checked in full when its content is read. A first chunk that holds no plain host name is
    /// read checked, so its damage shows at once.
    @Test func theHeadsHostNameIsReadAsStoredAndTheHeadCheckedWhenRead() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        _ = try store.commitFromHead { configuration in
            configuration.hostname = "big.example.com"
            configuration.destinations = KeyedList(
                (0..<5_000).map { DestinationEntry(domain: HostName("d\($0).example.com")) }
            )
        }
        let manifest = try chunks(directory.storePath, revision: 2)
        #expect(manifest.count > 2)
        let last = try #require(manifest.last)
        try RawStoreAccess.execute(
            path: directory.storePath,
            sql: "UPDATE chunk SET bytes = zeroblob(10) WHERE id = \(last)"
        )
        // A damaged record is not read either: it is found with the content.
        try RawStoreAccess.execute(
            path: directory.storePath,
            sql: "UPDATE revision SET comment = 'forged' WHERE number = 2"
        )
        let reopened = try RevisionStore(path: directory.storePath, clock: ManualClock().function, verifyHead: false) {
            Issue.record("factory called")
            return Fixtures.factory()
        }
        let head = try reopened.headHostname()
        #expect(head.number == 2)
        #expect(head.hostname == "big.example.com")
        #expect {
            _ = try reopened.head()
        } throws: { error in
            (error as? StoreError)?.code == .damaged(revision: 2, lastGood: 1)
        }

        let first = try #require(manifest.first)
        try RawStoreAccess.execute(
            path: directory.storePath,
            sql: "UPDATE chunk SET bytes = CAST('{\"hostname\":\"evil\"}' AS BLOB) WHERE id = \(first)"
        )
        #expect {
            _ = try reopened.headHostname()
        } throws: { error in
            (error as? StoreError)?.code == .damaged(revision: 2, lastGood: 1)
        }
        #expect(try snapshot(directory.storePath) == [1, 2])
    }

    /// A host name that is not a plain host name is never taken unchecked (it would be shown at the
    /// prompt): the first chunk is checked against its hash, and its damage reported.
    @Test func aStoredHostNameWithControlCharactersIsCheckedNotShown() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        _ = try store.commitFromHead { $0.hostname = "ab.example.com" }
        let first = try #require(try chunks(directory.storePath, revision: 2).first)
        // The same length, so the rest of the chunk still parses: "ab" becomes ESC "[".
        try RawStoreAccess.rewriteChunk(path: directory.storePath, id: first) { bytes in
            let name = Array("ab.example.com".utf8)
            guard
                let at = (0...(bytes.count - name.count)).first(where: {
                    bytes[$0..<$0 + name.count].elementsEqual(name)
                })
            else {
                Issue.record("the host name is not in the first chunk")
                return bytes
            }
            var forged = bytes
            forged[at] = 0x1b
            forged[at + 1] = UInt8(ascii: "[")
            return forged
        }
        let reopened = try RevisionStore(path: directory.storePath, clock: ManualClock().function, verifyHead: false) {
            Issue.record("factory called")
            return Fixtures.factory()
        }
        #expect {
            _ = try reopened.headHostname()
        } throws: { error in
            (error as? StoreError)?.code == .damaged(revision: 2, lastGood: 1)
        }
    }

    /// Every field of a revision's record is under its checksum: a flipped comment, user, date, rollback
    /// flag, method, base, change line, encoding or checksum is damage, never a silently rewritten history.
    @Test(arguments: [
        "comment = 'forged'", "user = 'mallory'", "date = date + 1", "rollbackPoint = 1 - rollbackPoint",
        "method = 'rollback'", "baseRevision = 7", "changes = 'forged change'", "encoding = 'json'",
        "checksum = 'x'", "contentHash = 'x'",
    ])
    func aChangedRecordIsDamage(change: String) throws {
        let directory = try TemporaryDirectory()
        try storeWithThreeRevisions(directory)
        let store = try Fixtures.store(directory)
        try RawStoreAccess.execute(path: directory.storePath, sql: "UPDATE revision SET \(change) WHERE number = 2")
        #expect {
            _ = try store.history(limit: 10)
        } throws: { error in
            (error as? StoreError)?.code == .damaged(revision: 2, lastGood: 1)
        }
        #expect {
            try store.verify()
        } throws: { error in
            (error as? StoreError)?.code == .damaged(revision: 2, lastGood: 1)
        }
        // The head's record is read at every start.
        try RawStoreAccess.execute(path: directory.storePath, sql: "UPDATE revision SET \(change) WHERE number = 3")
        #expect {
            _ = try Fixtures.store(directory)
        } throws: { error in
            (error as? StoreError)?.code == .damaged(revision: 3, lastGood: 1)
        }
    }

    @Test func notADatabaseIsUnreadable() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: directory.storePath))
        #expect {
            _ = try Fixtures.store(directory)
        } throws: { error in
            (error as? StoreError)?.code == .unreadable
        }
    }
}

@Suite struct ConcurrencyTests {
    /// Several instances (as several processes would) commit on the same file from threads at once;
    /// each retries after a conflict. Every acknowledged revision must be present, numbers contiguous.
    @Test func concurrentCommitsFromSeveralInstancesAreSerialised() throws {
        let directory = try TemporaryDirectory()
        _ = try Fixtures.store(directory)
        let writers = 4
        let commitsPerWriter = 8
        let stores = try (0..<writers).map { _ in try Fixtures.store(directory) }
        let acknowledged = Results<RevisionInfo>()
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            let store = stores[writer]
            for index in 0..<commitsPerWriter {
                do {
                    // Each writer edits its own objects, so rebases never conflict.
                    let (base, configuration) = try store.head()
                    var candidate = configuration
                    candidate.destinations.append(DestinationEntry(domain: HostName("w\(writer)-\(index).example.com")))
                    let outcome = try store.commit(
                        candidate,
                        base: base.number,
                        user: "writer\(writer)",
                        method: .script,
                        comment: "\(writer)/\(index)",
                        rollbackPoint: index == 0,
                        validate: Fixtures.valid
                    )
                    guard let info = outcome.committedInfo else {
                        acknowledged.fail("writer \(writer) commit \(index): \(outcome)")
                        continue
                    }
                    acknowledged.append(info)
                } catch {
                    acknowledged.fail("writer \(writer) commit \(index): \(error)")
                }
            }
        }
        #expect(acknowledged.failures.isEmpty)
        let total = writers * commitsPerWriter
        #expect(acknowledged.values.count == total)

        let reopened = try Fixtures.store(directory)
        let history = try reopened.history(limit: 1000)
        #expect(history.map(\.number) == Array((1...total + 1).reversed()))
        for info in acknowledged.values {
            #expect(try reopened.revision(info.number)?.info == info)
        }
        let domains = Set(try reopened.head().configuration.destinations.map(\.domain))
        #expect(domains.count == total)
    }
}

/// Thread-safe collection of results from concurrent work.
final class Results<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var storedValues: [Value] = []
    private var storedFailures: [String] = []

    func append(_ value: Value) { lock.withLock { storedValues.append(value) } }
    func fail(_ message: String) { lock.withLock { storedFailures.append(message) } }
    var values: [Value] { lock.withLock { storedValues } }
    var failures: [String] { lock.withLock { storedFailures } }
}
