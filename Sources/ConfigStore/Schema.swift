import ApplianceConfig
import FoundationEssentials
import GRDB

/// A revision row as stored: its record, how to read its content, and where that content is.
struct StoredRevision {
    var info: RevisionInfo
    var encoding: String
    /// ``StoredContent/contentHash`` of the content.
    var contentHash: String
    /// The ids of the content's chunks, in order.
    var manifest: [Int64]
}

/// Tables of the store and the SQL that reads and writes them. Everything here runs inside a
/// transaction opened by ``RevisionStore``.
///
/// Version 2 layout: a revision row holds its record (number, date, user, method, comment, rollback
/// flag, base, change lines), the encoding and hash of its content, a manifest (the ids of its
/// chunks) and a checksum over all of these. Content lives in `chunk` rows, one per distinct chunk
/// (content-defined, about 8 KiB), shared by every revision that holds the same bytes; a chunk no kept
/// revision uses is deleted when revisions are pruned.
enum Schema {
    static func migrator(keys: KeySealer) -> DatabaseMigrator {
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
        migrator.registerMigration("v2") { db in try migrateToChunks(db, keys: keys) }
        return migrator
    }

    /// Version 1 kept each revision's whole content in its row, its checksum over the content only.
    /// Every revision is checked against its old checksum, its keys sealed (when a sealer is given),
    /// cut into shared chunks and given a checksum over its record too. Damage aborts the migration:
    /// the store is left as it was.
    private static func migrateToChunks(_ db: Database, keys: KeySealer) throws {
        try db.execute(
            sql: """
                CREATE TABLE chunk (
                    id INTEGER PRIMARY KEY,
                    hash BLOB NOT NULL UNIQUE,
                    bytes BLOB NOT NULL
                );
                CREATE TABLE revision_v2 (
                    number INTEGER PRIMARY KEY,
                    date REAL NOT NULL,
                    user TEXT NOT NULL,
                    method TEXT NOT NULL,
                    comment TEXT NOT NULL,
                    rollbackPoint INTEGER NOT NULL,
                    baseRevision INTEGER,
                    changes TEXT NOT NULL,
                    encoding TEXT NOT NULL,
                    contentHash TEXT NOT NULL,
                    checksum TEXT NOT NULL,
                    manifest BLOB NOT NULL
                );
                """
        )
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT number, date, user, method, comment, rollbackPoint, baseRevision, changes, checksum,
                       encoding, content
                FROM revision ORDER BY number
                """
        )
        var lastGood: Int?
        while let row = try rows.next() {
            let number: Int = row["number"]
            let bytes = [UInt8]((row["content"] as Data?) ?? Data())
            let encoding: String = row["encoding"] ?? ""
            guard StoredContent.knownEncodings.contains(encoding), SHA256.hex(of: bytes) == row["checksum"] else {
                throw StoreError.damaged(revision: number, lastGood: lastGood, reason: "checksum mismatch (version 1)")
            }
            var content = StoredContent(encoding: encoding, bytes: bytes)
            if keys.sealer != nil {
                do {
                    content = try StoredContent(encoding: try content.decode(keys: keys), keys: keys)
                } catch let error as StoreError where error.code == .secretUnavailable {
                    throw error
                } catch {
                    throw StoreError.damaged(revision: number, lastGood: lastGood, reason: "undecodable: \(error)")
                }
            }
            guard let method = CommitMethod(rawValue: row["method"]) else {
                throw StoreError.damaged(revision: number, lastGood: lastGood, reason: "unknown method")
            }
            let info = RevisionInfo(
                number: number,
                date: Date(timeIntervalSinceReferenceDate: row["date"]),
                user: row["user"],
                method: method,
                comment: row["comment"],
                rollbackPoint: row["rollbackPoint"],
                baseRevision: row["baseRevision"],
                changes: ChangeLines.split(row["changes"]),
                checksum: ""
            )
            try insert(db, info: info, content: content, into: "revision_v2")
            lastGood = number
        }
        try db.execute(
            sql: """
                DROP TABLE revision;
                ALTER TABLE revision_v2 RENAME TO revision;
                CREATE INDEX revision_rollbackPoint ON revision(rollbackPoint, number);
                """
        )
    }

    // MARK: Records

    /// The checksum of a revision: SHA-256 over every field of its record, its encoding and its
    /// content hash, each length-prefixed — a flipped byte anywhere in the row is detected.
    static func checksum(_ info: RevisionInfo, encoding: String, contentHash: String) -> String {
        checksum(info, changes: ChangeLines.join(info.changes), encoding: encoding, contentHash: contentHash)
    }

    /// `changes` is the stored text of the change lines (``ChangeLines/join(_:)``), checked as stored.
    static func checksum(_ info: RevisionInfo, changes: String, encoding: String, contentHash: String) -> String {
        var bytes = Array("esa revision v2".utf8)
        func field(_ text: String) {
            let utf8 = Array(text.utf8)
            var count = UInt64(utf8.count).littleEndian
            withUnsafeBytes(of: &count) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }
        field(String(info.number))
        field(String(info.date.timeIntervalSinceReferenceDate.bitPattern))
        field(info.user)
        field(info.method.rawValue)
        field(info.comment)
        field(info.rollbackPoint ? "1" : "0")
        field(info.baseRevision.map(String.init) ?? "-")
        field(changes)
        field(encoding)
        field(contentHash)
        return SHA256.hex(of: bytes)
    }

    private static let columns =
        "number, date, user, method, comment, rollbackPoint, baseRevision, changes, encoding, contentHash, checksum"

    /// A row's record, verified against its checksum (`.damaged` naming the revision, `lastGood` unset).
    private static func revision(_ row: Row, manifest: Bool) throws -> StoredRevision {
        let number: Int = row["number"]
        func damaged(_ reason: String) -> StoreError {
            StoreError.damaged(revision: number, lastGood: nil, reason: reason)
        }
        guard let methodName = row["method"] as String?, let method = CommitMethod(rawValue: methodName),
            let date = row["date"] as Double?, let user = row["user"] as String?,
            let comment = row["comment"] as String?, let rollbackPoint = row["rollbackPoint"] as Bool?,
            let changes = row["changes"] as String?, let encoding = row["encoding"] as String?,
            let contentHash = row["contentHash"] as String?, let checksum = row["checksum"] as String?
        else { throw damaged("unreadable record") }
        let info = RevisionInfo(
            number: number,
            date: Date(timeIntervalSinceReferenceDate: date),
            user: user,
            method: method,
            comment: comment,
            rollbackPoint: rollbackPoint,
            baseRevision: row["baseRevision"],
            changes: ChangeLines.split(changes),
            checksum: checksum
        )
        guard Self.checksum(info, changes: changes, encoding: encoding, contentHash: contentHash) == checksum else {
            throw damaged("record checksum mismatch")
        }
        var ids: [Int64] = []
        if manifest {
            guard let data = row["manifest"] as Data?, data.count % 8 == 0 else { throw damaged("unreadable manifest") }
            ids = decodeManifest(data)
        }
        return StoredRevision(info: info, encoding: encoding, contentHash: contentHash, manifest: ids)
    }

    /// Fetches records with `sql` (a SELECT of ``columns`` …), verified; damage names the newest intact
    /// revision older than the damaged one as the last good one.
    private static func fetch(
        _ db: Database,
        _ sql: String,
        _ arguments: StatementArguments = [],
        manifest: Bool = false
    ) throws -> [StoredRevision] {
        let select = "SELECT \(columns)\(manifest ? ", manifest" : "") FROM revision \(sql)"
        return try Row.fetchAll(db, sql: select, arguments: arguments).map { row in
            do {
                return try revision(row, manifest: manifest)
            } catch let error as StoreError {
                guard let damage = error.code.damage else { throw error }
                throw StoreError.damaged(
                    revision: damage.revision,
                    lastGood: try lastIntact(db, before: damage.revision),
                    reason: error.debugDescription
                )
            }
        }
    }

    /// The newest revision older than `number` whose record verifies.
    static func lastIntact(_ db: Database, before number: Int) throws -> Int? {
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT \(columns) FROM revision WHERE number < ? ORDER BY number DESC",
            arguments: [number]
        )
        while let row = try rows.next() {
            if let intact = try? revision(row, manifest: false) { return intact.info.number }
        }
        return nil
    }

    static func head(_ db: Database) throws -> StoredRevision? {
        try fetch(db, "ORDER BY number DESC LIMIT 1", manifest: true).first
    }

    static func revision(_ db: Database, number: Int) throws -> StoredRevision? {
        try fetch(db, "WHERE number = ?", [number], manifest: true).first
    }

    static func info(_ db: Database, number: Int) throws -> RevisionInfo? {
        try fetch(db, "WHERE number = ?", [number]).first?.info
    }

    /// The newest kept revision older than `number`.
    static func info(_ db: Database, before number: Int) throws -> RevisionInfo? {
        try fetch(db, "WHERE number < ? ORDER BY number DESC LIMIT 1", [number]).first?.info
    }

    /// The newest kept revision older than `number`, with its manifest.
    static func revision(_ db: Database, before number: Int) throws -> StoredRevision? {
        try fetch(db, "WHERE number < ? ORDER BY number DESC LIMIT 1", [number], manifest: true).first
    }

    static func history(_ db: Database, limit: Int, rollbackPointsOnly: Bool) throws -> [RevisionInfo] {
        let filter = rollbackPointsOnly ? "WHERE rollbackPoint = 1" : ""
        return try fetch(db, "\(filter) ORDER BY number DESC LIMIT ?", [max(0, limit)]).map(\.info)
    }

    // MARK: Content

    static func encodeManifest(_ ids: [Int64]) -> Data {
        var data = Data(capacity: ids.count * 8)
        for id in ids {
            var little = id.littleEndian
            withUnsafeBytes(of: &little) { data.append(contentsOf: $0) }
        }
        return data
    }

    static func decodeManifest(_ data: Data) -> [Int64] {
        var ids: [Int64] = []
        ids.reserveCapacity(data.count / 8)
        data.withUnsafeBytes { raw in
            for offset in stride(from: 0, to: raw.count, by: 8) {
                ids.append(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
            }
        }
        return ids
    }

    /// The content of a revision, every chunk checked against its hash and the chunk list against the
    /// content hash. `verified` holds chunks already checked by this call's caller (full verification
    /// checks each shared chunk once).
    static func content(
        _ db: Database,
        _ revision: StoredRevision,
        verified: inout Set<Int64>
    ) throws -> StoredContent {
        let number = revision.info.number
        func damaged(_ reason: String) -> StoreError {
            StoreError.damaged(revision: number, lastGood: nil, reason: reason)
        }
        guard StoredContent.knownEncodings.contains(revision.encoding) else { throw damaged("unknown encoding") }
        let statement = try db.cachedStatement(sql: "SELECT hash, bytes FROM chunk WHERE id = ?")
        var bytes: [UInt8] = []
        var hashes: [[UInt8]] = []
        var ranges: [Range<Int>] = []
        for id in revision.manifest {
            guard let row = try Row.fetchOne(statement, arguments: [id]),
                let hash = (row["hash"] as Data?).map({ [UInt8]($0) }), let chunk = row["bytes"] as Data?
            else { throw damaged("missing chunk \(id)") }
            let start = bytes.count
            bytes.append(contentsOf: chunk)
            if !verified.contains(id) {
                guard SHA256.digest(Array(bytes[start...])) == hash else {
                    throw damaged("chunk \(id) checksum mismatch")
                }
                verified.insert(id)
            }
            hashes.append(hash)
            ranges.append(start..<bytes.count)
        }
        guard StoredContent.contentHash(chunkHashes: hashes) == revision.contentHash else {
            throw damaged("content checksum mismatch")
        }
        return StoredContent(
            encoding: revision.encoding,
            bytes: bytes,
            chunks: zip(hashes, ranges).map { StoredContent.Chunk(hash: $0, bytes: bytes[$1]) },
            contentHash: revision.contentHash
        )
    }

    /// The bytes of a revision's first chunk (nil for empty content), checked against its hash, with
    /// the chunk list checked against the content hash; the other chunks' bytes are not read.
    static func firstChunk(_ db: Database, _ revision: StoredRevision) throws -> [UInt8]? {
        let number = revision.info.number
        func damaged(_ reason: String) -> StoreError {
            StoreError.damaged(revision: number, lastGood: nil, reason: reason)
        }
        guard StoredContent.knownEncodings.contains(revision.encoding) else { throw damaged("unknown encoding") }
        let statement = try db.cachedStatement(sql: "SELECT hash FROM chunk WHERE id = ?")
        var hashes: [[UInt8]] = []
        for id in revision.manifest {
            guard let hash = try Data.fetchOne(statement, arguments: [id]) else { throw damaged("missing chunk \(id)") }
            hashes.append([UInt8](hash))
        }
        guard StoredContent.contentHash(chunkHashes: hashes) == revision.contentHash else {
            throw damaged("content checksum mismatch")
        }
        guard let id = revision.manifest.first else { return nil }
        guard let bytes = try Data.fetchOne(db, sql: "SELECT bytes FROM chunk WHERE id = ?", arguments: [id]) else {
            throw damaged("missing chunk \(id)")
        }
        guard SHA256.digest([UInt8](bytes)) == hashes[0] else { throw damaged("chunk \(id) checksum mismatch") }
        return [UInt8](bytes)
    }

    /// Stores the chunks of `content` that are not stored yet and returns the manifest. A chunk already
    /// stored is compared byte for byte: the commit checks everything the new revision will use, and
    /// a damaged copy is rewritten with the bytes its hash proves right.
    static func storeChunks(_ db: Database, _ content: StoredContent) throws -> [Int64] {
        let find = try db.cachedStatement(sql: "SELECT id, bytes FROM chunk WHERE hash = ?")
        let add = try db.cachedStatement(sql: "INSERT INTO chunk (hash, bytes) VALUES (?, ?)")
        let repair = try db.cachedStatement(sql: "UPDATE chunk SET bytes = ? WHERE id = ?")
        var ids: [Int64] = []
        ids.reserveCapacity(content.chunks.count)
        for chunk in content.chunks {
            let hash = Data(chunk.hash)
            if let row = try Row.fetchOne(find, arguments: [hash]) {
                let id: Int64 = row["id"]
                if (row["bytes"] as Data?).map({ $0.elementsEqual(chunk.bytes) }) != true {
                    try repair.execute(arguments: [Data(chunk.bytes), id])
                }
                ids.append(id)
            } else {
                try add.execute(arguments: [hash, Data(chunk.bytes)])
                ids.append(db.lastInsertedRowID)
            }
        }
        return ids
    }

    /// Inserts a revision (its chunks first); returns its record with the checksum set.
    @discardableResult
    static func insert(
        _ db: Database,
        info: RevisionInfo,
        content: StoredContent,
        into table: String = "revision"
    ) throws -> RevisionInfo {
        let manifest = try storeChunks(db, content)
        var info = info
        let changes = ChangeLines.join(info.changes)
        info.checksum = checksum(info, changes: changes, encoding: content.encoding, contentHash: content.contentHash)
        try db.execute(
            sql: """
                INSERT INTO \(table)
                    (number, date, user, method, comment, rollbackPoint, baseRevision, changes, encoding,
                     contentHash, checksum, manifest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                info.number, info.date.timeIntervalSinceReferenceDate, info.user, info.method.rawValue,
                info.comment, info.rollbackPoint, info.baseRevision, changes,
                content.encoding, content.contentHash, info.checksum, encodeManifest(manifest),
            ]
        )
        return info
    }

    /// Keeps the newest `keep` revisions, the newest `rollbackPoints` rollback points and revision 1,
    /// then deletes the chunks no kept revision uses.
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
        guard db.changesCount > 0 else { return }
        var used = Set<Int64>()
        let manifests = try Data.fetchCursor(db, sql: "SELECT manifest FROM revision")
        while let manifest = try manifests.next() { used.formUnion(decodeManifest(manifest)) }
        let delete = try db.cachedStatement(sql: "DELETE FROM chunk WHERE id = ?")
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM chunk") where !used.contains(id) {
            try delete.execute(arguments: [id])
        }
    }

    // MARK: Confirmation

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

    // MARK: Verification

    /// Checks every kept revision: its record and every chunk of its content (each shared chunk once).
    /// Throws `.damaged` naming the oldest damaged revision and the newest intact one older than it;
    /// returns the number of revisions checked.
    static func verifyAll(_ db: Database) throws -> Int {
        let numbers = try Int.fetchAll(db, sql: "SELECT number FROM revision ORDER BY number")
        var verified = Set<Int64>()
        var lastGood: Int?
        for number in numbers {
            do {
                guard let stored = try fetch(db, "WHERE number = ?", [number], manifest: true).first else { continue }
                _ = try content(db, stored, verified: &verified)
            } catch let error as StoreError where error.code.damage != nil {
                throw StoreError.damaged(revision: number, lastGood: lastGood, reason: error.debugDescription)
            }
            lastGood = number
        }
        return numbers.count
    }
}
