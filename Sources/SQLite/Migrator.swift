/// Schema migrations, applied in order, each once, recorded in a table of applied identifiers.
///
/// The table and its use are GRDB's `DatabaseMigrator`'s (`grdb_migrations(identifier TEXT NOT NULL
/// PRIMARY KEY)`, one row per applied migration), which wrote every existing store: a file written
/// by an older esa opens here, and one written here opens with an older esa.
public struct Migrator {
    /// Where applied migrations are recorded (GRDB's table name, kept for compatibility).
    public static let table = "grdb_migrations"

    private var migrations: [(identifier: String, migrate: (Connection) throws -> Void)] = []

    public init() {}

    /// Adds a migration after those registered so far.
    public mutating func register(_ identifier: String, _ migrate: @escaping (Connection) throws -> Void) {
        precondition(!migrations.contains { $0.identifier == identifier }, "migration \(identifier) registered twice")
        migrations.append((identifier, migrate))
    }

    /// The identifiers recorded as applied, known or not (none when the table does not exist).
    public func appliedIdentifiers(_ connection: Connection) throws -> Set<String> {
        let exists = try connection.fetchOne(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
            [Self.table]
        ) { _ in true }
        guard exists == true else { return [] }
        return Set(try connection.fetchAll("SELECT identifier FROM \(Self.table)") { $0.string(0) ?? "" })
    }

    /// Whether every registered migration has been applied (in order: a prefix of the registered
    /// ones ending with the last).
    public func hasCompletedMigrations(_ connection: Connection) throws -> Bool {
        let applied = try appliedIdentifiers(connection)
        return migrations.allSatisfy { applied.contains($0.identifier) }
    }

    /// Whether the database records a migration this migrator does not know: written by a newer
    /// version.
    public func hasBeenSuperseded(_ connection: Connection) throws -> Bool {
        let known = Set(migrations.map(\.identifier))
        return try appliedIdentifiers(connection).contains { !known.contains($0) }
    }

    /// Applies the migrations not applied yet, each in its own `BEGIN IMMEDIATE` transaction together
    /// with its record, foreign keys off during the migration and checked before its commit (GRDB's
    /// "deferred" foreign key checks). `connection` must not be in a transaction.
    public func migrate(_ connection: Connection) throws {
        try connection.execute("CREATE TABLE IF NOT EXISTS \(Self.table) (identifier TEXT NOT NULL PRIMARY KEY)")
        let applied = try appliedIdentifiers(connection)
        for migration in migrations where !applied.contains(migration.identifier) {
            let foreignKeys = try connection.fetchOne("PRAGMA foreign_keys") { $0.int(0) != 0 } ?? false
            if foreignKeys { try connection.execute("PRAGMA foreign_keys = OFF") }
            defer { if foreignKeys { try? connection.execute("PRAGMA foreign_keys = ON") } }
            try connection.transaction(.immediate) {
                try migration.migrate(connection)
                try connection.execute("INSERT INTO \(Self.table) (identifier) VALUES (?)", [migration.identifier])
                if foreignKeys,
                    let violation = try connection.fetchOne("PRAGMA foreign_key_check", [], { $0.string(0) ?? "" })
                {
                    throw SQLiteError(
                        extendedCode: 787,
                        reason: "migration \(migration.identifier): foreign key violation in \(violation)"
                    )
                }
            }
        }
    }
}
