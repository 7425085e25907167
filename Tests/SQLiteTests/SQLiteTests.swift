import FoundationEssentials
import SQLite
import TestSupport
import Testing

/// The SQLite layer under the revision store: what a store relies on, observed through a real file.
@Suite struct SQLiteTests {
    private static func path(_ directory: TemporaryDirectory, _ name: String = "test.db") -> String {
        directory.url.appendingPathComponent(name).path
    }

    @Test func blobsKeepEveryByteIncludingNULs() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: Self.path(directory))
        let bytes: [UInt8] = [0, 0x41, 0, 0, 0xFF, 0x00, 0x7F, 0]
        let rows = try database.write { db in
            try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, value BLOB)")
            try db.execute("INSERT INTO t (id, value) VALUES (?, ?)", [1, bytes])
            try db.execute("INSERT INTO t (id, value) VALUES (?, ?)", [2, [UInt8]()])
            try db.execute("INSERT INTO t (id, value) VALUES (?, ?)", [3, [UInt8]?.none])
            return try db.fetchAll("SELECT value, length(value), typeof(value) FROM t ORDER BY id") {
                ($0.blob(0), $0.int(1), $0.string(2))
            }
        }
        #expect(rows.map(\.0) == [bytes, [], nil])
        #expect(rows.map(\.1) == [8, 0, 0])
        #expect(rows.map(\.2) == ["blob", "blob", "null"], "an empty blob is not NULL")
    }

    @Test func typedValuesRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: Self.path(directory))
        let row = try database.write { db in
            try db.execute("CREATE TABLE t (a INTEGER, b INTEGER, c TEXT, d TEXT, e REAL, f INTEGER, g TEXT)")
            try db.execute(
                "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)",
                [Int64.min, Int.max, "naïve – 日本", "", 0.1, true, String?.none]
            )
            return try db.fetchOne("SELECT a, b, c, d, e, f, g, typeof(d) FROM t") { row in
                (
                    row.int64(0), row.int(1), row.string(2), row.string(3), row.double(4), row.int(5), row.string(6),
                    row.string(7)
                )
            }
        }
        let values = try #require(row)
        #expect(values.0 == Int64.min)
        #expect(values.1 == Int.max)
        #expect(values.2 == "naïve – 日本")
        #expect(values.3 == "")
        #expect(values.4 == 0.1)
        #expect(values.5 == 1)
        #expect(values.6 == nil)
        #expect(values.7 == "text", "an empty string is text, not NULL")
    }

    /// `execute` binds texts and blobs in place for one run only: the next run of the same (cached)
    /// statement sees its own values, and a parameter it leaves out is NULL, never a stale value.
    @Test func aStatementRunAgainNeverSeesTheLastRunsValues() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: Self.path(directory))
        let rows = try database.write { db in
            try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT, bytes BLOB)")
            for id in 1...2 {
                let text = String(repeating: "line \(id)\n", count: 10_000)
                try db.execute("INSERT INTO t (id, text, bytes) VALUES (?, ?, ?)", [id, text, Array(text.utf8)])
            }
            try db.execute("INSERT INTO t (id, text, bytes) VALUES (?, ?, ?)", [3])
            return try db.fetchAll("SELECT text, bytes FROM t ORDER BY id") { ($0.string(0), $0.blob(1)) }
        }
        #expect(rows.map(\.0) == ["line 1\n", "line 2\n"].map { String(repeating: $0, count: 10_000) } + [nil])
        #expect(
            rows.map(\.1) == ["line 1\n", "line 2\n"].map { Array(String(repeating: $0, count: 10_000).utf8) } + [nil]
        )
    }

    @Test func aSecondConnectionIsBusyWhileTheFirstHoldsTheWriteLock() throws {
        let directory = try TemporaryDirectory()
        let path = Self.path(directory)
        let first = try Database(path: path, busyTimeout: 10)
        try first.access { db in
            try db.execute("PRAGMA journal_mode = WAL")
            try db.execute("CREATE TABLE t (x INTEGER)")
            try db.execute("BEGIN IMMEDIATE")
            try db.execute("INSERT INTO t VALUES (1)")
        }
        let second = try Database(path: path, busyTimeout: 0.2)
        let clock = ContinuousClock()
        let start = clock.now
        #expect {
            try second.write { db in try db.execute("INSERT INTO t VALUES (2)") }
        } throws: { error in
            (error as? SQLiteError)?.code == .busy
        }
        let waited = clock.now - start
        #expect(waited >= .milliseconds(150), "the busy timeout is waited out, not ignored")
        #expect(waited < .seconds(5))
        // Readers are not blocked by the writer (WAL), and see only what was committed.
        #expect(try second.read { db in try db.fetchOne("SELECT count(*) FROM t") { $0.int(0) } } == 0)
        try first.access { db in try db.execute("COMMIT") }
        try second.write { db in try db.execute("INSERT INTO t VALUES (2)") }
        #expect(try second.read { db in try db.fetchAll("SELECT x FROM t ORDER BY x") { $0.int(0) } } == [1, 2])
    }

    struct Refused: Error {}

    @Test func aThrowingTransactionLeavesTheTableUnchanged() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: Self.path(directory))
        try database.write { db in
            try db.execute("CREATE TABLE t (x INTEGER)")
            try db.execute("INSERT INTO t VALUES (1)")
        }
        #expect(throws: Refused.self) {
            try database.write { db in
                try db.execute("INSERT INTO t VALUES (2)")
                try db.execute("DELETE FROM t WHERE x = 1")
                throw Refused()
            }
        }
        #expect(try database.read { db in try db.fetchAll("SELECT x FROM t") { $0.int(0) } } == [1])
        // A failing statement rolls back too, and the connection is usable afterwards.
        #expect {
            try database.write { db in
                try db.execute("INSERT INTO t VALUES (3)")
                try db.execute("INSERT INTO missing VALUES (4)")
            }
        } throws: { error in
            (error as? SQLiteError)?.code == .error
        }
        #expect(try database.access { db in db.isInTransaction } == false)
        try database.write { db in try db.execute("INSERT INTO t VALUES (5)") }
        #expect(try database.read { db in try db.fetchAll("SELECT x FROM t ORDER BY x") { $0.int(0) } } == [1, 5])
    }

    @Test func aReadOnlyConnectionRefusesWrites() throws {
        let directory = try TemporaryDirectory()
        let path = Self.path(directory)
        try Database(path: path).write { db in
            try db.execute("CREATE TABLE t (x INTEGER)")
            try db.execute("INSERT INTO t VALUES (1)")
        }
        let reader = try Database(path: path, mode: .readOnly)
        #expect(try reader.read { db in try db.fetchOne("SELECT x FROM t") { $0.int(0) } } == 1)
        #expect {
            try reader.write { db in try db.execute("INSERT INTO t VALUES (2)") }
        } throws: { error in
            (error as? SQLiteError)?.code == .readOnly
        }
        #expect(try reader.read { db in try db.fetchAll("SELECT x FROM t") { $0.int(0) } } == [1])
    }

    @Test func aFileThatIsNotADatabaseFailsAtOpen() throws {
        let directory = try TemporaryDirectory()
        let path = Self.path(directory)
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: path))
        for mode in [Connection.Mode.readWriteCreate, .readOnly] {
            #expect {
                _ = try Database(path: path, mode: mode)
            } throws: { error in
                (error as? SQLiteError)?.code == .notADatabase
            }
        }
    }

    @Test func aMissingFileIsNotCreatedReadOnly() throws {
        let directory = try TemporaryDirectory()
        let path = Self.path(directory)
        #expect {
            _ = try Database(path: path, mode: .readOnly)
        } throws: { error in
            (error as? SQLiteError)?.code == .cannotOpen
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func everyConnectionEnforcesForeignKeys() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: Self.path(directory))
        #expect {
            try database.write { db in
                try db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
                try db.execute("CREATE TABLE child (parent INTEGER REFERENCES parent(id))")
                try db.execute("INSERT INTO child VALUES (7)")
            }
        } throws: { error in
            (error as? SQLiteError)?.code == .constraint
        }
    }

    // MARK: Migrations

    @Test func migrationsAreRecordedInGRDBsTableAndRunOnce() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: Self.path(directory))
        var runs: [String] = []
        var migrator = Migrator()
        migrator.register("v1") { db in
            runs.append("v1")
            try db.execute("CREATE TABLE t (x INTEGER)")
        }
        migrator.register("v2") { db in
            runs.append("v2")
            try db.execute("ALTER TABLE t ADD COLUMN y TEXT")
        }
        try database.access { db in
            #expect(try !migrator.hasCompletedMigrations(db))
            try migrator.migrate(db)
            try migrator.migrate(db)
            #expect(try migrator.hasCompletedMigrations(db))
            #expect(try !migrator.hasBeenSuperseded(db))
        }
        #expect(runs == ["v1", "v2"])
        let recorded = try database.read { db in
            try db.fetchAll("SELECT identifier FROM grdb_migrations ORDER BY identifier") { $0.string(0) }
        }
        #expect(recorded == ["v1", "v2"])

        // A migration only a newer version knows: superseded.
        var older = Migrator()
        older.register("v1") { _ in }
        #expect(try database.access { db in try older.hasBeenSuperseded(db) })
    }

    @Test func aFailingMigrationChangesNothingAndIsNotRecorded() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: Self.path(directory))
        var migrator = Migrator()
        migrator.register("v1") { db in try db.execute("CREATE TABLE t (x INTEGER)") }
        migrator.register("v2") { db in
            try db.execute("CREATE TABLE u (x INTEGER)")
            throw Refused()
        }
        #expect(throws: Refused.self) { try database.access { db in try migrator.migrate(db) } }
        let state = try database.read { db in
            (
                try db.fetchAll("SELECT identifier FROM grdb_migrations") { $0.string(0) },
                try db.fetchAll("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") { $0.string(0) }
            )
        }
        #expect(state.0 == ["v1"])
        #expect(state.1 == ["grdb_migrations", "t"])
        #expect(try database.access { db in try db.fetchOne("PRAGMA foreign_keys") { $0.int(0) } } == 1)
    }
}
