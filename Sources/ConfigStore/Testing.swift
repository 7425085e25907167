import FoundationEssentials
import GRDB

/// Raw access for tests that damage a store on purpose (corrupt a blob, a checksum). Not for
/// production code: it bypasses every check of ``RevisionStore``.
enum RawStoreAccess {
    /// Runs `sql` on the store file in one transaction and returns the number of changed rows.
    @discardableResult
    static func execute(path: String, sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: path)
        return try queue.write { db in
            try db.execute(sql: sql)
            return db.changesCount
        }
    }

    /// The chunk ids of a revision's content, in order.
    static func manifest(path: String, revision: Int) throws -> [Int] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            let data = try Data.fetchOne(
                db,
                sql: "SELECT manifest FROM revision WHERE number = ?",
                arguments: [revision]
            )
            return Schema.decodeManifest(data ?? Data()).map { Int($0) }
        }
    }

    /// The integers of the first column of `sql`.
    static func integers(path: String, sql: String) throws -> [Int] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in try Int.fetchAll(db, sql: sql) }
    }
}

/// Holds the store's write lock, as another process in the middle of a commit does, until
/// ``release()``. For tests of what must not wait for writers.
final class WriteLockHolder {
    private let queue: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.inDatabase { db in try db.execute(sql: "BEGIN IMMEDIATE") }
    }

    func release() throws {
        try queue.inDatabase { db in try db.execute(sql: "ROLLBACK") }
    }
}
