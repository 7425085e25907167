import CCrypt

/// Passphrase hashes for the appliance's users: yescrypt (`$y$`) through the system's libcrypt
/// (libxcrypt), verified by hashing again with the stored hash as the setting. The only module
/// that imports CCrypt.
public enum Passphrase {
    /// Why hashing failed (libcrypt refused the setting or ran out of randomness).
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// A new yescrypt hash of `passphrase`, with a fresh random salt.
    public static func hash(_ passphrase: String) throws -> String {
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        guard crypt_gensalt_rn("$y$", 0, nil, 0, &setting, Int32(setting.count)) != nil else {
            throw Failure(description: "no salt could be made for the passphrase hash")
        }
        let salt = String(decoding: setting.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let hashed = crypt(passphrase, setting: salt), hashed.hasPrefix("$y$") else {
            throw Failure(description: "the passphrase could not be hashed")
        }
        return hashed
    }

    /// Whether `passphrase` matches `hash` (a crypt(3) hash); false for anything malformed.
    public static func verify(_ passphrase: String, against hash: String) -> Bool {
        guard hash.hasPrefix("$"), let again = crypt(passphrase, setting: hash) else { return false }
        // Constant-time comparison of the two hashes.
        let a = Array(again.utf8)
        let b = Array(hash.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// `crypt_r` with a heap-allocated work area; nil when libcrypt refuses (its `*` failure token).
    private static func crypt(_ passphrase: String, setting: String) -> String? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            // The work area held the passphrase: wipe it before it is freed.
            memset(data, 0, MemoryLayout<crypt_data>.size)
            data.deallocate()
        }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        guard let result = crypt_r(passphrase, setting, data) else { return nil }
        let text = String(cString: result)
        return text.hasPrefix("*") ? nil : text
    }
}
