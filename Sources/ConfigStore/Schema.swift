import ApplianceConfig
import Foundation
import GRDB

/// Tables of the store and the SQL that reads and writes them. Everything here runs inside a
/// transaction opened by ``RevisionStore``.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // `content` is the last column so that metadata queries never read its overflow pages.
            try db.execute(
                sql: """
                    CREATE TABLE revision (
                        number INTEGER PRIMARY KEY,
                        date REAL NOT NULL,
                        user TEXT NOT NULL,
                        method TEXT NOT NULL,
                        comment TEXT NOT NULL,
                        rollbackPoint INTEGER NOT NULL,
                        baseRevision INTEGER,
                        changes TEXT NOT NULL,
                        checksum TEXT NOT NULL,
                        encoding TEXT NOT NULL,
                        content BLOB NOT NULL
                    );
                    CREATE INDEX revision_rollbackPoint ON revision(rollbackPoint, number);
                    CREATE TABLE confirmation (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        revision INTEGER NOT NULL,
                        deadline REAL NOT NULL
                    );
                    """
            )
        }
        return migrator
    }

    private static let infoColumns =
        "number, date, user, method, comment, rollbackPoint, baseRevision, changes, checksum"

    static func info(_ row: Row) throws -> RevisionInfo {
        let number: Int = row["number"]
        let methodName: String = row["method"]
        guard let method = CommitMethod(rawValue: methodName) else {
            throw StoreError.damaged(revision: number, lastGood: nil, reason: "unknown method \(methodName)")
        }
        return RevisionInfo(
            number: number,
            date: Date(timeIntervalSinceReferenceDate: row["date"]),
            user: row["user"],
            method: method,
            comment: row["comment"],
            rollbackPoint: row["rollbackPoint"],
            baseRevision: row["baseRevision"],
            changes: ChangeLines.split(row["changes"]),
            checksum: row["checksum"]
        )
    }

    static func head(_ db: Database) throws -> RevisionInfo? {
        try Row.fetchOne(db, sql: "SELECT \(infoColumns) FROM revision ORDER BY number DESC LIMIT 1").map(info)
    }

    static func info(_ db: Database, number: Int) throws -> RevisionInfo? {
        try Row.fetchOne(db, sql: "SELECT \(infoColumns) FROM revision WHERE number = ?", arguments: [number]).map(info)
    }

    /// The newest kept revision older than `number`.
    static func info(_ db: Database, before number: Int) throws -> RevisionInfo? {
        try Row.fetchOne(
            db,
            sql: "SELECT \(infoColumns) FROM revision WHERE number < ? ORDER BY number DESC LIMIT 1",
            arguments: [number]
        ).map(info)
    }

    static func history(_ db: Database, limit: Int, rollbackPointsOnly: Bool) throws -> [RevisionInfo] {
        let filter = rollbackPointsOnly ? "WHERE rollbackPoint = 1" : ""
        return try Row.fetchAll(
            db,
            sql: "SELECT \(infoColumns) FROM revision \(filter) ORDER BY number DESC LIMIT ?",
            arguments: [max(0, limit)]
        ).map(info)
    }

    /// The stored bytes of a revision, checked against its checksum.
    static func content(_ db: Database, number: Int, checksum: String) throws -> StoredContent {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT encoding, content FROM revision WHERE number = ?",
                arguments: [number]
            )
        else { throw StoreError.noSuchRevision(number) }
        guard let encoding = row["encoding"] as String?, StoredContent.knownEncodings.contains(encoding),
            let bytes = row["content"] as Data?
        else {
            throw StoreError.damaged(revision: number, lastGood: nil, reason: "unreadable content")
        }
        let content = StoredContent(encoding: encoding, bytes: bytes)
        guard content.checksum == checksum else {
            throw StoreError.damaged(revision: number, lastGood: nil, reason: "checksum mismatch")
        }
        return content
    }

    static func insert(_ db: Database, info: RevisionInfo, content: StoredContent) throws {
        try db.execute(
            sql: """
                INSERT INTO revision
                    (number, date, user, method, comment, rollbackPoint, baseRevision, changes, checksum,
                     encoding, content)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                info.number, info.date.timeIntervalSinceReferenceDate, info.user, info.method.rawValue,
                info.comment, info.rollbackPoint, info.baseRevision, ChangeLines.join(info.changes),
                content.checksum, content.encoding, content.bytes,
            ]
        )
    }

    /// Keeps the newest `keep` revisions, the newest `rollbackPoints` rollback points and revision 1.
    static func prune(_ db: Database, head: Int, keep: Int, rollbackPoints: Int) throws {
        try db.execute(
            sql: """
                DELETE FROM revision
                WHERE number <= ? AND number <> 1
                  AND number NOT IN
                      (SELECT number FROM revision WHERE rollbackPoint = 1 ORDER BY number DESC LIMIT ?)
                """,
            arguments: [head - keep, rollbackPoints]
        )
    }

    static func pendingConfirmation(_ db: Database) throws -> (revision: Int, deadline: Date)? {
        try Row.fetchOne(db, sql: "SELECT revision, deadline FROM confirmation WHERE id = 1").map {
            (revision: $0["revision"], deadline: Date(timeIntervalSinceReferenceDate: $0["deadline"]))
        }
    }

    static func setPendingConfirmation(_ db: Database, revision: Int, deadline: Date) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO confirmation (id, revision, deadline) VALUES (1, ?, ?)",
            arguments: [revision, deadline.timeIntervalSinceReferenceDate]
        )
    }

    static func clearPendingConfirmation(_ db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM confirmation WHERE id = 1")
        return db.changesCount > 0
    }

    /// Checks every kept revision's checksum; throws `.damaged` naming the oldest damaged revision and
    /// the newest intact one older than it.
    static func verify(_ db: Database) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT number, checksum, encoding, content FROM revision ORDER BY number"
        )
        var lastGood: Int?
        while let row = try rows.next() {
            let number: Int = row["number"]
            let checksum: String? = row["checksum"]
            let encoding: String? = row["encoding"]
            let bytes = row["content"] as Data?
            var problem: String?
            if !StoredContent.knownEncodings.contains(encoding ?? "") {
                problem = "unknown content encoding"
            } else if let bytes, let checksum {
                if StoredContent.checksum(of: bytes) != checksum { problem = "checksum mismatch" }
            } else {
                problem = "missing content or checksum"
            }
            if let problem {
                throw StoreError.damaged(revision: number, lastGood: lastGood, reason: problem)
            }
            lastGood = number
        }
    }
}
