import ApplianceConfig
import FoundationEssentials
import SQLite
import Testing

@testable import ConfigStore

/// Stores written while the store used GRDB open unchanged, and stores written now keep GRDB's
/// layout, so an older esa opens them too (data directories move between versions both ways).
@Suite struct GRDBCompatibilityTests {
    /// `Fixtures/grdb-v2.sqlite`: a store made by esa with GRDB (main at 7e29329, `esa-bench
    /// --store-growth … --entries 3`): the factory revision, then revision 2 adding d0–d2.example.com
    /// with TLS required.
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/grdb-v2.sqlite")

    private static func copyOfFixture(_ directory: TemporaryDirectory) throws -> String {
        try FileManager.default.copyItem(atPath: fixture.path, toPath: directory.storePath)
        return directory.storePath
    }

    /// Opened immutable: nothing is written, not even beside the committed fixture.
    private static func reader(_ path: String) throws -> Database {
        try Database(path: "file:\(path)?immutable=1", mode: .readOnly)
    }

    private static func schema(_ path: String) throws -> [String] {
        try reader(path).read { db in
            try db.fetchAll("SELECT type || ' ' || name || ': ' || sql FROM sqlite_master ORDER BY type, name") {
                $0.string(0) ?? ""
            }
        }
    }

    private static func migrations(_ path: String) throws -> [String] {
        try reader(path).read { db in
            try db.fetchAll("SELECT identifier FROM grdb_migrations ORDER BY identifier") { $0.string(0) ?? "" }
        }
    }

    @Test func aStoreWrittenWithGRDBOpensReadsAndCommits() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.copyOfFixture(directory)
        let store = try RevisionStore(path: path, clock: ManualClock().function) {
            Issue.record("an existing store is not created again")
            return Fixtures.factory()
        }
        #expect(try store.history(limit: 10).map(\.comment) == ["3 destinations", "Factory configuration"])
        let head = try store.head()
        #expect(head.info.number == 2)
        #expect(head.info.user == "bench")
        #expect(
            head.configuration.destinations.map(\.domain) == ["d0.example.com", "d1.example.com", "d2.example.com"]
        )
        #expect(head.configuration.destinations.allSatisfy { $0.tls == .required })
        #expect(try store.verify() == 2)
        #expect(try store.headNumber() == 2)

        guard
            case .committed(let info, _, _) = try store.commitFromHead(
                comment: "after",
                { $0.hostname = "new.example.com" }
            )
        else {
            Issue.record("the commit did not commit")
            return
        }
        #expect(info.number == 3)
        #expect(try store.verify() == 3)
        // Nothing was migrated or added: the file keeps GRDB's record of applied migrations.
        #expect(try Self.migrations(path) == ["v1", "v2"])
    }

    @Test func aStoreWrittenWithGRDBOpensReadOnly() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.copyOfFixture(directory)
        let store = try RevisionStore(path: path, clock: ManualClock().function, readOnly: true) {
            Fixtures.factory()
        }
        #expect(try store.head().configuration.destinations.count == 3)
        #expect(throws: StoreError.self) { try store.commitFromHead { $0.hostname = "no.example.com" } }
    }

    /// What an older esa checks when it opens a store: the same tables, indexes and migration record
    /// as the stores it wrote itself.
    @Test func aNewStoreHasGRDBsLayoutAndMigrationRecord() throws {
        let directory = try TemporaryDirectory()
        _ = try Fixtures.store(directory)
        #expect(try Self.migrations(directory.storePath) == ["v1", "v2"])
        #expect(try Self.schema(directory.storePath) == Self.schema(Self.fixture.path))
        // The header's read and write versions (bytes 18 and 19) are 2 in WAL mode.
        let header = try Data(contentsOf: URL(fileURLWithPath: directory.storePath)).prefix(20)
        #expect(Array(header.suffix(2)) == [2, 2], "the store is in WAL mode")
    }

    /// A file that is not an SQLite database is reported as unreadable, in one line, and left alone.
    @Test func aFileThatIsNotADatabaseIsUnreadable() throws {
        let directory = try TemporaryDirectory()
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try garbage.write(to: URL(fileURLWithPath: directory.storePath))
        for readOnly in [false, true] {
            #expect {
                _ = try RevisionStore(path: directory.storePath, clock: ManualClock().function, readOnly: readOnly) {
                    Fixtures.factory()
                }
            } throws: { error in
                guard let error = error as? StoreError else { return false }
                return error.code == .unreadable && error.path == directory.storePath
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.storePath)) == garbage)
    }
}
