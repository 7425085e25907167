import COpenSSL

/// Owns one `EVP_PKEY` (private key, or public key of a certificate) and frees it in `deinit`.
/// Immutable after creation; OpenSSL 3 allows concurrent read-only use (signing, comparing).
public final class KeyHandle: @unchecked Sendable {
    /// The owned `EVP_PKEY`.
    let pointer: OpaquePointer

    /// Takes ownership of an `EVP_PKEY` (from `d2i`, `PEM_read`, keygen, or an explicit `up_ref`).
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// Generates an RSA key of `bits` bits (public exponent 65537).
    public static func generateRSA(bits: Int) throws(OpenSSLError) -> KeyHandle {
        KeyHandle(owning: try call("EVP_RSA_gen") { esa_EVP_RSA_gen(UInt32(bits)) })
    }

    /// Generates an EC key on a named curve such as `P-256` or `P-384`.
    public static func generateEC(curve: String) throws(OpenSSLError) -> KeyHandle {
        KeyHandle(owning: try call("EVP_EC_gen") { esa_EVP_EC_gen(curve) })
    }

    /// Why a PEM private key could not be read.
    public enum ReadFailure: Error, Sendable {
        /// The key is encrypted and the passphrase was missing or wrong.
        case passphrase(OpenSSLError)
        /// The text is not a private key OpenSSL understands.
        case malformed(OpenSSLError)
    }

    /// Reads a PEM private key in any form OpenSSL knows (PKCS#8, traditional RSA/EC, encrypted
    /// PKCS#8, legacy `Proc-Type: 4,ENCRYPTED`). `passphrase` is asked at most once, only when the
    /// key is encrypted; the copy handed to OpenSSL is wiped afterwards.
    public static func readPEM(_ pem: String, passphrase: (() -> String?)?) throws(ReadFailure) -> KeyHandle {
        let box = PassphraseBox(source: passphrase)
        defer { box.wipe() }
        let context = Unmanaged.passUnretained(box).toOpaque()
        let outcome: Result<OpaquePointer, OpenSSLError>
        do throws(OpenSSLError) {
            let key = try withExtendedLifetime(box) { () throws(OpenSSLError) -> OpaquePointer in
                try MemoryBIO.withReading(Array(pem.utf8)) { bio throws(OpenSSLError) in
                    // Owned result of PEM_read: wrapped in a KeyHandle below.
                    try call("PEM_read_bio_PrivateKey") {
                        PEM_read_bio_PrivateKey(bio, nil, passphraseCallback, context)
                    }
                }
            }
            outcome = .success(key)
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let key):
            return KeyHandle(owning: key)
        case .failure(let error):
            if box.wasAsked || error.isBadDecrypt {
                throw .passphrase(error)
            }
            throw .malformed(error)
        }
    }

    /// The key as unencrypted PKCS#8 PEM (`BEGIN PRIVATE KEY`).
    public func pkcs8PEM() throws(OpenSSLError) -> String {
        let bytes = try MemoryBIO.collecting { bio throws(OpenSSLError) in
            try check("PEM_write_bio_PKCS8PrivateKey") {
                PEM_write_bio_PKCS8PrivateKey(bio, pointer, nil, nil, 0, nil, nil)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The key as unencrypted PKCS#8 DER.
    public func pkcs8DER() throws(OpenSSLError) -> [UInt8] {
        try MemoryBIO.collecting { bio throws(OpenSSLError) in
            try check("i2d_PKCS8PrivateKey_bio") { i2d_PKCS8PrivateKey_bio(bio, pointer, nil, nil, 0, nil, nil) }
        }
    }

    /// Type, size and curve of the key.
    public var info: KeyInfo {
        KeyInfo(of: pointer)
    }

    /// Whether both keys have the same public part.
    public func publicKeyEquals(_ other: KeyHandle) -> Bool {
        EVP_PKEY_eq(pointer, other.pointer) == 1
    }
}

/// Type, size and curve of a public or private key.
public struct KeyInfo: Sendable, Equatable {
    /// `RSA`, `EC`, `ED25519`, `DSA`, ... (OpenSSL's type name).
    public let typeName: String
    /// Security size in bits as OpenSSL counts it (RSA modulus, EC field size).
    public let bits: Int
    /// For EC keys the NIST name (`P-256`) when it has one, else OpenSSL's curve name.
    public let curveName: String?

    /// Reads the description of a borrowed `EVP_PKEY`.
    init(of key: OpaquePointer) {
        let baseID = EVP_PKEY_get_base_id(key)
        switch baseID {
        case EVP_PKEY_RSA:
            typeName = "RSA"
        case EVP_PKEY_EC:
            typeName = "EC"
        default:
            // Borrowed static string.
            typeName = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
        }
        bits = Int(EVP_PKEY_get_bits(key))
        if baseID == EVP_PKEY_EC {
            var buffer = [CChar](repeating: 0, count: 80)
            var length = 0
            if EVP_PKEY_get_group_name(key, &buffer, buffer.count, &length) == 1 {
                let name = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let nid = OBJ_txt2nid(name)
                // Borrowed static string.
                curveName = EC_curve_nid2nist(nid).map { String(cString: $0) } ?? name
            } else {
                curveName = nil
            }
        } else {
            curveName = nil
        }
        ERR_clear_error()
    }
}

/// Holds the passphrase source and the one copy of the passphrase handed to OpenSSL.
private final class PassphraseBox {
    let source: (() -> String?)?
    var bytes: [UInt8]?
    var wasAsked = false

    init(source: (() -> String?)?) {
        self.source = source
    }

    /// Returns the passphrase bytes, asking the source the first time only.
    func passphrase() -> [UInt8]? {
        wasAsked = true
        if bytes == nil, let text = source?() {
            bytes = Array(text.utf8)
        }
        return bytes
    }

    func wipe() {
        if var secret = bytes {
            bytes = nil
            cleanse(&secret)
        }
    }
}

/// `pem_password_cb`: copies the passphrase into OpenSSL's buffer (which OpenSSL cleanses itself).
private func passphraseCallback(
    _ buffer: UnsafeMutablePointer<CChar>?,
    _ size: Int32,
    _ writing: Int32,
    _ context: UnsafeMutableRawPointer?
) -> Int32 {
    guard let buffer, let context else {
        return -1
    }
    let box = Unmanaged<PassphraseBox>.fromOpaque(context).takeUnretainedValue()
    guard let secret = box.passphrase(), secret.count <= Int(size) else {
        return -1
    }
    secret.withUnsafeBytes { raw in
        if let base = raw.baseAddress {
            UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: raw.count)
        }
    }
    return Int32(secret.count)
}
