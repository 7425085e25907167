import FoundationEssentials
import OpenSSLSupport
import TextSupport

/// An X.509 certificate. Holds its DER bytes and one parsed OpenSSL object, so reading fields
/// never re-parses. Equal when the DER bytes are equal.
public struct Certificate: Sendable, Equatable, Hashable {
    /// The DER encoding.
    public let der: [UInt8]
    let handle: X509Handle

    /// Parses one DER certificate (exactly one, no trailing bytes). Throws `.notPEM` on bad DER.
    public init(der: [UInt8]) throws(CertificateError) {
        do throws(OpenSSLError) {
            handle = try X509Handle(der: der)
        } catch {
            throw CertificateError(.notPEM, error)
        }
        self.der = der
    }

    init(handle: X509Handle) throws(CertificateError) {
        do throws(OpenSSLError) {
            der = try handle.derBytes()
        } catch {
            throw CertificateError(.internal, error)
        }
        self.handle = handle
    }

    /// Reads every `BEGIN CERTIFICATE` block of `pem`, in order; text outside the blocks (and
    /// other block types such as keys) is ignored. Throws `.notPEM` when there is no certificate,
    /// a block is not closed, or a block holds bad base64 or bad DER.
    public static func parseAll(pem: String) throws(CertificateError) -> [Certificate] {
        let blocks = try PEMBlocks.read(pem, label: "CERTIFICATE")
        guard !blocks.isEmpty else {
            throw CertificateError(.notPEM, detail: "no BEGIN CERTIFICATE block")
        }
        var result: [Certificate] = []
        result.reserveCapacity(blocks.count)
        for block in blocks {
            result.append(try Certificate(der: block))
        }
        return result
    }

    /// Reads the first certificate of `pem` (see `parseAll`).
    public init(pem: String) throws(CertificateError) {
        let all = try Certificate.parseAll(pem: pem)
        self = all[0]
    }

    /// PEM (`-----BEGIN CERTIFICATE-----`, 64-character lines, trailing newline).
    public var pem: String {
        PEMBlocks.write(der, label: "CERTIFICATE")
    }

    /// The subject name.
    public var subject: DistinguishedName {
        DistinguishedName(entries: handle.subject)
    }

    /// The issuer name.
    public var issuer: DistinguishedName {
        DistinguishedName(entries: handle.issuer)
    }

    /// Start of validity.
    public var notBefore: Date {
        handle.notBefore
    }

    /// End of validity.
    public var notAfter: Date {
        handle.notAfter
    }

    /// Serial number, upper-case hexadecimal.
    public var serialHex: String {
        handle.serialHex
    }

    /// The dNSName entries of subjectAltName, in certificate order.
    public var subjectAlternativeDNSNames: [String] {
        handle.dnsNames
    }

    /// The DNS, IP address and email entries of subjectAltName, in certificate order.
    public var subjectAlternativeNames: [AlternativeName] {
        handle.alternativeNames
    }

    /// Subject equals issuer and the certificate's own key verifies its signature.
    public var isSelfSigned: Bool {
        handle.isSelfSigned
    }

    /// basicConstraints CA:TRUE.
    public var isCA: Bool {
        handle.isCA
    }

    /// Whether `other`'s subject matches this certificate's issuer and `other`'s key verifies its signature.
    public func isIssued(by other: Certificate) -> Bool {
        handle.isIssued(by: other.handle)
    }

    /// Whether both certificates carry the same public key.
    public func hasSamePublicKey(as other: Certificate) -> Bool {
        handle.hasSamePublicKey(as: other.handle)
    }

    /// SHA-256 fingerprint of the DER, `AB:CD:…` (upper case, as `openssl x509 -fingerprint -sha256`).
    public var sha256Fingerprint: String {
        handle.sha256Digest.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// Type and size of the public key (`Unsupported key: {type} {bits} bits.` uses its description).
    public var publicKeyDescription: PublicKeyDescription {
        handle.publicKeyInfo.map(PublicKeyDescription.init)
            ?? PublicKeyDescription(typeName: "unknown", bits: 0, curveName: nil)
    }

    /// Validity of the certificate at `date`.
    public func validity(at date: Date) -> Validity {
        if date < notBefore {
            return .notYetValid
        }
        if date > notAfter {
            return .expired
        }
        return .valid(daysRemaining: Int(notAfter.timeIntervalSince(date) / 86_400))
    }

    /// Whether the certificate is valid at `date`.
    public func isValid(at date: Date) -> Bool {
        if case .valid = validity(at: date) {
            return true
        }
        return false
    }

    /// OpenSSL's text dump of the certificate (for logs and debugging).
    public var textDump: String {
        handle.text
    }

    /// DER equality.
    public static func == (lhs: Certificate, rhs: Certificate) -> Bool {
        lhs.der == rhs.der
    }

    /// Hashes the DER bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(der)
    }
}

/// Where a certificate stands at a given moment.
public enum Validity: Sendable, Equatable {
    /// Valid; whole days left until `notAfter` (0 on the last day).
    case valid(daysRemaining: Int)
    /// `notAfter` has passed.
    case expired
    /// `notBefore` is still ahead.
    case notYetValid
}

/// Reading and writing PEM armour in Swift (base64 via FoundationEssentials).
enum PEMBlocks {
    /// The decoded bodies of every `-----BEGIN {label}-----` block, in order. Other blocks and text
    /// outside blocks are skipped. An unterminated block, headers or bad base64 throw `.notPEM`.
    static func read(_ text: String, label: String) throws(CertificateError) -> [[UInt8]] {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        var blocks: [[UInt8]] = []
        var inBlock = false
        var body = ""
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingWhitespace()
            if inBlock {
                if line == end {
                    guard let data = Data(base64Encoded: body), !data.isEmpty else {
                        throw CertificateError(.notPEM, detail: "bad base64 in \(label) block \(blocks.count + 1)")
                    }
                    blocks.append(Array(data))
                    inBlock = false
                } else if line.hasPrefix("-----") || line.contains(":") {
                    throw CertificateError(.notPEM, detail: "unexpected line in \(label) block \(blocks.count + 1)")
                } else {
                    body += line
                }
            } else if line == begin {
                inBlock = true
                body = ""
            }
        }
        if inBlock {
            throw CertificateError(.notPEM, detail: "\(label) block \(blocks.count + 1) is not terminated")
        }
        return blocks
    }

    /// PEM armour around `der` with 64-character lines and a final newline.
    static func write(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----\n"
    }
}
