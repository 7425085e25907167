import COpenSSL
import FoundationEssentials

/// Owns one `X509` certificate and frees it in `deinit`. Immutable after creation; OpenSSL 3
/// guards its lazily cached extension data with its own lock, so concurrent reads are safe.
public final class X509Handle: @unchecked Sendable {
    /// The owned `X509`.
    let pointer: OpaquePointer

    /// Takes ownership of an `X509` (from `d2i`, `X509_new`, or an `up_ref`ed pointer).
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_free(pointer)
    }

    /// Parses one DER certificate; the bytes must hold exactly one certificate and nothing else.
    public convenience init(der: [UInt8]) throws(OpenSSLError) {
        let parsed: Result<OpaquePointer, OpenSSLError> = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                return .failure(OpenSSLError(operation: "d2i_X509 (empty input)"))
            }
            var cursor: UnsafePointer<UInt8>? = base
            OpenSSLError.clearQueue()
            // Owned result of d2i.
            guard let certificate = d2i_X509(nil, &cursor, buffer.count) else {
                return .failure(OpenSSLError.drain("d2i_X509"))
            }
            guard let cursor, cursor == base + buffer.count else {
                X509_free(certificate)
                return .failure(OpenSSLError(operation: "d2i_X509 (trailing data)"))
            }
            return .success(certificate)
        }
        self.init(owning: try parsed.get())
    }

    /// The DER encoding.
    public func derBytes() throws(OpenSSLError) -> [UInt8] {
        try MemoryBIO.collecting { bio throws(OpenSSLError) in
            try check("i2d_X509_bio") { i2d_X509_bio(bio, pointer) }
        }
    }

    /// Subject name entries, in encoding order.
    public var subject: [NameEntry] {
        // Borrowed name (get).
        X509Names.entries(of: X509_get_subject_name(pointer))
    }

    /// Issuer name entries, in encoding order.
    public var issuer: [NameEntry] {
        // Borrowed name (get).
        X509Names.entries(of: X509_get_issuer_name(pointer))
    }

    /// Whether subject and issuer are the same name (OpenSSL's canonical comparison).
    public var subjectEqualsIssuer: Bool {
        X509_NAME_cmp(X509_get_subject_name(pointer), X509_get_issuer_name(pointer)) == 0
    }

    /// Whether both certificates have the same subject name (canonical comparison).
    public func hasSameSubject(as other: X509Handle) -> Bool {
        X509_NAME_cmp(X509_get_subject_name(pointer), X509_get_subject_name(other.pointer)) == 0
    }

    /// Start of validity.
    public var notBefore: Date {
        // Borrowed time (get0).
        Self.date(X509_get0_notBefore(pointer))
    }

    /// End of validity.
    public var notAfter: Date {
        // Borrowed time (get0).
        Self.date(X509_get0_notAfter(pointer))
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else {
            ERR_clear_error()
            return Date(timeIntervalSince1970: 0)
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// The serial number in upper-case hexadecimal without separators.
    public var serialHex: String {
        // Borrowed serial (get0); the BIGNUM and its hex text are owned and freed here.
        guard let serial = X509_get0_serialNumber(pointer), let number = ASN1_INTEGER_to_BN(serial, nil) else {
            ERR_clear_error()
            return ""
        }
        defer { BN_free(number) }
        return takeOpenSSLString(BN_bn2hex(number)) ?? ""
    }

    /// The dNSName entries of the subjectAltName extension, in order.
    public var dnsNames: [String] {
        // Owned GENERAL_NAMES, freed by takeDNSNames.
        X509Names.takeDNSNames(esa_X509_get_subject_alt_names(pointer))
    }

    /// The dNSName, iPAddress and rfc822Name entries of subjectAltName, in certificate order.
    public var alternativeNames: [AlternativeName] {
        // Owned GENERAL_NAMES, freed by takeAlternativeNames.
        X509Names.takeAlternativeNames(esa_X509_get_subject_alt_names(pointer))
    }

    /// Whether basicConstraints says CA:TRUE.
    public var isCA: Bool {
        (X509_get_extension_flags(pointer) & UInt32(EXFLAG_CA)) != 0
    }

    /// Subject equals issuer and the certificate's own key verifies its signature.
    public var isSelfSigned: Bool {
        OpenSSLError.clearQueue()
        defer { ERR_clear_error() }
        return X509_self_signed(pointer, 1) == 1
    }

    /// Whether `issuer`'s subject (and key identifiers, key usage) fit this certificate's issuer and
    /// `issuer`'s public key verifies this certificate's signature.
    public func isIssued(by issuer: X509Handle) -> Bool {
        defer { ERR_clear_error() }
        guard X509_check_issued(issuer.pointer, pointer) == X509_V_OK else {
            return false
        }
        // Borrowed public key (get0).
        guard let key = X509_get0_pubkey(issuer.pointer) else {
            return false
        }
        return X509_verify(pointer, key) == 1
    }

    /// Whether both certificates carry the same public key.
    public func hasSamePublicKey(as other: X509Handle) -> Bool {
        guard let mine = X509_get0_pubkey(pointer), let theirs = X509_get0_pubkey(other.pointer) else {
            return false
        }
        return EVP_PKEY_eq(mine, theirs) == 1
    }

    /// Whether the certificate's public key is the public half of `key`.
    public func publicKeyMatches(_ key: KeyHandle) -> Bool {
        // Borrowed public key (get0).
        guard let mine = X509_get0_pubkey(pointer) else {
            return false
        }
        return EVP_PKEY_eq(mine, key.pointer) == 1
    }

    /// Type, size and curve of the certificate's public key (nil if OpenSSL cannot decode it).
    public var publicKeyInfo: KeyInfo? {
        // Borrowed public key (get0).
        guard let key = X509_get0_pubkey(pointer) else {
            ERR_clear_error()
            return nil
        }
        return KeyInfo(of: key)
    }

    /// SHA-256 digest of the DER encoding.
    public var sha256Digest: [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(pointer, EVP_sha256(), &digest, &length) == 1 else {
            ERR_clear_error()
            return []
        }
        return Array(digest.prefix(Int(length)))
    }

    /// OpenSSL's `-text` rendering (for logs and debugging).
    public var text: String {
        let bytes =
            (try? MemoryBIO.collecting { bio throws(OpenSSLError) in
                try check("X509_print") { X509_print(bio, pointer) }
            }) ?? []
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What goes into a new certificate.
public struct CertificateTemplate: Sendable {
    /// Subject name entries in order (issuer = subject when self-signed).
    public var subject: [NameEntry]
    /// Serial number, big-endian, interpreted as a positive integer.
    public var serial: [UInt8]
    /// Start of validity.
    public var notBefore: Date
    /// End of validity.
    public var notAfter: Date
    /// Extensions in OpenSSL configuration syntax, e.g. (`basicConstraints`, `critical,CA:FALSE`).
    public var extensions: [(name: String, value: String)]
    /// dNSName entries of the subjectAltName extension (none: no extension).
    public var dnsNames: [String]
    /// Digest name for the signature, e.g. `SHA256`.
    public var digest: String

    /// Creates a template.
    public init(
        subject: [NameEntry],
        serial: [UInt8],
        notBefore: Date,
        notAfter: Date,
        extensions: [(name: String, value: String)],
        dnsNames: [String],
        digest: String
    ) {
        self.subject = subject
        self.serial = serial
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.extensions = extensions
        self.dnsNames = dnsNames
        self.digest = digest
    }
}

extension X509Handle {
    /// Builds and signs a v3 certificate for `subjectKey`. Self-signed when `issuer` is nil;
    /// otherwise the issuer name and authority key id come from `issuer` and `signingKey` signs.
    public static func issue(
        _ template: CertificateTemplate,
        subjectKey: KeyHandle,
        issuer: X509Handle?,
        signingKey: KeyHandle
    ) throws(OpenSSLError) -> X509Handle {
        let certificate = X509Handle(owning: try call("X509_new") { X509_new() })
        let x = certificate.pointer
        try check("X509_set_version") { X509_set_version(x, Int(X509_VERSION_3)) }

        let serial = try call("BN_bin2bn") { BN_bin2bn(template.serial, Int32(template.serial.count), nil) }
        defer { BN_free(serial) }
        // Borrowed (get) serial of the new certificate, overwritten in place.
        try check("BN_to_ASN1_INTEGER") { BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == nil ? 0 : 1 }

        let name = try X509Names.make(template.subject)
        defer { X509_NAME_free(name) }
        try check("X509_set_subject_name") { X509_set_subject_name(x, name) }  // copies `name`
        if let issuer {
            try check("X509_set_issuer_name") { X509_set_issuer_name(x, X509_get_subject_name(issuer.pointer)) }
        } else {
            try check("X509_set_issuer_name") { X509_set_issuer_name(x, name) }
        }
        // getm: borrowed mutable times, set in place.
        try check("ASN1_TIME_set(notBefore)") {
            ASN1_TIME_set(X509_getm_notBefore(x), time_t(template.notBefore.timeIntervalSince1970)) == nil ? 0 : 1
        }
        try check("ASN1_TIME_set(notAfter)") {
            ASN1_TIME_set(X509_getm_notAfter(x), time_t(template.notAfter.timeIntervalSince1970)) == nil ? 0 : 1
        }
        try check("X509_set_pubkey") { X509_set_pubkey(x, subjectKey.pointer) }  // up-refs the key

        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? x, x, nil, nil, 0)
        for (extensionName, value) in template.extensions {
            // Owned extension from X509V3_EXT_nconf; X509_add_ext copies it.
            let extensionPointer = try call("X509V3_EXT_nconf(\(extensionName))") {
                X509V3_EXT_nconf(nil, &context, extensionName, value)
            }
            defer { X509_EXTENSION_free(extensionPointer) }
            try check("X509_add_ext(\(extensionName))") { X509_add_ext(x, extensionPointer, -1) }
        }
        if !template.dnsNames.isEmpty {
            let names = try X509Names.makeDNSNames(template.dnsNames)
            defer { esa_GENERAL_NAMES_free(names) }
            try check("X509_add1_ext_i2d(subjectAltName)") {
                X509_add1_ext_i2d(x, NID_subject_alt_name, UnsafeMutableRawPointer(names), 0, UInt(X509V3_ADD_DEFAULT))
            }
        }
        let digest = try call("EVP_get_digestbyname") { EVP_get_digestbyname(template.digest) }
        try check("X509_sign") { X509_sign(x, signingKey.pointer, digest) }
        return certificate
    }
}
