internal import OpenSSLSupport

/// SHA-256 for content checksums and digests of configuration text, computed by OpenSSL.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        MessageDigest.sha256(bytes)
    }

    /// The digest of `bytes` as 64 lower-case hex digits.
    public static func hex(of bytes: some Collection<UInt8>) -> String {
        hex(digest: digest(bytes))
    }

    /// The digest of `parts` one after the other (the same as of their concatenation), as 64 lower-case
    /// hex digits; no part is copied.
    public static func hex(ofParts parts: (_ update: (UnsafeRawBufferPointer) -> Void) -> Void) -> String {
        var hasher = MessageDigest.SHA256Hasher()
        parts { hasher.update($0) }
        return hex(digest: hasher.finalize())
    }

    private static func hex(digest: [UInt8]) -> String {
        let table = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(64)
        for byte in digest {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0xf)])
        }
        return out
    }
}
