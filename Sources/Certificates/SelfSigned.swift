import FoundationEssentials
import OpenSSLSupport
import TextSupport

/// Self-signed certificates as made by certconfig NEW (certconfig.md §5 "Produced objects").
public enum SelfSigned {
    /// Five minutes of back-dating for clock skew between peers.
    public static let backdating: TimeInterval = 300

    /// Makes a v3 self-signed certificate for `key`: random positive 128-bit serial, SHA-256
    /// (SHA-384 for P-384), valid from `now` − 5 minutes until `now` + `days`,
    /// basicConstraints critical CA:FALSE, keyUsage digitalSignature,keyEncipherment (EC keys:
    /// digitalSignature), extendedKeyUsage serverAuth,clientAuth, subject key identifier, and
    /// subjectAltName = the Common Name when it is a DNS name, then `alternativeNames` without
    /// duplicates (ignoring case). Throws `.invalidName` for an alternative name that is not a DNS
    /// name and `.invalidDuration` for `days` < 1.
    public static func make(
        subject: DistinguishedName,
        alternativeNames: [String],
        days: Int,
        key: PrivateKey,
        now: Date
    ) throws(CertificateError) -> Certificate {
        guard days >= 1 else {
            throw CertificateError(.invalidDuration, detail: "\(days) days")
        }
        let names = try SubjectAlternativeNames.combine(commonName: subject.commonName, extra: alternativeNames)
        let isEC = key.typeName == "EC"
        let notBefore = now.addingTimeInterval(-backdating)
        let template = CertificateTemplate(
            subject: subject.entries,
            serial: try randomSerial(),
            notBefore: notBefore,
            notAfter: notBefore.addingTimeInterval(backdating + TimeInterval(days) * 86_400),
            extensions: [
                ("basicConstraints", "critical,CA:FALSE"),
                ("keyUsage", isEC ? "critical,digitalSignature" : "critical,digitalSignature,keyEncipherment"),
                ("extendedKeyUsage", "serverAuth,clientAuth"),
                ("subjectKeyIdentifier", "hash"),
            ],
            dnsNames: names,
            digest: key.signatureDigest
        )
        let handle: X509Handle
        do throws(OpenSSLError) {
            handle = try X509Handle.issue(template, subjectKey: key.handle, issuer: nil, signingKey: key.handle)
        } catch {
            throw CertificateError(.generationFailed, error)
        }
        return try Certificate(handle: handle)
    }

    /// 16 random bytes read as a positive integer (never zero).
    static func randomSerial() throws(CertificateError) -> [UInt8] {
        do throws(OpenSSLError) {
            var serial = try SecureRandom.bytes(16)
            if serial.allSatisfy({ $0 == 0 }) {
                serial[15] = 1
            }
            return serial
        } catch {
            throw CertificateError(.generationFailed, error)
        }
    }
}

/// The subjectAltName policy shared by certificates and requests.
enum SubjectAlternativeNames {
    /// The CN first when it is a DNS name, then each extra name, dropping case-insensitive repeats.
    static func combine(commonName: String?, extra: [String]) throws(CertificateError) -> [String] {
        var result: [String] = []
        var seen: Set<String> = []
        if let commonName, HostnameRules.isDNSName(commonName, allowWildcard: true) {
            result.append(commonName)
            seen.insert(commonName.lowercased())
        }
        for name in extra {
            let trimmed = name.trimmingWhitespace()
            guard HostnameRules.isDNSName(trimmed, allowWildcard: true) else {
                throw CertificateError(.invalidName(name), detail: "not a DNS name")
            }
            if seen.insert(trimmed.lowercased()).inserted {
                result.append(trimmed)
            }
        }
        return result
    }
}

/// The factory Demo certificate (certconfig.md §10).
public enum DemoCertificate {
    /// Common Name of the Demo certificate.
    public static let commonName = "esa Appliance Demo Certificate"
    /// Validity in days (ten years).
    public static let days = 3650

    /// Generates an RSA 2048 key and a self-signed certificate, CN `esa Appliance Demo Certificate`,
    /// O `esa`, valid 3650 days from `now`, with the extensions of `SelfSigned`.
    public static func make(now: Date) throws(CertificateError) -> (key: PrivateKey, certificate: Certificate) {
        let key = try PrivateKey.generate(.rsa2048)
        let certificate = try SelfSigned.make(
            subject: DistinguishedName(commonName: commonName, organization: "esa"),
            alternativeNames: [],
            days: days,
            key: key,
            now: now
        )
        return (key, certificate)
    }
}
