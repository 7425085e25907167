import CSQLite

/// One SQLite connection (`sqlite3_open_v2`), closed in `deinit`.
///
/// Not thread safe: ``Database`` serialises one connection for several threads. Every connection is
/// set up as GRDB set up the store's connections before (so files and behaviour stay the same):
/// extended result codes, double-quoted string literals off, `PRAGMA foreign_keys = ON`, the busy
/// timeout when one is given, then the caller's `prepare`, then a read of `sqlite_master` so that a
/// file that is not a database fails at open (`.notADatabase`), not at the first query.
public final class Connection {
    /// How the file is opened.
    public enum Mode: Sendable {
        /// Read and write, creating the file when missing.
        case readWriteCreate
        /// Read-only; `path` may be a `file:` URI (`?mode=ro&immutable=1`…).
        case readOnly
    }

    let handle: OpaquePointer
    /// Prepared statements kept for reuse, by SQL text.
    private var cache: [String: Statement] = [:]
    private var closed = false

    /// Opens `path`. `busyTimeout` (seconds) is how long a statement waits for another connection's
    /// lock before failing with `.busy`; nil fails at once. `prepare` runs once, right after opening
    /// (pragmas), before the file's format is checked.
    public init(
        path: String,
        mode: Mode = .readWriteCreate,
        busyTimeout: Double? = nil,
        prepare: ((Connection) throws -> Void)? = nil
    ) throws {
        var flags: Int32 =
            switch mode {
            case .readWriteCreate: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            case .readOnly: SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
            }
        // SQLITE_OPEN_EXRESCODE (3.37+): extended result codes from the start.
        if sqlite3_libversion_number() >= 3_037_000 { flags |= 0x0200_0000 }
        var db: OpaquePointer?
        let result = sqlite3_open_v2(path, &db, flags, nil)
        guard result == SQLITE_OK, let db else {
            let error = SQLiteError(result == SQLITE_OK ? SQLITE_INTERNAL : result, db: db, "open")
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        if let busyTimeout { sqlite3_busy_timeout(db, Int32(busyTimeout * 1000)) }
        csqlite_disable_double_quoted_strings(db)
        try execute("PRAGMA foreign_keys = ON")
        try prepare?(self)
        let check = try Statement(db: db, sql: "SELECT * FROM sqlite_master LIMIT 1")
        _ = try check.step()
    }

    deinit {
        if !closed {
            cache.removeAll()  // finalises the cached statements
            sqlite3_close_v2(handle)
        }
    }

    /// Closes the connection now (the last connection to a WAL database checkpoints the log into the
    /// file and removes it). Statements of this connection must not be used afterwards.
    public func close() throws {
        guard !closed else { return }
        cache.removeAll()
        let result = sqlite3_close(handle)
        guard result == SQLITE_OK else { throw SQLiteError(result, db: handle, "close") }
        closed = true
    }

    /// Runs one or more `;`-separated statements without parameters.
    public func execute(_ sql: String) throws {
        try checkOpen()
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
            throw SQLiteError(extendedCode: result, reason: "\(text) (\(sql))")
        }
    }

    /// Runs one statement with `arguments` bound to its parameters (kept prepared for the next call).
    public func execute(_ sql: String, _ arguments: [any SQLiteBindable]) throws {
        try cachedStatement(sql).execute(arguments)
    }

    /// A new prepared statement.
    public func prepare(_ sql: String) throws -> Statement {
        try checkOpen()
        return try Statement(db: handle, sql: sql)
    }

    private func checkOpen() throws {
        if closed { throw SQLiteError(extendedCode: SQLITE_MISUSE, reason: "the connection is closed") }
    }

    /// A prepared statement kept for reuse with the same SQL text: reset and ready to bind.
    public func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = cache[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql)
        cache[sql] = statement
        return statement
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last inserted row.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    // MARK: Fetching

    /// Runs `sql` and reads its first row with `read` (nil when there is none; `read` must not run the
    /// same SQL again).
    public func fetchOne<T>(
        _ sql: String,
        _ arguments: [any SQLiteBindable] = [],
        _ read: (Statement) throws -> T
    ) throws -> T? {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        return try statement.step() ? try read(statement) : nil
    }

    /// Runs `sql` and reads every row with `read` (which must not run the same SQL again: the statement
    /// is the cached one).
    public func fetchAll<T>(
        _ sql: String,
        _ arguments: [any SQLiteBindable] = [],
        _ read: (Statement) throws -> T
    ) throws -> [T] {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        var rows: [T] = []
        while try statement.step() { rows.append(try read(statement)) }
        return rows
    }

    /// Runs `sql` and calls `body` with each row as it is read (a cursor: nothing is collected).
    /// The statement is not the cached one, so `body` may run other statements, even the same SQL.
    public func forEachRow(
        _ sql: String,
        _ arguments: [any SQLiteBindable] = [],
        _ body: (Statement) throws -> Void
    ) throws {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        while try statement.step() { try body(statement) }
    }

    // MARK: Transactions

    /// How a transaction takes its locks (<https://www.sqlite.org/lang_transaction.html>).
    public enum TransactionKind: String, Sendable {
        /// Locks on first read/write; a read transaction sees one snapshot.
        case deferred = "DEFERRED"
        /// Takes the write lock at once (waiting up to the busy timeout), so what is read inside cannot
        /// change before the commit.
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it (or the commit)
    /// throws, the error rethrown.
    public func transaction<T>(_ kind: TransactionKind = .deferred, _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue) TRANSACTION")
        do {
            let result = try body()
            try execute("COMMIT TRANSACTION")
            return result
        } catch {
            // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL).
            if isInTransaction { try? execute("ROLLBACK TRANSACTION") }
            throw error
        }
    }
}
