import ApplianceConfig
import FoundationEssentials
import SQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The committed configuration: numbered revisions in one SQLite file (commit.md §7–§8), the SQLite
/// backend of ``ConfigurationStore``.
///
/// Every write is one `BEGIN IMMEDIATE` transaction in WAL mode with `synchronous=FULL`, so commits
/// from sessions of this process and of other processes on the same file are serialised by SQLite,
/// and a method returns only once its transaction is durable. Reads take no write lock. Several
/// instances (in one or several processes) may open the same file. Content is stored in shared
/// chunks (see ``Schema``), private keys sealed by the injected ``SecretSealing``.
public final class RevisionStore: ConfigurationStore {
    /// Revisions always kept: the newest this many.
    public static let keptRevisions = 100
    /// Rollback points always kept, however old: the newest this many.
    public static let keptRollbackPoints = 10
    /// How long a write waits for another process's transaction before failing with `.busy`.
    static let busyTimeout: TimeInterval = 10

    /// The SQLite file.
    public let path: String
    private let database: Database
    private let clock: @Sendable () -> Date
    private let cache = ContentCache()
    private let keys: KeySealer

    /// Opens or creates the store at `path` (an SQLite file, created 0600).
    ///
    /// A new store gets revision 1 = `factory()` with method `.factory`, user "admin", comment
    /// "Factory configuration", rollback point. It is built under a temporary name and linked into
    /// place complete, so a crash never leaves an empty store behind. When `createIfMissing` is false
    /// (the data directory existed before), a missing or empty file throws `.missing` and nothing is
    /// created. `factory` is called only when the store is created. `sealer` encrypts the private
    /// keys of every revision stored (and of older revisions when an older store is upgraded).
    ///
    /// Only what start-up reads is verified: the head's record and content (``verify()`` checks every
    /// revision); with `verifyHead` false only its record, and its content when it is first read (a run
    /// that may never read the configuration). Damage throws `.damaged` naming the revision and the
    /// last good one before it, and changes nothing. A due confirmed commit is not reverted here; call ``revertIfDue(now:)`` next.
    ///
    /// `readOnly` opens a store in a folder that cannot be written (nothing is created or migrated;
    /// every write fails with `.notWritable`). Without a write-ahead log beside it the file is opened
    /// as immutable, since SQLite cannot otherwise read a WAL database where it cannot create one.
    public init(
        path: String,
        clock: @escaping @Sendable () -> Date,
        createIfMissing: Bool = true,
        readOnly: Bool = false,
        sealer: (any SecretSealing)? = nil,
        verifyHead: Bool = true,
        factory: () throws -> ApplianceConfiguration
    ) throws {
        self.path = path
        self.clock = clock
        keys = KeySealer(sealer)
        if let state = try Self.absence(path) {
            guard createIfMissing, !readOnly else {
                throw StoreError(.missing, path: path, context: state)
            }
            try Self.create(path: path, clock: clock, keys: keys, factory: factory)
        }
        database = try Self.translatingErrors(path: path) {
            guard readOnly else { return try Self.openDatabase(path) }
            // No busy timeout: nothing here writes, and an immutable file takes no locks.
            return try Database(path: Self.readOnlyLocation(path), mode: .readOnly) { db in
                try db.execute("PRAGMA cache_size = \(Self.pageCacheSize)")
            }
        }
        try Self.translatingErrors(path: path) {
            let migrator = Schema.migrator(keys: keys)
            // Read-only checks first: a too new store is left exactly as it is, and a store that needs
            // no migration is never written to (a read-only command takes no write lock).
            let complete = try database.read { db in
                if try migrator.hasBeenSuperseded(db) {
                    throw StoreError(.newerVersion, path: path)
                }
                return try migrator.hasCompletedMigrations(db)
            }
            if !complete && readOnly {
                throw StoreError(.notWritable, path: path, context: .upgrading)
            }
            if !complete {
                do {
                    try database.access { db in try migrator.migrate(db) }
                    // An older store held whole contents and plain keys in pages now free: rewrite the
                    // file without them, and empty the write-ahead log.
                    try database.access { db in
                        try db.execute("VACUUM")
                        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    }
                } catch let error as StoreError {
                    throw error
                } catch {
                    // Another process may have run the same migration at the same moment.
                    guard try database.read({ db in try migrator.hasCompletedMigrations(db) }) else { throw error }
                }
            }
            // Whether there is a head at all: its record is checked when it is read.
            if try database.read({ db in try Schema.headNumber(db) }) == 0 {
                let content = try StoredContent(encoding: try factory(), keys: keys)
                try write { db in
                    guard try Schema.headNumber(db) == 0 else { return }
                    try Schema.insert(db, info: Self.factoryInfo(date: clock()), content: content)
                }
            }
            // Decode the head now: unreadable content is damage, reported before anything changes.
            if verifyHead { _ = try head() }
        }
    }

    private static func factoryInfo(date: Date) -> RevisionInfo {
        RevisionInfo(
            number: 1,
            date: date,
            user: "admin",
            method: .factory,
            comment: "Factory configuration",
            rollbackPoint: true,
            baseRevision: nil,
            changes: [],
            checksum: ""
        )
    }

    // MARK: - Reading

    /// The newest revision and its content.
    public func head() throws -> (info: RevisionInfo, configuration: ApplianceConfiguration) {
        try Self.translatingErrors(path: path) {
            try database.read { db in
                guard let stored = try Schema.head(db) else { throw StoreError.noSuchRevision(1) }
                return (stored.info, try configuration(db, stored))
            }
        }
    }

    /// A kept revision and its content, or nil when it does not exist (never did, or pruned).
    public func revision(_ number: Int) throws -> (info: RevisionInfo, configuration: ApplianceConfiguration)? {
        try Self.translatingErrors(path: path) {
            try database.read { db in
                guard let stored = try Schema.revision(db, number: number) else { return nil }
                return (stored.info, try configuration(db, stored))
            }
        }
    }

    /// The head's number and committed host name without decoding its content (the prompt of a run
    /// that may never read the configuration). Read as stored, without a checksum (issue 13: an idle
    /// session computes no SHA-256 and so never initialises OpenSSL): the head's number and the host
    /// name its first chunk begins with, used when it is a plain host name. The head is checked in full
    /// when its content is first read (``head()``), and damage is reported then. When the stored host
    /// name cannot be used (another encoding, damage), the record is verified, the chunk list against
    /// the content hash, and the first chunk against its own hash; other encodings are decoded whole.
    public func headHostname() throws -> (number: Int, hostname: String) {
        try Self.translatingErrors(path: path) {
            try database.read { db in
                if let unverified = try Schema.unverifiedHeadHostname(db) { return unverified }
                guard let stored = try Schema.head(db) else { throw StoreError.noSuchRevision(1) }
                if let cached = cache.configuration(number: stored.info.number, checksum: stored.info.checksum) {
                    return (stored.info.number, cached.hostname)
                }
                let first: [UInt8]?
                do {
                    first = try Schema.firstChunk(db, stored)
                } catch let error as StoreError where error.code.damage != nil {
                    throw StoreError.damaged(
                        revision: stored.info.number,
                        lastGood: try Schema.lastIntact(db, before: stored.info.number),
                        reason: error.debugDescription
                    )
                }
                if stored.encoding == StoredContent.binary, let first,
                    let hostname = BinaryCodec.leadingString(named: "hostname", in: first)
                {
                    return (stored.info.number, hostname)
                }
                return (stored.info.number, try configuration(db, stored).hostname)
            }
        }
    }

    /// The head's number (not verified: a cheap question asked before every prompt and script line;
    /// what it points at is verified when read). One statement on the open connection, its own read
    /// transaction.
    public func headNumber() throws -> Int {
        try Self.translatingErrors(path: path) {
            try database.access { db in try Schema.headNumber(db) }
        }
    }

    public func automaticReverts(after number: Int) throws -> [(revert: Int, reverted: Int)] {
        try Self.translatingErrors(path: path) {
            try database.access { db in try Schema.automaticReverts(db, after: number) }
        }
    }

    /// The newest `limit` revisions, newest first (each record verified).
    public func history(limit: Int) throws -> [RevisionInfo] {
        try Self.translatingErrors(path: path) {
            try database.read { db in try Schema.history(db, limit: limit, rollbackPointsOnly: false) }
        }
    }

    /// The newest `limit` rollback points (the head included when it is one), newest first.
    public func rollbackPoints(limit: Int) throws -> [RevisionInfo] {
        try Self.translatingErrors(path: path) {
            try database.read { db in try Schema.history(db, limit: limit, rollbackPointsOnly: true) }
        }
    }

    /// Checks every kept revision's record and content, each shared chunk once (start-up checks only
    /// the head). Throws `.damaged` naming the oldest damaged revision and the last good one.
    @discardableResult
    public func verify() throws -> Int {
        try Self.translatingErrors(path: path) {
            try database.read { db in try Schema.verifyAll(db) }
        }
    }

    /// The size of the store on disk, for measurements: the write-ahead log is checkpointed into the
    /// file first (a write), then the file's size is returned.
    public func fileBytes() throws -> Int {
        try Self.translatingErrors(path: path) {
            try database.access { db in try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        var status = stat()
        guard stat(path, &status) == 0 else { return 0 }
        return Int(status.st_size)
    }

    // MARK: - Committing

    /// The allowed range of `commit --confirm {minutes}`.
    public static let confirmationMinutes = 1...60

    public func commit(
        _ candidate: ApplianceConfiguration,
        base: Int,
        baseConfiguration: ApplianceConfiguration?,
        user: String,
        method: CommitMethod,
        comment: String,
        rollbackPoint: Bool,
        confirmMinutes: Int?,
        validate: (ApplianceConfiguration) -> [String]
    ) throws -> CommitOutcome {
        if let confirmMinutes, !Self.confirmationMinutes.contains(confirmMinutes) {
            throw StoreError.invalidConfirmationTime
        }
        var stored: (RevisionInfo, ApplianceConfiguration, StoredContent?)?
        let outcome: CommitOutcome = try Self.translatingErrors(path: path) {
            try write { db in
                let result: ApplianceConfiguration
                let head: StoredRevision
                let headConfiguration: ApplianceConfiguration
                switch try prepare(db, candidate, base: base, baseConfiguration: baseConfiguration, validate: validate)
                {
                case .finished(let outcome): return outcome
                case .ready(let content, let top, let topConfiguration):
                    (result, head, headConfiguration) = (content, top, topConfiguration)
                }
                // The content's chunks are stored first and its encoding let go of before the change
                // text is made and the record inserted (SQLite copies the record, the change text
                // included, once more): a 10,000-destination commit never holds the encoding (1 MB),
                // the text (2.4 MB) and SQLite's copy of it at once. A content taken from the cache (a
                // rollback) is kept; a new one is read back for the cache once the record is stored.
                let cached = cache.content(equalTo: result)
                let manifest: [Int64]
                let encoding: String
                let contentHash: String
                do {
                    let content = try cached ?? StoredContent(encoding: result, keys: keys)
                    manifest = try Schema.storeChunks(db, content)
                    (encoding, contentHash) = (content.encoding, content.contentHash)
                }
                let info = try Schema.insert(
                    db,
                    info: RevisionInfo(
                        number: head.info.number + 1,
                        date: clock(),
                        user: user,
                        method: method,
                        comment: comment,
                        rollbackPoint: rollbackPoint,
                        baseRevision: base,
                        changes: RecordedChanges(from: headConfiguration, to: result),
                        checksum: ""
                    ),
                    manifest: manifest,
                    encoding: encoding,
                    contentHash: contentHash
                )
                if let confirmMinutes {
                    try Schema.setPendingConfirmation(
                        db,
                        revision: info.number,
                        deadline: info.date.addingTimeInterval(TimeInterval(confirmMinutes * 60))
                    )
                }
                try Schema.prune(
                    db,
                    head: info.number,
                    keep: Self.keptRevisions,
                    rollbackPoints: Self.keptRollbackPoints
                )
                // For the cache (a rollback to this revision reuses its stored form), read back after
                // the peak: its chunks were just compared or written, so they are not hashed again.
                // Not being able to read it only leaves it out of the cache.
                var written = Set(manifest)
                let content =
                    cached
                    ?? (try? Schema.content(
                        db,
                        StoredRevision(info: info, encoding: encoding, contentHash: contentHash, manifest: manifest),
                        verified: &written
                    ))
                stored = (info, result, content)
                return .committed(info, result, rebased: base != head.info.number)
            }
        }
        if let (info, configuration, content) = stored {
            cache.insert(number: info.number, checksum: info.checksum, configuration: configuration, content: content)
        }
        return outcome
    }

    /// What a commit of `candidate` (edited from `base`) would do now, storing nothing
    /// (`commit --check`): the same refusal while a confirmation is pending, the same rebase onto the
    /// head, conflicts, validation and comparison as a commit.
    public func check(
        _ candidate: ApplianceConfiguration,
        base: Int,
        baseConfiguration: ApplianceConfiguration?,
        validate: (ApplianceConfiguration) -> [String]
    ) throws -> CommitCheck {
        try Self.translatingErrors(path: path) {
            try database.read { db in
                switch try prepare(db, candidate, base: base, baseConfiguration: baseConfiguration, validate: validate)
                {
                case .finished(.conflict(let other, let conflicts)): .conflict(with: other, conflicts: conflicts)
                case .finished(.invalid(let problems)): .invalid(problems)
                case .finished: .nothingToCommit
                case .ready(let result, let head, _): .ready(result, rebased: base != head.info.number)
                }
            }
        }
    }

    /// A commit up to the point of storing: refused, conflicting, invalid or unchanged (`finished`),
    /// or the content to store over `head`.
    private enum Prepared {
        case finished(CommitOutcome)
        case ready(ApplianceConfiguration, head: StoredRevision, headConfiguration: ApplianceConfiguration)
    }

    /// The rebase uses `baseConfiguration` when given (the session holds its base), so a base pruned
    /// since does not matter; else the kept base revision (`.baseUnavailable` when pruned).
    private func prepare(
        _ db: Connection,
        _ candidate: ApplianceConfiguration,
        base: Int,
        baseConfiguration: ApplianceConfiguration?,
        validate: (ApplianceConfiguration) -> [String]
    ) throws -> Prepared {
        if try Schema.pendingConfirmation(db) != nil { throw StoreError.pendingConfirmation }
        guard let head = try Schema.head(db) else { throw StoreError.noSuchRevision(1) }
        guard base >= 1 && base <= head.info.number else { throw StoreError.noSuchRevision(base) }
        let headConfiguration = try configuration(db, head)
        var result = candidate
        if base != head.info.number {
            let baseContent: ApplianceConfiguration
            if let baseConfiguration {
                baseContent = baseConfiguration
            } else if let baseRevision = try Schema.revision(db, number: base) {
                baseContent = try configuration(db, baseRevision)
            } else {
                throw StoreError.baseUnavailable(base)
            }
            switch candidate.rebased(from: baseContent, onto: headConfiguration) {
            case .success(let merged):
                result = merged
            case .failure(let failure):
                let culprit = try newestRevision(
                    db,
                    touching: failure.conflicts,
                    after: base,
                    head: head,
                    headConfiguration: headConfiguration
                )
                return .finished(.conflict(with: culprit, conflicts: failure.conflicts))
            }
        }
        let errors = validate(result)
        if !errors.isEmpty { return .finished(.invalid(errors)) }
        if result == headConfiguration { return .finished(.nothingToCommit) }
        return .ready(result, head: head, headConfiguration: headConfiguration)
    }

    // MARK: - Confirmed commit

    /// The revision waiting for `commit confirm` and its deadline, if any.
    public func pendingConfirmation() throws -> (revision: Int, deadline: Date)? {
        try Self.translatingErrors(path: path) {
            try database.read { db in try Schema.pendingConfirmation(db) }
        }
    }

    /// Confirms the pending confirmed commit (from any session or process); returns its revision.
    /// A confirmation that arrives after the deadline but before the revert was performed still wins.
    /// Throws `.nothingToConfirm` when none is pending.
    @discardableResult
    public func confirm() throws -> Int {
        try Self.translatingErrors(path: path) {
            try write { db in
                guard let pending = try Schema.pendingConfirmation(db) else { throw StoreError.nothingToConfirm }
                _ = try Schema.clearPendingConfirmation(db)
                return pending.revision
            }
        }
    }

    /// If a confirmed commit's deadline is at or before `now`, stores the content of the revision
    /// before it as a new revision (method `.autoRevert`, comment "Automatic revert of revision {n}",
    /// the original commit's user), clears the pending record and returns the new revision.
    /// Otherwise returns nil. Safe to call from several processes at once: exactly one reverts.
    ///
    /// Only when a revert is due does it take the write lock: every start calls it, and a read-only
    /// command must not wait for (or fail on) another process's write transaction.
    public func revertIfDue(now: Date) throws -> RevisionInfo? {
        guard let pending = try pendingConfirmation(), pending.deadline <= now else { return nil }
        let result: (RevisionInfo, ApplianceConfiguration, StoredContent)? = try Self.translatingErrors(path: path) {
            try write { db in
                guard let pending = try Schema.pendingConfirmation(db), pending.deadline <= now else { return nil }
                _ = try Schema.clearPendingConfirmation(db)
                guard let head = try Schema.head(db),
                    let reverted = try Schema.revision(db, number: pending.revision),
                    let previous = try Schema.revision(db, before: pending.revision)
                else { return nil }
                let headConfiguration = try configuration(db, head)
                var target = try configuration(db, previous)
                if head.info.number != reverted.info.number {
                    // Cannot happen (commits are refused while a confirmation is pending); undo only
                    // the reverted revision's own changes, keeping later ones.
                    let revertedConfiguration = try configuration(db, reverted)
                    if case .success(let merged) = target.rebased(from: revertedConfiguration, onto: headConfiguration)
                    {
                        target = merged
                    }
                }
                if target == headConfiguration { return nil }
                let content = try cache.content(equalTo: target) ?? (try StoredContent(encoding: target, keys: keys))
                let info = try Schema.insert(
                    db,
                    info: RevisionInfo(
                        number: head.info.number + 1,
                        date: clock(),
                        user: reverted.info.user,
                        method: .autoRevert,
                        comment: "Automatic revert of revision \(reverted.info.number)",
                        rollbackPoint: false,
                        baseRevision: reverted.info.number,
                        changes: RecordedChanges(from: headConfiguration, to: target),
                        checksum: ""
                    ),
                    content: content
                )
                try Schema.prune(
                    db,
                    head: info.number,
                    keep: Self.keptRevisions,
                    rollbackPoints: Self.keptRollbackPoints
                )
                return (info, target, content)
            }
        }
        guard let (info, configuration, content) = result else { return nil }
        cache.insert(number: info.number, checksum: info.checksum, configuration: configuration, content: content)
        return info
    }

    // MARK: - Internals

    /// The newest kept revision after `base` whose changes touch one of the conflicting objects
    /// (the head when none can be singled out, e.g. because the revision was pruned).
    private func newestRevision(
        _ db: Connection,
        touching conflicts: [MergeConflict],
        after base: Int,
        head: StoredRevision,
        headConfiguration: ApplianceConfiguration
    ) throws -> RevisionInfo {
        // MergeConflict keys carry the section name with a "#position" suffix.
        let keys = Set(
            conflicts.map { conflict in
                ObjectKey(
                    section: String(conflict.key.section.prefix { $0 != "#" }),
                    id: conflict.key.id
                )
            }
        )
        var newer = head
        var newerConfiguration = headConfiguration
        while newer.info.number > base, let older = try Schema.revision(db, before: newer.info.number) {
            let olderConfiguration = try configuration(db, older)
            if newerConfiguration.changes(since: olderConfiguration).contains(where: { keys.contains($0.key) }) {
                return newer.info
            }
            newer = older
            newerConfiguration = olderConfiguration
        }
        return head.info
    }

    /// The content of a revision, from the cache or read from the database (every chunk verified).
    private func configuration(_ db: Connection, _ stored: StoredRevision) throws -> ApplianceConfiguration {
        let info = stored.info
        if let cached = cache.configuration(number: info.number, checksum: info.checksum) { return cached }
        let content: StoredContent
        let configuration: ApplianceConfiguration
        do {
            var verified = Set<Int64>()
            content = try Schema.content(db, stored, verified: &verified)
            configuration = try content.decode(keys: keys)
        } catch let error as StoreError where error.code.damage != nil {
            throw StoreError.damaged(
                revision: info.number,
                lastGood: try Schema.lastIntact(db, before: info.number),
                reason: error.debugDescription
            )
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.damaged(
                revision: info.number,
                lastGood: try Schema.lastIntact(db, before: info.number),
                reason: "undecodable content: \(error)"
            )
        }
        cache.insert(number: info.number, checksum: info.checksum, configuration: configuration, content: content)
        return configuration
    }

    /// One `BEGIN IMMEDIATE` transaction: waits (busy timeout) for writers of other processes, so that
    /// what is read inside cannot change before the commit.
    private func write<T>(_ body: (Connection) throws -> T) throws -> T {
        try database.write(body)
    }

    /// SQLite's page cache per connection (`PRAGMA cache_size`, negative: KiB), half SQLite's default
    /// of 2,000 KiB, which a large commit filled: 1 MiB less at the peak of a 10,000-destination
    /// commit (its dirty pages beyond the cache go to the write-ahead log before the commit ends, as
    /// they did beyond the default). A read goes through each chunk once, so it gains little from more.
    static let pageCacheSize = -1024

    /// Opens the store file for reading and writing: a write waits up to ``busyTimeout`` for another
    /// process's transaction, the journal is a write-ahead log, every commit is synced (`FULL`).
    ///
    /// WAL is set only when the file is not in WAL mode yet: setting it writes to the file, so a
    /// read-only command would wait for another process's write transaction. The mode is stored in the
    /// file, so only a new (or very old) store needs the write.
    private static func openDatabase(_ path: String) throws -> Database {
        try Database(path: path, busyTimeout: busyTimeout) { db in
            if try db.fetchOne("PRAGMA journal_mode", [], { $0.string(0) }) != "wal" {
                try db.execute("PRAGMA journal_mode = WAL")
            }
            try db.execute("PRAGMA synchronous = FULL")
            try db.execute("PRAGMA cache_size = \(pageCacheSize)")
            // Deleted content (pruned revisions, replaced chunks) is overwritten, not left in free pages.
            try db.execute("PRAGMA secure_delete = ON")
        }
    }

    /// The SQLite location of a store opened read-only: a `file:` URI, immutable when no write-ahead
    /// log lies beside the file (a cleanly closed store has none).
    private static func readOnlyLocation(_ path: String) -> String {
        var escaped = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0x80...0xFF, 0...0x20:
                escaped += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            default:
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        var status = stat()
        let logged = stat(path + "-wal", &status) == 0 && status.st_size > 0
        return "file:\(escaped)?mode=ro" + (logged ? "" : "&immutable=1")
    }

    /// `.absent` or `.empty` when there is no store at `path` (an empty file whose write-ahead log is
    /// empty too holds nothing); nil when there is one.
    private static func absence(_ path: String) throws -> StoreError.Context? {
        var status = stat()
        if stat(path, &status) != 0 {
            let code = errno
            if code == ENOENT { return .absent }
            throw fileError(code, .lookingUp, path: path)
        }
        guard status.st_size == 0 else { return nil }
        var log = stat()
        if stat(path + "-wal", &log) == 0 && log.st_size > 0 { return nil }
        return .empty
    }

    /// Builds a new store with the factory revision under a temporary name, then links it to `path`
    /// (a store another process created first wins) and syncs the folder.
    private static func create(
        path: String,
        clock: @Sendable () -> Date,
        keys: KeySealer,
        factory: () throws -> ApplianceConfiguration
    ) throws {
        let temporary = "\(path).new-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
        }
        // Created 0600 first so that the WAL and shared-memory files inherit the mode.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw fileError(errno, .creating, path: path) }
        close(fd)
        let content = try StoredContent(encoding: try factory(), keys: keys)
        try translatingErrors(path: path) {
            let database = try openDatabase(temporary)
            try database.access { db in try Schema.migrator(keys: keys).migrate(db) }
            try database.write { db in _ = try Schema.insert(db, info: factoryInfo(date: clock()), content: content) }
            try database.close()  // checkpoints the write-ahead log into the file
        }
        if link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST {
                // Another process created the store first (use theirs), or an empty file was left by an
                // older version: replace only that.
                guard try absence(path) != nil else { return }
                guard rename(temporary, path) == 0 else {
                    throw fileError(errno, .creating, path: path)
                }
            } else {
                throw fileError(code, .creating, path: path)
            }
        }
        let folder = open(folderOf(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    /// Whether the file system holding `path` has less than 64 KiB left for this user.
    private static func diskIsFull(_ path: String) -> Bool {
        var status = statvfs()
        guard statvfs(folderOf(path), &status) == 0 else { return false }
        return UInt64(status.f_bavail) * UInt64(status.f_frsize) < 65_536
    }

    /// The folder holding `path` ("." for a bare file name).
    private static func folderOf(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// The error for a failed system call on the store file.
    private static func fileError(_ code: Int32, _ context: StoreError.Context, path: String) -> StoreError {
        let kind: StoreError.Code =
            switch code {
            case EACCES, EROFS, EPERM: .notWritable
            case ENOSPC, EDQUOT: .diskFull
            default: .io
            }
        return StoreError(
            kind,
            path: path,
            context: context,
            systemError: code,
            reason: String(cString: strerror(code))
        )
    }

    /// Turns SQLite errors into ``StoreError``s.
    private static func translatingErrors<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as SQLiteError {
            let reason = error.debugDescription
            switch error.code {
            case .corrupt, .notADatabase:
                throw StoreError(.unreadable, path: path, reason: reason)
            case .readOnly, .cannotOpen, .permission, .authorization:
                throw StoreError(.notWritable, path: path, reason: reason)
            case .full:
                throw StoreError(.diskFull, path: path, reason: reason)
            case .busy, .locked:
                throw StoreError(.busy, path: path, reason: reason)
            default:
                // SQLite reports a full disk as SQLITE_FULL when a write comes up short, but as an I/O
                // error when it cannot even extend the shared-memory file: ask the file system.
                if diskIsFull(path) {
                    throw StoreError(.diskFull, path: path, reason: reason)
                }
                throw StoreError(.io, path: path, reason: reason)
            }
        } catch {
            throw StoreError(.io, path: path, reason: "\(error)")
        }
    }
}
