import FoundationEssentials
import SQLite

/// Raw access for tests that damage a store on purpose (corrupt a blob, a checksum). Not for
/// production code: it bypasses every check of ``RevisionStore``.
enum RawStoreAccess {
    /// Runs `sql` on the store file in one transaction and returns the number of changed rows.
    @discardableResult
    static func execute(path: String, sql: String) throws -> Int {
        let database = try Database(path: path)
        return try database.write { db in
            try db.execute(sql)
            return db.changes
        }
    }

    /// The chunk ids of a revision's content, in order.
    static func manifest(path: String, revision: Int) throws -> [Int] {
        let database = try Database(path: path)
        return try database.read { db in
            let bytes = try db.fetchOne("SELECT manifest FROM revision WHERE number = ?", [revision]) { $0.blob(0) }
            return Schema.decodeManifest((bytes ?? nil) ?? []).map { Int($0) }
        }
    }

    /// Replaces the bytes of chunk `id` with `transform` of them (its hash left as it was).
    static func rewriteChunk(path: String, id: Int, _ transform: ([UInt8]) -> [UInt8]) throws {
        let database = try Database(path: path)
        try database.write { db in
            let bytes = try db.fetchOne("SELECT bytes FROM chunk WHERE id = ?", [id]) { $0.blob(0) }
            try db.execute("UPDATE chunk SET bytes = ? WHERE id = ?", [transform((bytes ?? nil) ?? []), id])
        }
    }

    /// The integers of the first column of `sql`.
    static func integers(path: String, sql: String) throws -> [Int] {
        let database = try Database(path: path)
        return try database.read { db in try db.fetchAll(sql) { $0.int(0) } }
    }
}

/// Holds the store's write lock, as another process in the middle of a commit does, until
/// ``release()``. For tests of what must not wait for writers.
final class WriteLockHolder {
    private let database: Database

    init(path: String) throws {
        database = try Database(path: path)
        try database.access { db in try db.execute("BEGIN IMMEDIATE") }
    }

    func release() throws {
        try database.access { db in try db.execute("ROLLBACK") }
    }
}
