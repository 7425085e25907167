import ApplianceConfig
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The committed configuration: numbered revisions in one SQLite file (commit.md §7–§8).
///
/// Every write is one `BEGIN IMMEDIATE` transaction in WAL mode with `synchronous=FULL`, so commits
/// from sessions of this process and of other processes on the same file are serialised by SQLite,
/// and a method returns only once its transaction is durable. Several instances (in one or several
/// processes) may open the same file.
public final class RevisionStore: Sendable {
    /// Revisions always kept: the newest this many.
    public static let keptRevisions = 100
    /// Rollback points always kept, however old: the newest this many.
    public static let keptRollbackPoints = 10
    /// How long a write waits for another process's transaction before failing with `.busy`.
    static let busyTimeout: TimeInterval = 10

    /// The SQLite file.
    public let path: String
    private let database: DatabaseQueue
    private let clock: @Sendable () -> Date
    private let cache = ContentCache()

    /// Opens or creates the store at `path` (an SQLite file, created 0600).
    ///
    /// A new store gets revision 1 = `factory()` with method `.factory`, user "admin", comment
    /// "Factory configuration", rollback point. It is built under a temporary name and linked into
    /// place complete, so a crash never leaves an empty store behind. When `createIfMissing` is false
    /// (the data directory existed before), a missing or empty file throws `.missing` and nothing is
    /// created. `factory` is called only when the store is created.
    /// The head's checksum is verified and its content decoded: damage throws `.damaged` naming the
    /// revision and the last good one before it, and changes nothing. A due confirmed commit is not
    /// reverted here; call ``revertIfDue(now:)`` next.
    public init(
        path: String,
        clock: @escaping @Sendable () -> Date,
        createIfMissing: Bool = true,
        factory: () throws -> ApplianceConfiguration
    ) throws {
        self.path = path
        self.clock = clock
        if let state = try Self.absence(path) {
            guard createIfMissing else {
                throw StoreError(
                    .missing,
                    "The configuration store \(path) is \(state); restore it from a backup (nothing was changed)."
                )
            }
            try Self.create(path: path, clock: clock, factory: factory)
        }
        database = try Self.translatingErrors(path: path) {
            try DatabaseQueue(path: path, configuration: Self.databaseConfiguration)
        }
        try Self.translatingErrors(path: path) {
            let migrator = Schema.migrator
            // Read-only checks first: a damaged or too new store is left exactly as it is.
            let exists = try database.read { db in
                if try migrator.hasBeenSuperseded(db) {
                    throw StoreError(
                        .newerVersion,
                        "The configuration store \(path) was written by a newer version of esa."
                    )
                }
                guard try db.tableExists("revision") else { return false }
                try Schema.verify(db)
                return true
            }
            let complete = try database.read { db in try migrator.hasCompletedMigrations(db) }
            if !exists || !complete {
                do {
                    try migrator.migrate(database)
                } catch {
                    // Another process may have run the same migration at the same moment.
                    guard try database.read({ db in try migrator.hasCompletedMigrations(db) }) else { throw error }
                }
            }
            if try database.read({ db in try Schema.head(db) }) == nil {
                let content = try factory()
                let stored = try StoredContent(encoding: content)
                try write { db in
                    guard try Schema.head(db) == nil else { return }
                    try Schema.insert(
                        db,
                        info: RevisionInfo(
                            number: 1,
                            date: clock(),
                            user: "admin",
                            method: .factory,
                            comment: "Factory configuration",
                            rollbackPoint: true,
                            baseRevision: nil,
                            changes: [],
                            checksum: stored.checksum
                        ),
                        content: stored
                    )
                }
            }
            // Decode the head now: unreadable content is damage, reported before anything changes.
            _ = try head()
        }
    }

    // MARK: - Reading

    /// The newest revision and its content.
    public func head() throws -> (info: RevisionInfo, configuration: ApplianceConfiguration) {
        try Self.translatingErrors(path: path) {
            try database.read { db in
                guard let info = try Schema.head(db) else { throw StoreError.noSuchRevision(1) }
                return (info, try configuration(db, info))
            }
        }
    }

    /// A kept revision and its content, or nil when it does not exist (never did, or pruned).
    public func revision(_ number: Int) throws -> (info: RevisionInfo, configuration: ApplianceConfiguration)? {
        try Self.translatingErrors(path: path) {
            try database.read { db in
                guard let info = try Schema.info(db, number: number) else { return nil }
                return (info, try configuration(db, info))
            }
        }
    }

    /// The newest `limit` revisions, newest first.
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

    // MARK: - Committing

    /// Commits `candidate`, edited from revision `base` (commit.md §8.4).
    ///
    /// In one immediate write transaction: if the head is still `base` the candidate is taken as is;
    /// otherwise it is rebased onto the head (`.conflict` when both sides changed an object; a pruned
    /// base throws `.baseUnavailable`). The result is then validated (`.invalid`), compared with the
    /// head (`.nothingToCommit`) and stored as revision head+1; old revisions are pruned. Throws
    /// `.pendingConfirmation` while a confirmed commit waits.
    public func commit(
        _ candidate: ApplianceConfiguration,
        base: Int,
        user: String,
        method: CommitMethod,
        comment: String,
        rollbackPoint: Bool,
        validate: (ApplianceConfiguration) -> [String]
    ) throws -> CommitOutcome {
        try performCommit(
            candidate,
            base: base,
            user: user,
            method: method,
            comment: comment,
            rollbackPoint: rollbackPoint,
            confirmMinutes: nil,
            validate: validate
        )
    }

    /// The allowed range of `commit --confirm {minutes}`.
    public static let confirmationMinutes = 1...60

    /// Like ``commit(_:base:user:method:comment:rollbackPoint:validate:)``, and in the same transaction
    /// records that the new revision is reverted unless ``confirm()`` is called within `minutes`
    /// (commit.md §8.5). Nothing is recorded when nothing is committed.
    public func commitConfirmed(
        _ candidate: ApplianceConfiguration,
        base: Int,
        user: String,
        method: CommitMethod,
        comment: String,
        rollbackPoint: Bool,
        minutes: Int,
        validate: (ApplianceConfiguration) -> [String]
    ) throws -> CommitOutcome {
        guard Self.confirmationMinutes.contains(minutes) else {
            throw StoreError(.invalidArgument, "The confirmation time must be between 1 and 60 minutes.")
        }
        return try performCommit(
            candidate,
            base: base,
            user: user,
            method: method,
            comment: comment,
            rollbackPoint: rollbackPoint,
            confirmMinutes: minutes,
            validate: validate
        )
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
                    let reverted = try Schema.info(db, number: pending.revision),
                    let previous = try Schema.info(db, before: pending.revision)
                else { return nil }
                let headConfiguration = try configuration(db, head)
                var target = try configuration(db, previous)
                if head.number != reverted.number {
                    // Cannot happen (commits are refused while a confirmation is pending); undo only
                    // the reverted revision's own changes, keeping later ones.
                    let revertedConfiguration = try configuration(db, reverted)
                    if case .success(let merged) = target.rebased(from: revertedConfiguration, onto: headConfiguration)
                    {
                        target = merged
                    }
                }
                if target == headConfiguration { return nil }
                let content = try cache.content(equalTo: target) ?? (try StoredContent(encoding: target))
                let info = RevisionInfo(
                    number: head.number + 1,
                    date: clock(),
                    user: reverted.user,
                    method: .autoRevert,
                    comment: "Automatic revert of revision \(reverted.number)",
                    rollbackPoint: false,
                    baseRevision: reverted.number,
                    changes: target.changes(since: headConfiguration).map(\.line),
                    checksum: content.checksum
                )
                try Schema.insert(db, info: info, content: content)
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
        cache.insert(number: info.number, configuration: configuration, content: content)
        return info
    }

    // MARK: - Internals

    private func performCommit(
        _ candidate: ApplianceConfiguration,
        base: Int,
        user: String,
        method: CommitMethod,
        comment: String,
        rollbackPoint: Bool,
        confirmMinutes: Int?,
        validate: (ApplianceConfiguration) -> [String]
    ) throws -> CommitOutcome {
        var stored: (RevisionInfo, ApplianceConfiguration, StoredContent)?
        let outcome: CommitOutcome = try Self.translatingErrors(path: path) {
            try write { db in
                if try Schema.pendingConfirmation(db) != nil { throw StoreError.pendingConfirmation }
                guard let head = try Schema.head(db) else { throw StoreError.noSuchRevision(1) }
                guard base >= 1 && base <= head.number else { throw StoreError.noSuchRevision(base) }
                let headConfiguration = try configuration(db, head)
                var result = candidate
                if base != head.number {
                    guard let baseInfo = try Schema.info(db, number: base) else {
                        throw StoreError.baseUnavailable(base)
                    }
                    let baseConfiguration = try configuration(db, baseInfo)
                    switch candidate.rebased(from: baseConfiguration, onto: headConfiguration) {
                    case .success(let merged):
                        result = merged
                    case .failure(let failure):
                        let culprit = try newestRevision(
                            db,
                            touching: failure.conflicts,
                            after: base,
                            head: head
                        )
                        return .conflict(with: culprit, conflicts: failure.conflicts)
                    }
                }
                let errors = validate(result)
                if !errors.isEmpty { return .invalid(errors) }
                if result == headConfiguration { return .nothingToCommit }
                let content = try cache.content(equalTo: result) ?? (try StoredContent(encoding: result))
                let info = RevisionInfo(
                    number: head.number + 1,
                    date: clock(),
                    user: user,
                    method: method,
                    comment: comment,
                    rollbackPoint: rollbackPoint,
                    baseRevision: base,
                    changes: result.changes(since: headConfiguration).map(\.line),
                    checksum: content.checksum
                )
                try Schema.insert(db, info: info, content: content)
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
                stored = (info, result, content)
                return .committed(info, result, rebased: base != head.number)
            }
        }
        if let (info, configuration, content) = stored {
            cache.insert(number: info.number, configuration: configuration, content: content)
        }
        return outcome
    }

    /// The newest kept revision after `base` whose changes touch one of the conflicting objects
    /// (the head when none can be singled out, e.g. because the revision was pruned).
    private func newestRevision(
        _ db: Database,
        touching conflicts: [MergeConflict],
        after base: Int,
        head: RevisionInfo
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
        var newerConfiguration = try configuration(db, head)
        while newer.number > base, let older = try Schema.info(db, before: newer.number) {
            let olderConfiguration = try configuration(db, older)
            if newerConfiguration.changes(since: olderConfiguration).contains(where: { keys.contains($0.key) }) {
                return newer
            }
            newer = older
            newerConfiguration = olderConfiguration
        }
        return head
    }

    /// The content of a revision, from the cache or decoded from the database (checksum verified).
    private func configuration(_ db: Database, _ info: RevisionInfo) throws -> ApplianceConfiguration {
        if let cached = cache.configuration(number: info.number, checksum: info.checksum) { return cached }
        let content: StoredContent
        let configuration: ApplianceConfiguration
        do {
            content = try Schema.content(db, number: info.number, checksum: info.checksum)
            configuration = try content.decode()
        } catch let error as StoreError where error.code.damage != nil {
            throw StoreError.damaged(
                revision: info.number,
                lastGood: try Schema.info(db, before: info.number)?.number,
                reason: error.debugDescription
            )
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.damaged(
                revision: info.number,
                lastGood: try Schema.info(db, before: info.number)?.number,
                reason: "undecodable content: \(error)"
            )
        }
        cache.insert(number: info.number, configuration: configuration, content: content)
        return configuration
    }

    /// One `BEGIN IMMEDIATE` transaction: waits (busy timeout) for writers of other processes, so that
    /// what is read inside cannot change before the commit.
    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        try database.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    private static var databaseConfiguration: Configuration {
        var configuration = Configuration()
        // WAL is set by hand, not with GRDB's `.wal`: that writes to the file when the log is empty, so
        // a read-only command would wait for another process's write transaction. The mode is stored
        // in the file, so only a new (or very old) store needs the write.
        configuration.journalMode = .default
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "ConfigStore"
        configuration.prepareDatabase { db in
            if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" {
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return configuration
    }

    /// "missing" or "empty" when there is no store at `path` (an empty file whose write-ahead log is
    /// empty too holds nothing); nil when there is one.
    private static func absence(_ path: String) throws -> String? {
        var status = stat()
        if stat(path, &status) != 0 {
            let code = errno
            if code == ENOENT { return "missing" }
            throw fileError(code, "The configuration store \(path) cannot be read", path: path)
        }
        guard status.st_size == 0 else { return nil }
        var log = stat()
        if stat(path + "-wal", &log) == 0 && log.st_size > 0 { return nil }
        return "empty"
    }

    /// Builds a new store with the factory revision under a temporary name, then links it to `path`
    /// (a store another process created first wins) and syncs the folder.
    private static func create(
        path: String,
        clock: @Sendable () -> Date,
        factory: () throws -> ApplianceConfiguration
    ) throws {
        let temporary = "\(path).new-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
        }
        // Created 0600 first so that the WAL and shared-memory files inherit the mode.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw fileError(errno, "The configuration store \(path) cannot be created", path: path) }
        close(fd)
        let content = try StoredContent(encoding: try factory())
        try translatingErrors(path: path) {
            let queue = try DatabaseQueue(path: temporary, configuration: databaseConfiguration)
            try Schema.migrator.migrate(queue)
            try queue.write { db in
                try Schema.insert(
                    db,
                    info: RevisionInfo(
                        number: 1,
                        date: clock(),
                        user: "admin",
                        method: .factory,
                        comment: "Factory configuration",
                        rollbackPoint: true,
                        baseRevision: nil,
                        changes: [],
                        checksum: content.checksum
                    ),
                    content: content
                )
            }
            try queue.close()  // checkpoints the write-ahead log into the file
        }
        if link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST {
                // Another process created the store first (use theirs), or an empty file was left by an
                // older version: replace only that.
                guard try absence(path) != nil else { return }
                guard rename(temporary, path) == 0 else {
                    throw fileError(errno, "The configuration store \(path) cannot be created", path: path)
                }
            } else {
                throw fileError(code, "The configuration store \(path) cannot be created", path: path)
            }
        }
        let parent = (path as NSString).deletingLastPathComponent
        let folder = open(parent.isEmpty ? "." : parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    /// Whether the file system holding `path` has less than 64 KiB left for this user.
    private static func diskIsFull(_ path: String) -> Bool {
        let parent = (path as NSString).deletingLastPathComponent
        var status = statvfs()
        guard statvfs(parent.isEmpty ? "." : parent, &status) == 0 else { return false }
        return UInt64(status.f_bavail) * UInt64(status.f_frsize) < 65_536
    }

    /// A one-line error for a failed system call on the store file.
    private static func fileError(_ code: Int32, _ what: String, path: String) -> StoreError {
        let reason = String(cString: strerror(code))
        switch code {
        case EACCES, EROFS, EPERM: return StoreError(.notWritable, "\(what).", reason: reason)
        case ENOSPC, EDQUOT: return StoreError(.diskFull, "\(what): no space left on the device.", reason: reason)
        default: return StoreError(.io, "\(what): \(reason).", reason: reason)
        }
    }

    /// Turns SQLite errors into ``StoreError``s with one-line messages.
    private static func translatingErrors<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            let reason = error.description
            switch error.resultCode {
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                throw StoreError(
                    .unreadable,
                    "The configuration store \(path) is not a readable database.",
                    reason: reason
                )
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
                throw StoreError(.notWritable, "The configuration store \(path) is not writable.", reason: reason)
            case .SQLITE_FULL:
                throw StoreError(
                    .diskFull,
                    "The configuration store \(path) cannot be written: no space left on the device.",
                    reason: reason
                )
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                throw StoreError(.busy, "The configuration store is busy; try again.", reason: reason)
            default:
                // SQLite reports a full disk as SQLITE_FULL when a write comes up short, but as an I/O
                // error when it cannot even extend the shared-memory file: ask the file system.
                if diskIsFull(path) {
                    throw StoreError(
                        .diskFull,
                        "The configuration store \(path) cannot be written: no space left on the device.",
                        reason: reason
                    )
                }
                throw StoreError(
                    .io,
                    "The configuration store \(path) could not be read or written.",
                    reason: reason
                )
            }
        } catch {
            throw StoreError(.io, "The configuration store \(path) could not be read or written.", reason: "\(error)")
        }
    }
}
