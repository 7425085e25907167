import CSQLite

/// The one error type of the SQLite module: SQLite's result code, its extended code and a private
/// reason (SQLite's own message) for the log. Callers assert on ``code``; nothing here is admin text.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A primary result code (<https://www.sqlite.org/rescode.html>), a value that can grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32

        public init(rawValue: Int32) { self.rawValue = rawValue & 0xFF }

        public static let error = Code(rawValue: SQLITE_ERROR)
        public static let `internal` = Code(rawValue: SQLITE_INTERNAL)
        public static let permission = Code(rawValue: SQLITE_PERM)
        public static let abort = Code(rawValue: SQLITE_ABORT)
        /// Another connection holds a lock for longer than the busy timeout.
        public static let busy = Code(rawValue: SQLITE_BUSY)
        public static let locked = Code(rawValue: SQLITE_LOCKED)
        public static let noMemory = Code(rawValue: SQLITE_NOMEM)
        /// A write on a read-only connection or file.
        public static let readOnly = Code(rawValue: SQLITE_READONLY)
        public static let interrupt = Code(rawValue: SQLITE_INTERRUPT)
        public static let io = Code(rawValue: SQLITE_IOERR)
        public static let corrupt = Code(rawValue: SQLITE_CORRUPT)
        public static let full = Code(rawValue: SQLITE_FULL)
        public static let cannotOpen = Code(rawValue: SQLITE_CANTOPEN)
        public static let constraint = Code(rawValue: SQLITE_CONSTRAINT)
        public static let mismatch = Code(rawValue: SQLITE_MISMATCH)
        public static let misuse = Code(rawValue: SQLITE_MISUSE)
        public static let authorization = Code(rawValue: SQLITE_AUTH)
        public static let range = Code(rawValue: SQLITE_RANGE)
        /// The file is not a database.
        public static let notADatabase = Code(rawValue: SQLITE_NOTADB)

        public var description: String { "SQLite error \(rawValue)" }
    }

    /// The primary result code; assert on this.
    public let code: Code
    /// The extended result code (e.g. `SQLITE_BUSY_SNAPSHOT`), for the log.
    public let extendedCode: Int32
    /// SQLite's message and what was being done; never shown to an admin.
    private let reason: String

    public init(extendedCode: Int32, reason: String = "") {
        code = Code(rawValue: extendedCode)
        self.extendedCode = extendedCode
        self.reason = reason
    }

    /// The error of the last call on `db` that failed with `result`.
    init(_ result: Int32, db: OpaquePointer?, _ context: String = "") {
        let message =
            db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
        self.init(extendedCode: result, reason: context.isEmpty ? message : "\(message) (\(context))")
    }

    public var description: String { "SQLite error \(extendedCode)" }
    public var debugDescription: String {
        reason.isEmpty ? "SQLite error \(extendedCode)" : "SQLite error \(extendedCode): \(reason)"
    }
}
