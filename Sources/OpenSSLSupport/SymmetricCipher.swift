import COpenSSL

/// AES-256-GCM with OpenSSL's EVP interface. Keys are 32 bytes, nonces 12, tags 16.
public enum SymmetricCipher {
    public static let keyLength = 32
    public static let nonceLength = 12
    public static let tagLength = 16

    /// Encrypts `plaintext`; returns the ciphertext (same length) and the authentication tag.
    public static func sealAES256GCM(
        key: [UInt8],
        nonce: [UInt8],
        plaintext: [UInt8],
        associatedData: [UInt8] = []
    ) throws(OpenSSLError) -> (ciphertext: [UInt8], tag: [UInt8]) {
        try checkSizes(key: key, nonce: nonce)
        let context = try CipherContext()
        try check("EVP_EncryptInit_ex") { EVP_EncryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, key, nonce) }
        if !associatedData.isEmpty {
            var ignored: Int32 = 0
            try check("EVP_EncryptUpdate") {
                EVP_EncryptUpdate(context.pointer, nil, &ignored, associatedData, Int32(associatedData.count))
            }
        }
        // One block of slack: GCM is a stream mode, but the EVP contract allows up to a block more.
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
        var written: Int32 = 0
        if !plaintext.isEmpty {
            try check("EVP_EncryptUpdate") {
                EVP_EncryptUpdate(context.pointer, &ciphertext, &written, plaintext, Int32(plaintext.count))
            }
        }
        var final: Int32 = 0
        try ciphertext.withUnsafeMutableBufferPointer { buffer throws(OpenSSLError) in
            try check("EVP_EncryptFinal_ex") {
                EVP_EncryptFinal_ex(context.pointer, buffer.baseAddress! + Int(written), &final)
            }
        }
        ciphertext.removeLast(ciphertext.count - Int(written + final))
        var tag = [UInt8](repeating: 0, count: tagLength)
        try check("EVP_CIPHER_CTX_ctrl") {
            EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), &tag)
        }
        return (ciphertext, tag)
    }

    /// Decrypts and authenticates; throws when the key, nonce, data or tag do not match.
    /// The plaintext is returned only after the tag has been verified.
    public static func openAES256GCM(
        key: [UInt8],
        nonce: [UInt8],
        ciphertext: [UInt8],
        tag: [UInt8],
        associatedData: [UInt8] = []
    ) throws(OpenSSLError) -> [UInt8] {
        try checkSizes(key: key, nonce: nonce)
        guard tag.count == tagLength else { throw OpenSSLError(operation: "AES-256-GCM: tag length") }
        let context = try CipherContext()
        try check("EVP_DecryptInit_ex") { EVP_DecryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, key, nonce) }
        if !associatedData.isEmpty {
            var ignored: Int32 = 0
            try check("EVP_DecryptUpdate") {
                EVP_DecryptUpdate(context.pointer, nil, &ignored, associatedData, Int32(associatedData.count))
            }
        }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var written: Int32 = 0
        if !ciphertext.isEmpty {
            try check("EVP_DecryptUpdate") {
                EVP_DecryptUpdate(context.pointer, &plaintext, &written, ciphertext, Int32(ciphertext.count))
            }
        }
        var expected = tag
        try check("EVP_CIPHER_CTX_ctrl") {
            EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), &expected)
        }
        var final: Int32 = 0
        do throws(OpenSSLError) {
            try plaintext.withUnsafeMutableBufferPointer { buffer throws(OpenSSLError) in
                try check("EVP_DecryptFinal_ex") {
                    EVP_DecryptFinal_ex(context.pointer, buffer.baseAddress! + Int(written), &final)
                }
            }
        } catch {
            cleanse(&plaintext)
            throw error
        }
        plaintext.removeLast(plaintext.count - Int(written + final))
        return plaintext
    }

    private static func checkSizes(key: [UInt8], nonce: [UInt8]) throws(OpenSSLError) {
        guard key.count == keyLength else { throw OpenSSLError(operation: "AES-256-GCM: key length") }
        guard nonce.count == nonceLength else { throw OpenSSLError(operation: "AES-256-GCM: nonce length") }
    }
}

/// Owns one `EVP_CIPHER_CTX` and frees it (wiping its key schedule) in `deinit`.
private final class CipherContext {
    let pointer: OpaquePointer

    init() throws(OpenSSLError) {
        // Owned: freed with EVP_CIPHER_CTX_free below.
        pointer = try call("EVP_CIPHER_CTX_new") { EVP_CIPHER_CTX_new() }
    }

    deinit {
        EVP_CIPHER_CTX_free(pointer)
    }
}
