import OpenSSLSupport

/// A PKCS#10 certificate signing request in PEM.
public struct SigningRequest: Sendable, Equatable {
    /// PEM (`-----BEGIN CERTIFICATE REQUEST-----`).
    public let pem: String
    let handle: RequestHandle

    /// Makes a request for `key` with `subject` and a subjectAltName extension built like the
    /// self-signed certificate's (CN when it is a DNS name, then `alternativeNames`, no repeats).
    public static func make(
        subject: DistinguishedName,
        alternativeNames: [String],
        key: PrivateKey
    ) throws(CertificateError) -> SigningRequest {
        let names = try SubjectAlternativeNames.combine(commonName: subject.commonName, extra: alternativeNames)
        do throws(OpenSSLError) {
            let handle = try RequestHandle.make(
                subject: subject.entries,
                dnsNames: names,
                key: key.handle,
                digest: key.signatureDigest
            )
            return SigningRequest(pem: try handle.pem(), handle: handle)
        } catch {
            throw CertificateError(.generationFailed, error)
        }
    }

    private init(pem: String, handle: RequestHandle) {
        self.pem = pem
        self.handle = handle
    }

    /// Reads a PEM request. Throws `.notPEM`.
    public init(pem: String) throws(CertificateError) {
        do throws(OpenSSLError) {
            handle = try RequestHandle(pem: pem)
            self.pem = try handle.pem()
        } catch {
            throw CertificateError(.notPEM, error)
        }
    }

    /// The requested subject.
    public var subject: DistinguishedName {
        DistinguishedName(entries: handle.subject)
    }

    /// The requested dNSName entries.
    public var alternativeNames: [String] {
        handle.dnsNames
    }

    /// Whether the request's signature verifies with its own public key.
    public var verifiesSelfSignature: Bool {
        handle.verifiesSelfSignature
    }

    /// Type and size of the requested public key.
    public var publicKeyDescription: PublicKeyDescription {
        handle.publicKeyInfo.map(PublicKeyDescription.init)
            ?? PublicKeyDescription(typeName: "unknown", bits: 0, curveName: nil)
    }

    /// PEM equality.
    public static func == (lhs: SigningRequest, rhs: SigningRequest) -> Bool {
        lhs.pem == rhs.pem
    }
}
