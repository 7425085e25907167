import COpenSSL
import FoundationEssentials

/// Owns one `X509_CRL` (a certificate revocation list) and frees it in `deinit`. Immutable after
/// creation, so it can be read and used for verification from several threads.
public final class CRLHandle: @unchecked Sendable {
    /// The owned `X509_CRL`.
    let pointer: OpaquePointer

    /// Takes ownership of an `X509_CRL` (from `d2i_X509_CRL`).
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_CRL_free(pointer)
    }

    /// Parses one DER CRL; the bytes must hold exactly one CRL and nothing else.
    public convenience init(der: [UInt8]) throws(OpenSSLError) {
        let parsed: Result<OpaquePointer, OpenSSLError> = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                return .failure(OpenSSLError(operation: "d2i_X509_CRL (empty input)"))
            }
            var cursor: UnsafePointer<UInt8>? = base
            OpenSSLError.clearQueue()
            // Owned result of d2i.
            guard let crl = d2i_X509_CRL(nil, &cursor, buffer.count) else {
                return .failure(OpenSSLError.drain("d2i_X509_CRL"))
            }
            guard let cursor, cursor == base + buffer.count else {
                X509_CRL_free(crl)
                return .failure(OpenSSLError(operation: "d2i_X509_CRL (trailing data)"))
            }
            return .success(crl)
        }
        self.init(owning: try parsed.get())
    }

    /// The DER encoding.
    public func derBytes() throws(OpenSSLError) -> [UInt8] {
        try MemoryBIO.collecting { bio throws(OpenSSLError) in
            try check("i2d_X509_CRL_bio") { i2d_X509_CRL_bio(bio, pointer) }
        }
    }

    /// Issuer name entries, in encoding order.
    public var issuer: [NameEntry] {
        // Borrowed name (get).
        X509Names.entries(of: X509_CRL_get_issuer(pointer))
    }

    /// The thisUpdate (last update) time.
    public var lastUpdate: Date {
        // Borrowed time (get0).
        Self.date(X509_CRL_get0_lastUpdate(pointer)) ?? Date(timeIntervalSince1970: 0)
    }

    /// The nextUpdate time, when the CRL has one.
    public var nextUpdate: Date? {
        // Borrowed time (get0); nil when the optional field is absent.
        Self.date(X509_CRL_get0_nextUpdate(pointer))
    }

    /// Serial numbers of the revoked certificates, upper-case hexadecimal, in CRL order.
    public var revokedSerials: [String] {
        // Borrowed stack and elements (owned by the CRL); nil when nothing is revoked.
        guard let revoked = X509_CRL_get_REVOKED(pointer) else {
            return []
        }
        var result: [String] = []
        for index in 0..<esa_sk_X509_REVOKED_num(revoked) {
            guard let entry = esa_sk_X509_REVOKED_value(revoked, index),
                let serial = X509_REVOKED_get0_serialNumber(entry),
                let number = ASN1_INTEGER_to_BN(serial, nil)
            else {
                continue
            }
            // Owned BIGNUM and hex text, freed here.
            defer { BN_free(number) }
            if let hex = takeOpenSSLString(BN_bn2hex(number)) {
                result.append(hex)
            }
        }
        ERR_clear_error()
        return result
    }

    /// Whether `certificate`'s subject is this CRL's issuer and its public key verifies the CRL's signature.
    public func isSigned(by certificate: X509Handle) -> Bool {
        defer { ERR_clear_error() }
        OpenSSLError.clearQueue()
        // Borrowed names (get).
        guard X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_get_subject_name(certificate.pointer)) == 0 else {
            return false
        }
        // Borrowed public key (get0).
        guard let key = X509_get0_pubkey(certificate.pointer) else {
            return false
        }
        return withExtendedLifetime(certificate) { X509_CRL_verify(pointer, key) == 1 }
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else {
            return nil
        }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else {
            ERR_clear_error()
            return nil
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}
