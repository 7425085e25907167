import FoundationEssentials
import OpenSSLSupport

/// A certificate revocation list (X.509 CRL). Holds its DER bytes and one parsed OpenSSL object.
/// Equal when the DER bytes are equal.
public struct RevocationList: Sendable, Equatable {
    /// The DER encoding.
    public let der: [UInt8]
    let handle: CRLHandle

    /// Parses one DER CRL (exactly one, no trailing bytes). Throws `.notPEM` on bad DER.
    public init(der: [UInt8]) throws(CertificateError) {
        do throws(OpenSSLError) {
            handle = try CRLHandle(der: der)
        } catch {
            throw CertificateError(.notPEM, error)
        }
        self.der = der
    }

    /// Reads the first `BEGIN X509 CRL` block of `pem`; text outside it is ignored. Throws `.notPEM`
    /// when there is no CRL block, the block is not closed, or it holds bad base64 or bad DER.
    public init(pem: String) throws(CertificateError) {
        let blocks = try PEMBlocks.read(pem, label: "X509 CRL")
        guard let first = blocks.first else {
            throw CertificateError(.notPEM, detail: "no BEGIN X509 CRL block")
        }
        try self.init(der: first)
    }

    /// Reads a CRL file: PEM when it holds a `BEGIN X509 CRL` line, DER otherwise.
    public init(fileContents bytes: [UInt8]) throws(CertificateError) {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.contains("-----BEGIN X509 CRL-----") {
            try self.init(pem: text)
        } else {
            try self.init(der: bytes)
        }
    }

    /// PEM (`-----BEGIN X509 CRL-----`, 64-character lines, trailing newline).
    public var pem: String {
        PEMBlocks.write(der, label: "X509 CRL")
    }

    /// The issuer name (the CA that signed the list).
    public var issuer: DistinguishedName {
        DistinguishedName(entries: handle.issuer)
    }

    /// When the list was issued (thisUpdate).
    public var lastUpdate: Date {
        handle.lastUpdate
    }

    /// When the next list is due, if the CRL says.
    public var nextUpdate: Date? {
        handle.nextUpdate
    }

    /// Serial numbers of the revoked certificates, upper-case hexadecimal (as `Certificate.serialHex`).
    public var revokedSerials: [String] {
        handle.revokedSerials
    }

    /// Whether `certificate` is named as the issuer and its public key verifies the list's signature.
    public func isSigned(by certificate: Certificate) -> Bool {
        handle.isSigned(by: certificate.handle)
    }

    /// Whether `nextUpdate` has passed at `date` (a list without one never expires).
    public func isExpired(at date: Date) -> Bool {
        guard let nextUpdate else {
            return false
        }
        return nextUpdate < date
    }

    /// DER equality.
    public static func == (lhs: RevocationList, rhs: RevocationList) -> Bool {
        lhs.der == rhs.der
    }
}
