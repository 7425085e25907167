import COpenSSL

/// Owns one `X509_REQ` (PKCS#10 certificate signing request) and frees it in `deinit`.
/// Immutable after creation.
public final class RequestHandle: @unchecked Sendable {
    /// The owned `X509_REQ`.
    let pointer: OpaquePointer

    /// Takes ownership of an `X509_REQ`.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_REQ_free(pointer)
    }

    /// Reads a PEM request (`BEGIN CERTIFICATE REQUEST`; `BEGIN NEW CERTIFICATE REQUEST` too).
    public convenience init(pem: String) throws(OpenSSLError) {
        let request = try MemoryBIO.withReading(Array(pem.utf8)) { bio throws(OpenSSLError) in
            // Owned result of PEM_read.
            try call("PEM_read_bio_X509_REQ") { PEM_read_bio_X509_REQ(bio, nil, nil, nil) }
        }
        self.init(owning: request)
    }

    /// Builds and signs a request for `key` with a subjectAltName extension holding `dnsNames`.
    public static func make(
        subject: [NameEntry],
        dnsNames: [String],
        key: KeyHandle,
        digest: String
    ) throws(OpenSSLError) -> RequestHandle {
        let request = RequestHandle(owning: try call("X509_REQ_new") { X509_REQ_new() })
        let r = request.pointer
        try check("X509_REQ_set_version") { X509_REQ_set_version(r, Int(X509_REQ_VERSION_1)) }
        let name = try X509Names.make(subject)
        defer { X509_NAME_free(name) }
        try check("X509_REQ_set_subject_name") { X509_REQ_set_subject_name(r, name) }  // copies `name`
        try check("X509_REQ_set_pubkey") { X509_REQ_set_pubkey(r, key.pointer) }  // up-refs the key
        if !dnsNames.isEmpty {
            let names = try X509Names.makeDNSNames(dnsNames)
            defer { esa_GENERAL_NAMES_free(names) }
            // Owned extension; the stack takes it over and is freed with its elements.
            let extensionPointer = try call("X509V3_EXT_i2d") {
                X509V3_EXT_i2d(NID_subject_alt_name, 0, UnsafeMutableRawPointer(names))
            }
            guard let stack = esa_sk_X509_EXTENSION_new_null() else {
                X509_EXTENSION_free(extensionPointer)
                throw OpenSSLError.drain("sk_X509_EXTENSION_new_null")
            }
            defer { esa_sk_X509_EXTENSION_pop_free(stack) }
            guard esa_sk_X509_EXTENSION_push(stack, extensionPointer) > 0 else {
                X509_EXTENSION_free(extensionPointer)
                throw OpenSSLError.drain("sk_X509_EXTENSION_push")
            }
            try check("X509_REQ_add_extensions") { X509_REQ_add_extensions(r, stack) }  // encodes a copy
        }
        let md = try call("EVP_get_digestbyname") { EVP_get_digestbyname(digest) }
        try check("X509_REQ_sign") { X509_REQ_sign(r, key.pointer, md) }
        return request
    }

    /// The PEM encoding (`BEGIN CERTIFICATE REQUEST`).
    public func pem() throws(OpenSSLError) -> String {
        let bytes = try MemoryBIO.collecting { bio throws(OpenSSLError) in
            try check("PEM_write_bio_X509_REQ") { PEM_write_bio_X509_REQ(bio, pointer) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Subject name entries, in encoding order.
    public var subject: [NameEntry] {
        // Borrowed name (get).
        X509Names.entries(of: X509_REQ_get_subject_name(pointer))
    }

    /// The requested dNSName entries (from the extensionRequest attribute).
    public var dnsNames: [String] {
        // Owned extension stack (X509_REQ_get_extensions returns a new stack).
        guard let extensions = X509_REQ_get_extensions(pointer) else {
            ERR_clear_error()
            return []
        }
        defer { esa_sk_X509_EXTENSION_pop_free(extensions) }
        return X509Names.takeDNSNames(esa_extensions_get_subject_alt_names(extensions))
    }

    /// Whether the request's signature verifies with its own public key.
    public var verifiesSelfSignature: Bool {
        defer { ERR_clear_error() }
        // Borrowed public key (get0).
        guard let key = X509_REQ_get0_pubkey(pointer) else {
            return false
        }
        return X509_REQ_verify(pointer, key) == 1
    }

    /// Whether the request's public key is the public half of `key`.
    public func publicKeyMatches(_ key: KeyHandle) -> Bool {
        guard let mine = X509_REQ_get0_pubkey(pointer) else {
            ERR_clear_error()
            return false
        }
        return EVP_PKEY_eq(mine, key.pointer) == 1
    }

    /// Type, size and curve of the request's public key.
    public var publicKeyInfo: KeyInfo? {
        guard let key = X509_REQ_get0_pubkey(pointer) else {
            ERR_clear_error()
            return nil
        }
        return KeyInfo(of: key)
    }
}
