import COpenSSL

/// Message digests computed by OpenSSL (the library already linked for certificates), so the project
/// owns no hash implementation of its own.
public enum MessageDigest {
    /// The 32-byte SHA-256 digest of `bytes`.
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = withContiguousBytes(bytes) { buffer in
            EVP_Digest(buffer.baseAddress, buffer.count, &digest, &length, EVP_sha256(), nil)
        }
        // EVP_Digest with a built-in digest fails only when memory runs out; a digest of the wrong
        // content would be worse than stopping.
        precondition(status == 1 && length == 32, "EVP_Digest(SHA-256) failed")
        return Array(digest.prefix(Int(length)))
    }

    /// A SHA-256 computed over parts given one after the other (the same digest as ``sha256(_:)`` of
    /// their concatenation), so that large inputs are never copied into one buffer first.
    public struct SHA256Hasher: ~Copyable {
        private let context: OpaquePointer

        public init() {
            guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
            precondition(EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1, "EVP_DigestInit_ex(SHA-256) failed")
            self.context = context
        }

        deinit { EVP_MD_CTX_free(context) }

        public mutating func update(_ bytes: some Collection<UInt8>) {
            let status = withContiguousBytes(bytes) { buffer in
                EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
            }
            precondition(status == 1, "EVP_DigestUpdate(SHA-256) failed")
        }

        /// The 32-byte digest of everything given to ``update(_:)``.
        public consuming func finalize() -> [UInt8] {
            var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            precondition(
                EVP_DigestFinal_ex(context, &digest, &length) == 1 && length == 32,
                "EVP_DigestFinal_ex(SHA-256) failed"
            )
            return Array(digest.prefix(Int(length)))
        }
    }

    fileprivate static func withContiguousBytes<R>(
        _ bytes: some Collection<UInt8>,
        _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes(body)
    }
}
