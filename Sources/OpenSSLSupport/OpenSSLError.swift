import COpenSSL

/// An OpenSSL failure: the name of the operation that failed and every entry of the thread's
/// OpenSSL error queue at that moment, oldest first. Meant for logs; callers map it to their own
/// error codes and never show it to the administrator verbatim.
public struct OpenSSLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One entry of the OpenSSL error queue.
    public struct Entry: Sendable, Equatable {
        /// The library number (`ERR_GET_LIB`).
        public let library: Int32
        /// The reason number (`ERR_GET_REASON`).
        public let reason: Int32
        /// OpenSSL's text for the packed error code.
        public let text: String
        /// The extra data attached to the entry (may be empty).
        public let data: String
    }

    /// The operation that failed, such as `PKCS12_parse`.
    public let operation: String
    /// The drained queue, oldest entry first (may be empty when OpenSSL recorded nothing).
    public let entries: [Entry]

    /// One line for logs: the operation and every queue entry.
    public var description: String {
        if entries.isEmpty {
            return "\(operation) failed"
        }
        let parts = entries.map { $0.data.isEmpty ? $0.text : "\($0.text) (\($0.data))" }
        return "\(operation) failed: " + parts.joined(separator: "; ")
    }

    /// Whether some entry says an algorithm, cipher or key derivation is not available.
    public var isUnsupportedAlgorithm: Bool {
        entries.contains { entry in
            if entry.reason == ERR_R_UNSUPPORTED {
                return true
            }
            guard entry.library == ERR_LIB_EVP else {
                return false
            }
            let evpReasons: [Int32] = [
                EVP_R_UNSUPPORTED_ALGORITHM, EVP_R_UNSUPPORTED_CIPHER, EVP_R_UNKNOWN_CIPHER,
                EVP_R_UNKNOWN_PBE_ALGORITHM, EVP_R_UNSUPPORTED_KEY_DERIVATION_FUNCTION, EVP_R_UNSUPPORTED_PRF,
                EVP_R_UNSUPPORTED_PRIVATE_KEY_ALGORITHM,
            ]
            return evpReasons.contains(entry.reason)
        }
    }

    /// The algorithm named by an "unsupported" entry (OpenSSL 3 writes `Algorithm (NAME : 0)`).
    public var unsupportedAlgorithmName: String? {
        for entry in entries {
            guard let start = entry.data.firstRange(of: "Algorithm (") else {
                continue
            }
            let rest = entry.data[start.upperBound...]
            let name = rest.prefix { $0 != " " && $0 != ")" && $0 != ":" }
            if !name.isEmpty {
                return String(name)
            }
        }
        return nil
    }

    /// Whether some entry reports a failed decryption (typically a wrong passphrase).
    public var isBadDecrypt: Bool {
        entries.contains { entry in
            (entry.library == ERR_LIB_EVP && entry.reason == EVP_R_BAD_DECRYPT)
                || (entry.library == ERR_LIB_PEM && entry.reason == PEM_R_BAD_DECRYPT)
                || (entry.library == ERR_LIB_PKCS12 && entry.reason == PKCS12_R_PKCS12_CIPHERFINAL_ERROR)
        }
    }

    /// Whether some entry reports a PKCS#12 MAC verification failure (wrong passphrase or damage).
    public var isMACFailure: Bool {
        entries.contains { $0.library == ERR_LIB_PKCS12 && $0.reason == PKCS12_R_MAC_VERIFY_FAILURE }
    }

    /// Creates an error value by hand (used by callers for failures OpenSSL does not record).
    public init(operation: String, entries: [Entry] = []) {
        self.operation = operation
        self.entries = entries
    }

    /// Reads and empties the calling thread's error queue.
    static func drain(_ operation: String) -> OpenSSLError {
        var entries: [Entry] = []
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 {
                break
            }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let extra = (flags & ERR_TXT_STRING) != 0 ? data.map { String(cString: $0) } ?? "" : ""
            entries.append(Entry(library: ERR_GET_LIB(code), reason: ERR_GET_REASON(code), text: text, data: extra))
        }
        return OpenSSLError(operation: operation, entries: entries)
    }

    /// Empties the calling thread's error queue before a call whose failure will be drained.
    static func clearQueue() {
        ERR_clear_error()
    }
}

/// Runs `body` with a clean error queue; returns its non-nil pointer or throws the drained queue.
func call(_ operation: String, _ body: () -> OpaquePointer?) throws(OpenSSLError) -> OpaquePointer {
    OpenSSLError.clearQueue()
    guard let result = body() else {
        throw OpenSSLError.drain(operation)
    }
    return result
}

/// Runs `body` with a clean error queue; throws the drained queue unless it returns a positive value.
func check(_ operation: String, _ body: () -> Int32) throws(OpenSSLError) {
    OpenSSLError.clearQueue()
    guard body() > 0 else {
        throw OpenSSLError.drain(operation)
    }
}
