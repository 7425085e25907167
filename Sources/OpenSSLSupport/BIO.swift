import COpenSSL

/// Scoped memory BIOs. A BIO never outlives the helper that made it.
enum MemoryBIO {
    /// Runs `body` with a read-only memory BIO over `bytes` (valid only inside `body`).
    static func withReading<R>(
        _ bytes: [UInt8],
        _ body: (OpaquePointer) throws(OpenSSLError) -> R
    ) throws(OpenSSLError) -> R {
        let result: Result<R, OpenSSLError> = bytes.withUnsafeBytes { raw in
            OpenSSLError.clearQueue()
            // Owned BIO over borrowed memory: `raw` must outlive it, which this scope guarantees.
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
                return .failure(OpenSSLError.drain("BIO_new_mem_buf"))
            }
            defer { BIO_free(bio) }
            do throws(OpenSSLError) {
                return .success(try body(bio))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Runs `body` with an empty writable memory BIO and returns everything written to it.
    static func collecting(_ body: (OpaquePointer) throws(OpenSSLError) -> Void) throws(OpenSSLError) -> [UInt8] {
        OpenSSLError.clearQueue()
        guard let method = BIO_s_mem(), let bio = BIO_new(method) else {
            throw OpenSSLError.drain("BIO_new")
        }
        defer { BIO_free(bio) }
        try body(bio)
        var data: UnsafeMutablePointer<CChar>?
        // Borrowed pointer into the BIO's buffer: copied before the BIO is freed.
        let length = esa_BIO_get_mem_data(bio, &data)
        guard length > 0, let data else {
            return []
        }
        return data.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}

/// Copies an OpenSSL-allocated C string and frees it with `OPENSSL_free`.
func takeOpenSSLString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
    guard let pointer else {
        return nil
    }
    defer { esa_OPENSSL_free(pointer) }
    return String(cString: pointer)
}

/// Overwrites a buffer that held a secret in a way the optimiser keeps (`OPENSSL_cleanse`).
func cleanse(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { raw in
        if let base = raw.baseAddress {
            OPENSSL_cleanse(base, raw.count)
        }
    }
}

/// Overwrites a C string buffer that held a secret.
func cleanse(_ bytes: inout [CChar]) {
    bytes.withUnsafeMutableBytes { raw in
        if let base = raw.baseAddress {
            OPENSSL_cleanse(base, raw.count)
        }
    }
}
