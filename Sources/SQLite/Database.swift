/// One ``Connection`` shared by several threads, one at a time (as GRDB's `DatabaseQueue` did): every
/// access holds a lock for its whole duration, so a transaction is never interleaved with another
/// thread's statements.
public final class Database: Sendable {
    private let lock = Lock()
    private nonisolated(unsafe) let connection: Connection

    /// Opens `path` (see ``Connection/init(path:mode:busyTimeout:prepare:)``).
    public init(
        path: String,
        mode: Connection.Mode = .readWriteCreate,
        busyTimeout: Double? = nil,
        prepare: ((Connection) throws -> Void)? = nil
    ) throws {
        connection = try Connection(path: path, mode: mode, busyTimeout: busyTimeout, prepare: prepare)
    }

    /// Runs `body` with the connection, outside any transaction this type opens (each statement is its
    /// own transaction unless `body` opens one).
    public func access<T>(_ body: (Connection) throws -> T) throws -> T {
        try lock.withLock { try body(connection) }
    }

    /// Runs `body` in a `BEGIN DEFERRED` transaction: every read sees one snapshot; takes no write lock.
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try access { connection in try connection.transaction(.deferred) { try body(connection) } }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: waits (busy timeout) for other writers, so what
    /// is read inside cannot change before the commit; rolled back when `body` throws.
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        try access { connection in try connection.transaction(.immediate) { try body(connection) } }
    }

    /// Closes the connection (see ``Connection/close()``); any later access fails.
    public func close() throws {
        try lock.withLock { try connection.close() }
    }
}
