import COpenSSL

/// Reads and writes PKCS#12 files.
public enum PKCS12Support {
    /// How the file is protected.
    public enum Encryption: Sendable {
        /// OpenSSL 3 defaults: PBES2/PBKDF2/AES-256-CBC for keys and certificates, SHA-256 MAC.
        case modern
        /// PBE-SHA1-3DES for keys and certificates, SHA-1 MAC (for older software).
        case legacy3DES
    }

    /// Why a PKCS#12 file could not be read.
    public enum ParseFailure: Error, Sendable {
        /// Not DER PKCS#12 at all (or truncated).
        case notPKCS12(OpenSSLError)
        /// The MAC did not verify or decryption failed: wrong passphrase or a damaged file.
        case wrongPassphraseOrDamaged(OpenSSLError)
        /// The file uses an algorithm no loaded provider implements; the associated name says which.
        case unsupportedAlgorithm(String, OpenSSLError)
        /// The file asks for more key derivation iterations than `maximumIterations` (the count).
        case tooManyIterations(Int)
    }

    /// The most PBKDF2 / PBE / MAC iterations a file may ask for: 1,000,000 (OpenSSL writes 2048;
    /// 5,000,000 cost 3 s of CPU per derivation, before the passphrase was even checked).
    public static let maximumIterations = 1_000_000

    /// Iterations for key derivation and MAC, as `openssl pkcs12 -export` uses.
    static let iterations: Int32 = 2048

    /// Writes a PKCS#12 file holding `key`, `certificate` (with `friendlyName` and a local key id)
    /// and `chain` in the given order.
    public static func create(
        key: KeyHandle,
        certificate: X509Handle,
        chain: [X509Handle],
        friendlyName: String,
        passphrase: String,
        encryption: Encryption
    ) throws(OpenSSLError) -> [UInt8] {
        OpenSSLProviders.ensureLegacyLoaded()
        var secret = Array(passphrase.utf8CString)
        defer { cleanse(&secret) }
        let stack = try call("sk_X509_new_null") { esa_sk_X509_new_null() }
        // The stack borrows the handles' pointers (kept alive below) and is freed without its elements.
        defer { esa_sk_X509_free(stack) }
        for item in chain {
            try check("sk_X509_push") { esa_sk_X509_push(stack, item.pointer) }
        }
        let keyNID: Int32
        let certificateNID: Int32
        let macDigest: OpaquePointer?
        switch encryption {
        case .modern:
            keyNID = NID_aes_256_cbc
            certificateNID = NID_aes_256_cbc
            macDigest = EVP_sha256()
        case .legacy3DES:
            keyNID = NID_pbe_WithSHA1And3_Key_TripleDES_CBC
            certificateNID = NID_pbe_WithSHA1And3_Key_TripleDES_CBC
            macDigest = EVP_sha1()
        }
        let bytes = try withExtendedLifetime(chain) { () throws(OpenSSLError) -> [UInt8] in
            // Owned PKCS12, freed below. mac_iter -1: no MAC yet; it is set with the chosen digest next.
            let p12 = try call("PKCS12_create") {
                PKCS12_create(
                    secret,
                    friendlyName,
                    key.pointer,
                    certificate.pointer,
                    stack,
                    keyNID,
                    certificateNID,
                    iterations,
                    -1,
                    0
                )
            }
            defer { PKCS12_free(p12) }
            try check("PKCS12_set_mac") { PKCS12_set_mac(p12, secret, -1, nil, 0, iterations, macDigest) }
            return try MemoryBIO.collecting { bio throws(OpenSSLError) in
                try check("i2d_PKCS12_bio") { i2d_PKCS12_bio(bio, p12) }
            }
        }
        return bytes
    }

    /// What a PKCS#12 file held.
    public struct Contents: Sendable {
        /// The private key, if any.
        public let key: KeyHandle?
        /// The certificate matching the key (by local key id or public key), if any.
        public let certificate: X509Handle?
        /// Every other certificate, in file order.
        public let others: [X509Handle]
    }

    /// Reads a PKCS#12 file (modern, legacy 3DES, legacy RC2-40 with the legacy provider, or with
    /// unencrypted bags) with `passphrase`.
    public static func parse(_ bytes: [UInt8], passphrase: String) throws(ParseFailure) -> Contents {
        OpenSSLProviders.ensureLegacyLoaded()
        var secret = Array(passphrase.utf8CString)
        defer { cleanse(&secret) }
        let p12: OpaquePointer
        do throws(OpenSSLError) {
            p12 = try MemoryBIO.withReading(bytes) { bio throws(OpenSSLError) in
                // Owned result of d2i.
                try call("d2i_PKCS12_bio") { d2i_PKCS12_bio(bio, nil) }
            }
        } catch {
            throw .notPKCS12(error)
        }
        defer { PKCS12_free(p12) }
        // Refused before any key derivation, so an absurd count costs nothing.
        let iterations = PKCS12Inspection.maximumIterations(p12)
        if iterations > maximumIterations { throw .tooManyIterations(iterations) }

        // PKCS12_parse insists on a MAC when given a passphrase. A file written without one (`-nomac`)
        // has no integrity protection to lose: give the in-memory copy a MAC under the same
        // passphrase so that parsing can go on.
        if esa_PKCS12_mac_present(p12) == 0 && !passphrase.isEmpty {
            OpenSSLError.clearQueue()
            if PKCS12_set_mac(p12, secret, -1, nil, 0, 1, EVP_sha256()) != 1 {
                throw .notPKCS12(OpenSSLError.drain("PKCS12_set_mac"))
            }
        }

        var keyPointer: OpaquePointer?
        var certificatePointer: OpaquePointer?
        var stack: OpaquePointer?
        OpenSSLError.clearQueue()
        // All three outputs are owned by us on success.
        if PKCS12_parse(p12, secret, &keyPointer, &certificatePointer, &stack) != 1 {
            let error = OpenSSLError.drain("PKCS12_parse")
            if error.isMACFailure {
                throw .wrongPassphraseOrDamaged(error)
            }
            if let name = PKCS12Inspection.unusableAlgorithm(p12) {
                throw .unsupportedAlgorithm(error.unsupportedAlgorithmName ?? name, error)
            }
            if error.isUnsupportedAlgorithm {
                throw .unsupportedAlgorithm(error.unsupportedAlgorithmName ?? "unknown", error)
            }
            throw .wrongPassphraseOrDamaged(error)
        }
        let key = keyPointer.map { KeyHandle(owning: $0) }
        var certificate = certificatePointer.map { X509Handle(owning: $0) }
        var others: [X509Handle] = []
        if let stack {
            for index in 0..<esa_sk_X509_num(stack) {
                // Borrowed element, up-ref'd so that the handle owns a reference of its own.
                guard let item = esa_sk_X509_value(stack, index), X509_up_ref(item) == 1 else {
                    continue
                }
                others.append(X509Handle(owning: item))
            }
            esa_sk_X509_pop_free(stack)
        }
        // Without local key ids OpenSSL may leave the leaf among the others: find it by public key.
        if certificate == nil, let key, let index = others.firstIndex(where: { $0.publicKeyMatches(key) }) {
            certificate = others.remove(at: index)
        }
        ERR_clear_error()
        return Contents(key: key, certificate: certificate, others: others)
    }
}
