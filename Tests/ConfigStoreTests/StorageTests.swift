import ApplianceConfig
import DomainNames
import Foundation
import SQLite
import Testing

@testable import ConfigStore

/// A sealer for tests: "sealed" text is the base64 of the reversed secret behind a key name; another
/// key name cannot open it.
struct TestSealer: SecretSealing {
    var keyName = "k1"

    struct WrongKey: Error {}

    func seal(_ secret: String) throws -> String {
        keyName + ":" + Data(secret.utf8.reversed()).base64EncodedString()
    }

    func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix(keyName + ":"),
            let data = Data(base64Encoded: String(sealed.dropFirst(keyName.count + 1)))
        else { throw WrongKey() }
        return String(decoding: data.reversed(), as: UTF8.self)
    }
}

/// Issue 10, items 6, 12 and 13: keys sealed at rest, rebase without a kept base, storage that grows
/// with what changed.
@Suite struct StorageTests {
    static let key =
        "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAsecret\n-----END PRIVATE KEY-----\n"

    static func withKey(_ configuration: ApplianceConfiguration) -> ApplianceConfiguration {
        var configuration = configuration
        configuration.certificates.append(
            CertificateProfileRecord(name: "p1", certificatePEM: "CERT", privateKeyPEM: key)
        )
        return configuration
    }

    /// Every byte of the store's files.
    static func fileBytes(_ directory: TemporaryDirectory) throws -> Data {
        var data = Data()
        for suffix in ["", "-wal"] {
            data.append(FileManager.default.contents(atPath: directory.storePath + suffix) ?? Data())
        }
        return data
    }

    @Test func privateKeysAreSealedInEveryRevisionAndOpenOnlyWithTheirKey() throws {
        let directory = try TemporaryDirectory()
        let store = try RevisionStore(
            path: directory.storePath,
            clock: ManualClock().function,
            sealer: TestSealer(),
            factory: { Self.withKey(Fixtures.factory()) }
        )
        _ = try store.commitFromHead { $0.hostname = "a.example.com" }
        _ = try store.commitFromHead { $0.certificates[0].name = "p2" }
        #expect(try store.head().configuration.certificates[0].privateKeyPEM == Self.key)
        #expect(try store.revision(1)?.configuration.certificates[0].privateKeyPEM == Self.key)

        let bytes = try Self.fileBytes(directory)
        #expect(bytes.range(of: Data("PRIVATE KEY".utf8)) == nil)
        #expect(bytes.range(of: Data("MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAsecret".utf8)) == nil)

        // The same database without the secret, or with another one, reveals nothing and says why.
        for sealer in [nil, TestSealer(keyName: "k2")] as [TestSealer?] {
            #expect {
                _ = try RevisionStore(path: directory.storePath, clock: ManualClock().function, sealer: sealer) {
                    Fixtures.factory()
                }
            } throws: { error in
                guard let error = error as? StoreError else { return false }
                return error.code == .secretUnavailable && error.context == (sealer == nil ? .noSecret : .openingKeys)
            }
        }
        let reopened = try RevisionStore(path: directory.storePath, clock: ManualClock().function, sealer: TestSealer())
        {
            Fixtures.factory()
        }
        #expect(try reopened.head().configuration.certificates[0].privateKeyPEM == Self.key)
    }

    @Test func anUnchangedKeyIsStoredOnceNotOncePerCommit() throws {
        let directory = try TemporaryDirectory()
        let store = try RevisionStore(
            path: directory.storePath,
            clock: ManualClock().function,
            sealer: TestSealer(),
            factory: { Self.withKey(Fixtures.factory()) }
        )
        _ = try store.commitFromHead { $0.hostname = "a.example.com" }
        _ = try store.commitFromHead { $0.hostname = "ironport.example.com" }
        // Revision 3 has revision 1's content: the same chunks, so the key was sealed to the same text.
        #expect(
            try RawStoreAccess.manifest(path: directory.storePath, revision: 3)
                == RawStoreAccess.manifest(path: directory.storePath, revision: 1)
        )
    }

    /// A store of version 1 (whole content per row, plain keys, checksums over the content only) is
    /// upgraded on open: every revision kept, every key sealed, history intact.
    @Test func aVersion1StoreIsUpgradedWithItsKeysSealed() throws {
        let directory = try TemporaryDirectory()
        // The layout and migration record GRDB wrote for version 1.
        let database = try Database(path: directory.storePath)
        var v1 = Migrator()
        v1.register("v1") { db in
            try db.execute(
                """
                CREATE TABLE revision (number INTEGER PRIMARY KEY, date REAL NOT NULL, user TEXT NOT NULL,
                    method TEXT NOT NULL, comment TEXT NOT NULL, rollbackPoint INTEGER NOT NULL,
                    baseRevision INTEGER, changes TEXT NOT NULL, checksum TEXT NOT NULL, encoding TEXT NOT NULL,
                    content BLOB NOT NULL);
                CREATE INDEX revision_rollbackPoint ON revision(rollbackPoint, number);
                CREATE TABLE confirmation (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL,
                    deadline REAL NOT NULL);
                """
            )
        }
        try database.access { db in try v1.migrate(db) }
        let first = Self.withKey(Fixtures.factory())
        var second = first
        second.hostname = "old.example.com"
        try database.write { db in
            for (number, configuration, encoding) in [(1, first, "json"), (2, second, "bin1")] {
                let bytes =
                    encoding == "json"
                    ? [UInt8](try JSONEncoder().encode(configuration)) : try #require(BinaryCodec.encode(configuration))
                try db.execute(
                    "INSERT INTO revision VALUES (?, ?, 'admin', 'interactive', ?, 1, NULL, '', ?, ?, ?)",
                    [number, 800_000_000.0 + Double(number), "old \(number)", SHA256.hex(of: bytes), encoding, bytes]
                )
            }
        }
        try database.close()

        let store = try RevisionStore(path: directory.storePath, clock: ManualClock().function, sealer: TestSealer()) {
            Fixtures.factory()
        }
        #expect(try store.history(limit: 10).map(\.comment) == ["old 2", "old 1"])
        #expect(try store.revision(1)?.configuration == first)
        #expect(try store.head().configuration == second)
        #expect(try store.verify() == 2)
        #expect(try Self.fileBytes(directory).range(of: Data("PRIVATE KEY".utf8)) == nil)
    }

    /// Item 12: a session's commit conflicts with nothing, but more than 100 revisions landed since its
    /// base — the rebase uses the base the session holds.
    @Test func aCommitWhoseBaseWasPrunedRebasesOnTheSessionsBase() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        let base = try store.head()
        for index in 1...120 {
            _ = try store.commitFromHead { $0.hostname = "h\(index).example.com" }
        }
        #expect(try store.revision(base.info.number + 1) == nil, "the base's successors were pruned")
        var candidate = base.configuration
        candidate.destinations.append(DestinationEntry(domain: "late.example.com"))
        let outcome = try store.commit(
            candidate,
            base: base.info.number + 1,
            baseConfiguration: base.configuration,
            user: "admin",
            method: .script,
            comment: "late",
            rollbackPoint: false,
            validate: Fixtures.valid
        )
        guard case .committed(let info, let stored, let rebased) = outcome else {
            Issue.record("expected a commit, got \(outcome)")
            return
        }
        #expect(rebased)
        #expect(info.number == 122)
        #expect(stored.hostname == "h120.example.com")
        #expect(stored.destinations.map(\.domain) == ["late.example.com"])
    }

    /// Item 13: a one-line change to a large configuration adds about one chunk, not a copy.
    @Test func storageGrowsWithWhatChanged() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        _ = try store.commitFromHead { configuration in
            configuration.destinations = KeyedList(
                (0..<5_000).map { DestinationEntry(domain: HostName("d\($0).example.com")) }
            )
        }
        func storedBytes() throws -> Int {
            try RawStoreAccess.integers(path: directory.storePath, sql: "SELECT sum(length(bytes)) FROM chunk")[0]
        }
        let one = try storedBytes()
        for index in 0..<20 {
            _ = try store.commitFromHead { $0.destinations[index * 200].tls = .required }
        }
        let growth = try storedBytes() - one
        #expect(one > 100_000)
        // About two ~8 KiB chunks per commit (the changed one and the one holding the section's length).
        #expect(growth / 20 < 24_000, "20 one-line commits added \(growth) bytes to \(one)")
        #expect(growth / 20 < one / 4, "a commit costs a fraction of a copy")
        #expect(try store.verify() == 22)
    }

    @Test func chunkBoundariesFollowContentNotPosition() {
        var generator = SplitMix(seed: 7)
        let bytes = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let ranges = Chunker.ranges(bytes)
        #expect(ranges.first?.lowerBound == 0)
        #expect(ranges.last?.upperBound == bytes.count)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(ranges.dropLast().allSatisfy { $0.count >= Chunker.minimum && $0.count <= Chunker.maximum })
        // Insert ten bytes near the start: every chunk after the next boundary is unchanged.
        let shifted = Array(bytes[0..<100]) + Array(repeating: 0xAB, count: 10) + Array(bytes[100...])
        let before = Set(ranges.map { Array(bytes[$0]) })
        let after = Chunker.ranges(shifted).map { Array(shifted[$0]) }
        #expect(after.filter { !before.contains($0) }.count <= 2)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
