internal import OpenSSLSupport

/// SHA-256 for content checksums and digests of configuration text, computed by OpenSSL.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        MessageDigest.sha256(bytes)
    }

    /// The digest of `bytes` as 64 lower-case hex digits.
    public static func hex(of bytes: some Collection<UInt8>) -> String {
        let table = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(64)
        for byte in digest(bytes) {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0xf)])
        }
        return out
    }
}
