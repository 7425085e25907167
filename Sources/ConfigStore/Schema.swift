import ApplianceConfig
import FoundationEssentials
import SQLite

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
/// flag, base, changes), the encoding and hash of its content, a manifest (the ids of its
/// chunks) and a checksum over all of these. Content lives in `chunk` rows, one per distinct chunk
/// (content-defined, about 8 KiB), shared by every revision that holds the same bytes; a chunk no kept
/// revision uses is deleted when revisions are pruned.
enum Schema {
    /// The migrations, by the identifiers GRDB recorded them under in every existing store.
    static func migrator(keys: KeySealer) -> Migrator {
        var migrator = Migrator()
        migrator.register("v1") { db in
            // `content` is the last column so that metadata queries never read its overflow pages.
            try db.execute(
                """
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
        migrator.register("v2") { db in try migrateToChunks(db, keys: keys) }
        return migrator
    }

    /// Version 1 kept each revision's whole content in its row, its checksum over the content only.
    /// Every revision is checked against its old checksum, its keys sealed (when a sealer is given),
    /// cut into shared chunks and given a checksum over its record too. Damage aborts the migration:
    /// the store is left as it was.
    private static func migrateToChunks(_ db: Connection, keys: KeySealer) throws {
        try db.execute(
            """
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
        var lastGood: Int?
        try db.forEachRow(
            """
            SELECT number, date, user, method, comment, rollbackPoint, baseRevision, changes, checksum,
                   encoding, content
            FROM revision ORDER BY number
            """
        ) { row in
            let number = row.int(0)
            let bytes = row.blob(10) ?? []
            let encoding = row.string(9) ?? ""
            guard StoredContent.knownEncodings.contains(encoding), SHA256.hex(of: bytes) == row.string(8) else {
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
            guard let method = row.string(3).flatMap(CommitMethod.init(rawValue:)), let user = row.string(2),
                let comment = row.string(4), let changes = row.string(7)
            else {
                throw StoreError.damaged(revision: number, lastGood: lastGood, reason: "unknown method")
            }
            let info = RevisionInfo(
                number: number,
                date: Date(timeIntervalSinceReferenceDate: row.double(1)),
                user: user,
                method: method,
                comment: comment,
                rollbackPoint: row.int64(5) != 0,
                baseRevision: row.isNull(6) ? nil : row.int(6),
                changes: RecordedChanges(stored: changes),
                checksum: ""
            )
            try insert(db, info: info, content: content, into: "revision_v2")
            lastGood = number
        }
        try db.execute(
            """
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
        checksum(
            info,
            changes: info.changes.stored,
            encoding: encoding,
            contentHash: contentHash
        )
    }

    /// `changes` is the stored text of the change lines (``ChangeLines/join(_:)``), checked as stored.
    static func checksum(_ info: RevisionInfo, changes: String, encoding: String, contentHash: String) -> String {
        let fields = [
            String(info.number), String(info.date.timeIntervalSinceReferenceDate.bitPattern), info.user,
            info.method.rawValue, info.comment, info.rollbackPoint ? "1" : "0",
            info.baseRevision.map(String.init) ?? "-", changes, encoding, contentHash,
        ]
        // Hashed field by field: the change lines of a 10,000-object commit are megabytes, and copying
        // them into one buffer with the other fields was, with SQLite's own copy, the peak of such a
        // commit.
        return SHA256.hex { update in
            var magic = "esa revision v2"
            magic.withUTF8 { update(UnsafeRawBufferPointer($0)) }
            for var text in fields {
                withUnsafeBytes(of: UInt64(text.utf8.count).littleEndian) { update($0) }
                text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
            }
        }
    }

    private static let columns =
        "number, date, user, method, comment, rollbackPoint, baseRevision, changes, encoding, contentHash, checksum"

    /// A row of ``columns`` (and `manifest`) as read, before verification; NULLs are nil.
    private struct Record {
        var number: Int
        var date: Double?
        var user: String?
        var method: String?
        var comment: String?
        var rollbackPoint: Bool?
        var baseRevision: Int?
        var changes: String?
        var encoding: String?
        var contentHash: String?
        var checksum: String?
        var manifest: [UInt8]?

        init(_ row: Statement, manifest: Bool) {
            number = row.int(0)
            date = row.isNull(1) ? nil : row.double(1)
            user = row.string(2)
            method = row.string(3)
            comment = row.string(4)
            rollbackPoint = row.isNull(5) ? nil : row.int64(5) != 0
            baseRevision = row.isNull(6) ? nil : row.int(6)
            changes = row.string(7)
            encoding = row.string(8)
            contentHash = row.string(9)
            checksum = row.string(10)
            self.manifest = manifest ? row.blob(11) : nil
        }
    }

    /// A row's record, verified against its checksum (`.damaged` naming the revision, `lastGood` unset).
    private static func revision(_ row: Record, manifest: Bool) throws -> StoredRevision {
        let number = row.number
        func damaged(_ reason: String) -> StoreError {
            StoreError.damaged(revision: number, lastGood: nil, reason: reason)
        }
        guard let methodName = row.method, let method = CommitMethod(rawValue: methodName),
            let date = row.date, let user = row.user, let comment = row.comment,
            let rollbackPoint = row.rollbackPoint, let changes = row.changes, let encoding = row.encoding,
            let contentHash = row.contentHash, let checksum = row.checksum
        else { throw damaged("unreadable record") }
        let info = RevisionInfo(
            number: number,
            date: Date(timeIntervalSinceReferenceDate: date),
            user: user,
            method: method,
            comment: comment,
            rollbackPoint: rollbackPoint,
            baseRevision: row.baseRevision,
            changes: RecordedChanges(stored: changes),
            checksum: checksum
        )
        guard Self.checksum(info, changes: changes, encoding: encoding, contentHash: contentHash) == checksum else {
            throw damaged("record checksum mismatch")
        }
        var ids: [Int64] = []
        if manifest {
            guard let bytes = row.manifest, bytes.count % 8 == 0 else { throw damaged("unreadable manifest") }
            ids = decodeManifest(bytes)
        }
        return StoredRevision(info: info, encoding: encoding, contentHash: contentHash, manifest: ids)
    }

    /// Fetches records with `sql` (a SELECT of ``columns`` …), verified; damage names the newest intact
    /// revision older than the damaged one as the last good one.
    private static func fetch(
        _ db: Connection,
        _ sql: String,
        _ arguments: [any SQLiteBindable] = [],
        manifest: Bool = false
    ) throws -> [StoredRevision] {
        let select = "SELECT \(columns)\(manifest ? ", manifest" : "") FROM revision \(sql)"
        return try db.fetchAll(select, arguments) { Record($0, manifest: manifest) }.map { row in
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
    static func lastIntact(_ db: Connection, before number: Int) throws -> Int? {
        var intact: Int?
        try db.forEachRow("SELECT \(columns) FROM revision WHERE number < ? ORDER BY number DESC", [number]) { row in
            guard intact == nil else { return }
            if let record = try? revision(Record(row, manifest: false), manifest: false) { intact = record.info.number }
        }
        return intact
    }

    static func head(_ db: Connection) throws -> StoredRevision? {
        try fetch(db, "ORDER BY number DESC LIMIT 1", manifest: true).first
    }

    /// The head's number (0 for an empty store): one indexed lookup, nothing verified.
    /// The automatic reverts stored after revision `number`, oldest first: each one's number and the
    /// revision it reverted (its base; the one before it in records that lack it).
    static func automaticReverts(_ db: Connection, after number: Int) throws -> [(revert: Int, reverted: Int)] {
        try db.fetchAll(
            "SELECT number, baseRevision FROM revision WHERE number > ? AND method = ? ORDER BY number",
            [number, CommitMethod.autoRevert.rawValue]
        ) { row in (row.int(0), row.isNull(1) ? row.int(0) - 1 : row.int(1)) }
    }

    static func headNumber(_ db: Connection) throws -> Int {
        try db.fetchOne("SELECT MAX(number) FROM revision") { $0.isNull(0) ? 0 : $0.int(0) } ?? 0
    }

    static func revision(_ db: Connection, number: Int) throws -> StoredRevision? {
        try fetch(db, "WHERE number = ?", [number], manifest: true).first
    }

    static func info(_ db: Connection, number: Int) throws -> RevisionInfo? {
        try fetch(db, "WHERE number = ?", [number]).first?.info
    }

    /// The newest kept revision older than `number`.
    static func info(_ db: Connection, before number: Int) throws -> RevisionInfo? {
        try fetch(db, "WHERE number < ? ORDER BY number DESC LIMIT 1", [number]).first?.info
    }

    /// The newest kept revision older than `number`, with its manifest.
    static func revision(_ db: Connection, before number: Int) throws -> StoredRevision? {
        try fetch(db, "WHERE number < ? ORDER BY number DESC LIMIT 1", [number], manifest: true).first
    }

    static func history(_ db: Connection, limit: Int, rollbackPointsOnly: Bool) throws -> [RevisionInfo] {
        let filter = rollbackPointsOnly ? "WHERE rollbackPoint = 1" : ""
        return try fetch(db, "\(filter) ORDER BY number DESC LIMIT ?", [max(0, limit)]).map(\.info)
    }

    // MARK: Content

    /// A manifest as stored: each chunk id as 8 little-endian bytes.
    static func encodeManifest(_ ids: [Int64]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 8)
        for id in ids {
            withUnsafeBytes(of: id.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    static func decodeManifest(_ bytes: [UInt8]) -> [Int64] {
        bytes.withUnsafeBytes { decodeManifest($0) }
    }

    static func decodeManifest(_ raw: UnsafeRawBufferPointer) -> [Int64] {
        var ids: [Int64] = []
        ids.reserveCapacity(raw.count / 8)
        for offset in stride(from: 0, to: raw.count - raw.count % 8, by: 8) {
            ids.append(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
        }
        return ids
    }

    /// The content of a revision, every chunk checked against its hash and the chunk list against the
    /// content hash. `verified` holds chunks already checked by this call's caller (full verification
    /// checks each shared chunk once).
    static func content(
        _ db: Connection,
        _ revision: StoredRevision,
        verified: inout Set<Int64>
    ) throws -> StoredContent {
        let number = revision.info.number
        func damaged(_ reason: String) -> StoreError {
            StoreError.damaged(revision: number, lastGood: nil, reason: reason)
        }
        guard StoredContent.knownEncodings.contains(revision.encoding) else { throw damaged("unknown encoding") }
        let statement = try db.cachedStatement("SELECT hash, bytes FROM chunk WHERE id = ?")
        defer { statement.reset() }
        var bytes: [UInt8] = []
        var hashes: [[UInt8]] = []
        var ranges: [Range<Int>] = []
        for id in revision.manifest {
            try statement.bind([id])
            guard try statement.step(), let hash = statement.blob(0), !statement.isNull(1) else {
                throw damaged("missing chunk \(id)")
            }
            let start = bytes.count
            statement.withBlob(1) { chunk in
                bytes.append(contentsOf: chunk ?? UnsafeRawBufferPointer(start: nil, count: 0))
            }
            if !verified.contains(id) {
                guard SHA256.digest(bytes[start...]) == hash else {
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
    static func firstChunk(_ db: Connection, _ revision: StoredRevision) throws -> [UInt8]? {
        let number = revision.info.number
        func damaged(_ reason: String) -> StoreError {
            StoreError.damaged(revision: number, lastGood: nil, reason: reason)
        }
        guard StoredContent.knownEncodings.contains(revision.encoding) else { throw damaged("unknown encoding") }
        let hashes = try db.cachedStatement("SELECT hash FROM chunk WHERE id = ?")
        defer { hashes.reset() }
        var list: [[UInt8]] = []
        for id in revision.manifest {
            try hashes.bind([id])
            guard try hashes.step(), let hash = hashes.blob(0) else { throw damaged("missing chunk \(id)") }
            list.append(hash)
        }
        guard StoredContent.contentHash(chunkHashes: list) == revision.contentHash else {
            throw damaged("content checksum mismatch")
        }
        guard let id = revision.manifest.first else { return nil }
        let read = try db.cachedStatement("SELECT bytes FROM chunk WHERE id = ?")
        defer { read.reset() }
        try read.bind([id])
        guard try read.step(), let bytes = read.blob(0) else { throw damaged("missing chunk \(id)") }
        guard SHA256.digest(bytes) == list[0] else { throw damaged("chunk \(id) checksum mismatch") }
        return bytes
    }

    /// The head's number and the host name its first chunk begins with, read as stored: no checksum is
    /// computed (so a run that never reads the configuration needs no SHA-256, nor OpenSSL), the change
    /// lines are not read, and what is returned is only used when it is a plain host name (letters,
    /// digits, `-`, `.`). Nil when it is not (another encoding, empty content, damage): the caller then
    /// reads it checked. The revision is checked in full when its content is first read.
    static func unverifiedHeadHostname(_ db: Connection) throws -> (number: Int, hostname: String)? {
        let head = try db.fetchOne("SELECT number, encoding, manifest FROM revision ORDER BY number DESC LIMIT 1") {
            row in (number: row.int(0), encoding: row.string(1), manifest: row.blob(2))
        }
        guard let head, head.encoding == StoredContent.binary, let manifest = head.manifest, manifest.count >= 8
        else { return nil }
        let id = manifest.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
        let read = try db.cachedStatement("SELECT bytes FROM chunk WHERE id = ?")
        defer { read.reset() }
        try read.bind([id])
        guard try read.step(), let bytes = read.blob(0),
            let hostname = BinaryCodec.leadingString(named: "hostname", in: bytes),
            (1...253).contains(hostname.utf8.count),
            hostname.utf8.allSatisfy({ byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: ".")
            })
        else { return nil }
        return (head.number, hostname)
    }

    /// Stores the chunks of `content` that are not stored yet and returns the manifest. A chunk already
    /// stored is compared byte for byte: the commit checks everything the new revision will use, and
    /// a damaged copy is rewritten with the bytes its hash proves right.
    static func storeChunks(_ db: Connection, _ content: StoredContent) throws -> [Int64] {
        let find = try db.cachedStatement("SELECT id, bytes FROM chunk WHERE hash = ?")
        defer { find.reset() }
        var ids: [Int64] = []
        ids.reserveCapacity(content.chunks.count)
        for chunk in content.chunks {
            try find.bind([chunk.hash])
            if try find.step() {
                let id = find.int64(0)
                let intact = find.withBlob(1) { stored in stored.map { $0.elementsEqual(chunk.bytes) } ?? false }
                find.reset()
                if !intact {
                    try db.execute("UPDATE chunk SET bytes = ? WHERE id = ?", [chunk.bytes, id])
                }
                ids.append(id)
            } else {
                find.reset()
                try db.execute("INSERT INTO chunk (hash, bytes) VALUES (?, ?)", [chunk.hash, chunk.bytes])
                ids.append(db.lastInsertedRowID)
            }
        }
        return ids
    }

    /// Inserts a revision (its chunks first); returns its record with the checksum set.
    @discardableResult
    static func insert(
        _ db: Connection,
        info: RevisionInfo,
        content: StoredContent,
        into table: String = "revision"
    ) throws -> RevisionInfo {
        try insert(
            db,
            info: info,
            manifest: try storeChunks(db, content),
            encoding: content.encoding,
            contentHash: content.contentHash,
            into: table
        )
    }

    /// Inserts a revision whose chunks are stored (``storeChunks(_:_:)`` gave `manifest`); returns its
    /// record with the checksum set.
    @discardableResult
    static func insert(
        _ db: Connection,
        info: RevisionInfo,
        manifest: [Int64],
        encoding: String,
        contentHash: String,
        into table: String = "revision"
    ) throws -> RevisionInfo {
        var info = info
        let changes = info.changes.stored
        info.checksum = checksum(info, changes: changes, encoding: encoding, contentHash: contentHash)
        try db.execute(
            """
            INSERT INTO \(table)
                (number, date, user, method, comment, rollbackPoint, baseRevision, changes, encoding,
                 contentHash, checksum, manifest)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                info.number, info.date.timeIntervalSinceReferenceDate, info.user, info.method.rawValue,
                info.comment, info.rollbackPoint, info.baseRevision, changes,
                encoding, contentHash, info.checksum, encodeManifest(manifest),
            ]
        )
        return info
    }

    /// Keeps the newest `keep` revisions, the newest `rollbackPoints` rollback points and revision 1,
    /// then deletes the chunks no kept revision uses.
    static func prune(_ db: Connection, head: Int, keep: Int, rollbackPoints: Int) throws {
        try db.execute(
            """
            DELETE FROM revision
            WHERE number <= ? AND number <> 1
              AND number NOT IN
                  (SELECT number FROM revision WHERE rollbackPoint = 1 ORDER BY number DESC LIMIT ?)
            """,
            [head - keep, rollbackPoints]
        )
        guard db.changes > 0 else { return }
        var used = Set<Int64>()
        try db.forEachRow("SELECT manifest FROM revision") { row in
            row.withBlob(0) { manifest in
                if let manifest { used.formUnion(decodeManifest(manifest)) }
            }
        }
        for id in try db.fetchAll("SELECT id FROM chunk", [], { $0.int64(0) }) where !used.contains(id) {
            try db.execute("DELETE FROM chunk WHERE id = ?", [id])
        }
    }

    // MARK: Confirmation

    static func pendingConfirmation(_ db: Connection) throws -> (revision: Int, deadline: Date)? {
        try db.fetchOne("SELECT revision, deadline FROM confirmation WHERE id = 1") {
            (revision: $0.int(0), deadline: Date(timeIntervalSinceReferenceDate: $0.double(1)))
        }
    }

    static func setPendingConfirmation(_ db: Connection, revision: Int, deadline: Date) throws {
        try db.execute(
            "INSERT OR REPLACE INTO confirmation (id, revision, deadline) VALUES (1, ?, ?)",
            [revision, deadline.timeIntervalSinceReferenceDate]
        )
    }

    static func clearPendingConfirmation(_ db: Connection) throws -> Bool {
        try db.execute("DELETE FROM confirmation WHERE id = 1")
        return db.changes > 0
    }

    // MARK: Verification

    /// Checks every kept revision: its record and every chunk of its content (each shared chunk once).
    /// Throws `.damaged` naming the oldest damaged revision and the newest intact one older than it;
    /// returns the number of revisions checked.
    static func verifyAll(_ db: Connection) throws -> Int {
        let numbers = try db.fetchAll("SELECT number FROM revision ORDER BY number", [], { $0.int(0) })
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
