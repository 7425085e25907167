import CSQLite

/// A value that can be bound to a statement parameter.
public protocol SQLiteBindable {
    /// Binds a copy of the value (it may be stepped any time later).
    func bind(to statement: Statement, at index: Int32) throws
    /// Binds the value for the duration of `body` only; the binding must not be used after it. A
    /// text or blob is bound in place rather than copied (a commit binds megabytes of changes).
    func withBinding(to statement: Statement, at index: Int32, _ body: () throws -> Void) throws
}

extension SQLiteBindable {
    public func withBinding(to statement: Statement, at index: Int32, _ body: () throws -> Void) throws {
        try bind(to: statement, at: index)
        try body()
    }
}

extension Int64: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws {
        try statement.check(sqlite3_bind_int64(statement.handle, index, self))
    }
}

extension Int: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws { try Int64(self).bind(to: statement, at: index) }
}

extension Bool: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws {
        try Int64(self ? 1 : 0).bind(to: statement, at: index)
    }
}

extension Double: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws {
        try statement.check(sqlite3_bind_double(statement.handle, index, self))
    }
}

extension String: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws {
        var text = self
        let result = text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                // "" is empty text, not NULL: SQLite binds NULL for a null pointer.
                guard let start = chars.baseAddress, !chars.isEmpty else {
                    return csqlite_bind_text(statement.handle, index, "", 0)
                }
                guard let count = Int32(exactly: chars.count) else { return SQLITE_TOOBIG }
                return csqlite_bind_text(statement.handle, index, start, count)
            }
        }
        try statement.check(result)
    }

    public func withBinding(to statement: Statement, at index: Int32, _ body: () throws -> Void) throws {
        var text = self
        try text.withUTF8 { utf8 in
            if let start = utf8.baseAddress, !utf8.isEmpty {
                guard let count = Int32(exactly: utf8.count) else { return try statement.check(SQLITE_TOOBIG) }
                try statement.check(
                    start.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                        csqlite_bind_text_static(statement.handle, index, $0, count)
                    }
                )
            } else {
                try bind(to: statement, at: index)
            }
            try body()
        }
    }
}

/// A blob: any bytes, NULs included.
extension Array: SQLiteBindable where Element == UInt8 {
    public func bind(to statement: Statement, at index: Int32) throws {
        let result = withUnsafeBytes { bytes in
            // An empty blob is a zero-length blob, not NULL: SQLite binds NULL for a null pointer.
            guard let start = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_zeroblob(statement.handle, index, 0)
            }
            guard let count = Int32(exactly: bytes.count) else { return SQLITE_TOOBIG }
            return csqlite_bind_blob(statement.handle, index, start, count)
        }
        try statement.check(result)
    }

    public func withBinding(to statement: Statement, at index: Int32, _ body: () throws -> Void) throws {
        try withUnsafeBytes { bytes in
            if let start = bytes.baseAddress, !bytes.isEmpty {
                guard let count = Int32(exactly: bytes.count) else { return try statement.check(SQLITE_TOOBIG) }
                try statement.check(csqlite_bind_blob_static(statement.handle, index, start, count))
            } else {
                try bind(to: statement, at: index)
            }
            try body()
        }
    }
}

extension ArraySlice: SQLiteBindable where Element == UInt8 {
    public func bind(to statement: Statement, at index: Int32) throws { try Array(self).bind(to: statement, at: index) }
}

/// nil binds NULL.
extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws {
        switch self {
        case .some(let value): try value.bind(to: statement, at: index)
        case .none: try statement.check(sqlite3_bind_null(statement.handle, index))
        }
    }

    public func withBinding(to statement: Statement, at index: Int32, _ body: () throws -> Void) throws {
        switch self {
        case .some(let value): try value.withBinding(to: statement, at: index, body)
        case .none:
            try statement.check(sqlite3_bind_null(statement.handle, index))
            try body()
        }
    }
}

/// A prepared statement of one ``Connection``: bind, step, read the columns of the current row.
///
/// Not thread safe: used by whoever holds its connection (``Database`` serialises that). Finalised
/// in `deinit`, or when the connection closes.
public final class Statement {
    let handle: OpaquePointer
    private let db: OpaquePointer
    /// The SQL text, for error reasons.
    public let sql: String

    init(db: OpaquePointer, sql: String) throws {
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        guard result == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw SQLiteError(result == SQLITE_OK ? SQLITE_MISUSE : result, db: db, "prepare \(sql)")
        }
        self.db = db
        self.sql = sql
        handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    func check(_ result: Int32) throws {
        guard result == SQLITE_OK else { throw SQLiteError(result, db: db, sql) }
    }

    /// Resets the statement and binds `arguments` to its parameters, in order.
    public func bind(_ arguments: [any SQLiteBindable]) throws {
        reset()
        sqlite3_clear_bindings(handle)
        for (offset, argument) in arguments.enumerated() {
            try argument.bind(to: self, at: Int32(offset + 1))
        }
    }

    /// Makes the statement ready to run again (bindings are kept).
    public func reset() { sqlite3_reset(handle) }

    /// Runs the statement to its next row: true when a row is there to read, false when done.
    public func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let result:
            // The statement's error (sqlite3_step returns the extended code with v2 statements).
            let error = SQLiteError(result, db: db, sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Binds `arguments` and runs the statement to completion. Texts and blobs are bound in place
    /// (``SQLiteBindable/withBinding(to:at:_:)``) and the bindings cleared when it is done.
    public func execute(_ arguments: [any SQLiteBindable] = []) throws {
        reset()
        sqlite3_clear_bindings(handle)
        defer {
            reset()
            sqlite3_clear_bindings(handle)
        }
        try withBindings(arguments[...], from: 1) {
            while try step() {}
        }
    }

    /// Binds each argument in turn, each for the duration of the next, and runs `body` inside all.
    private func withBindings(
        _ arguments: ArraySlice<any SQLiteBindable>,
        from index: Int32,
        _ body: () throws -> Void
    ) throws {
        guard let first = arguments.first else { return try body() }
        try first.withBinding(to: self, at: index) {
            try withBindings(arguments.dropFirst(), from: index + 1, body)
        }
    }

    // MARK: Columns of the current row

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func isNull(_ column: Int) -> Bool { sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL }

    public func int64(_ column: Int) -> Int64 { sqlite3_column_int64(handle, Int32(column)) }

    public func int(_ column: Int) -> Int { Int(int64(column)) }

    public func double(_ column: Int) -> Double { sqlite3_column_double(handle, Int32(column)) }

    /// The column as text (SQLite converts numbers); nil for NULL.
    public func string(_ column: Int) -> String? {
        guard !isNull(column), let text = sqlite3_column_text(handle, Int32(column)) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column's bytes (NULs included); nil for NULL, empty for a zero-length value.
    public func blob(_ column: Int) -> [UInt8]? {
        guard !isNull(column) else { return nil }
        let bytes = sqlite3_column_blob(handle, Int32(column))
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        guard let bytes, count > 0 else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// Calls `body` with the column's bytes without copying them (valid only during the call); nil
    /// for NULL.
    public func withBlob<T>(_ column: Int, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
        guard !isNull(column) else { return try body(nil) }
        let bytes = sqlite3_column_blob(handle, Int32(column))
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        return try body(UnsafeRawBufferPointer(start: count > 0 ? bytes : nil, count: count))
    }
}
