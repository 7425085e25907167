import FoundationEssentials
import OpenSSLSupport
import Synchronization

/// The result of verifying a certificate chain.
public enum VerifyResult: Sendable, Equatable {
    /// The chain reaches a trusted certificate; `chainLength` counts leaf to anchor.
    case trusted(chainLength: Int)
    /// Verification failed: OpenSSL's verify error number (62 = host name mismatch, 10 = expired,
    /// 20 = unable to get local issuer, ...), its text, and the depth (0 = leaf).
    case failed(code: Int, reason: String, depth: Int)

    /// Whether the chain verified.
    public var isTrusted: Bool {
        if case .trusted = self {
            return true
        }
        return false
    }
}

/// A set of trusted CA certificates and chain verification against it.
public struct TrustStore: Sendable {
    /// OpenSSL's verify error number for a host name mismatch.
    public static let hostnameMismatch = 62
    /// OpenSSL's verify error number for an expired certificate.
    public static let certificateExpired = 10
    /// OpenSSL's verify error number for a missing issuer.
    public static let unableToGetIssuer = 20
    /// OpenSSL's verify error number for a revoked certificate.
    public static let certificateRevoked = 23
    /// OpenSSL's verify error number when revocation is checked and a certificate's issuer has no CRL.
    public static let unableToGetCRL = 3

    /// The trusted certificates.
    public let certificates: [Certificate]
    private let handle: TrustStoreHandle

    /// Builds a store once, to verify many chains against the same certificates.
    public init(certificates: [Certificate]) throws(CertificateError) {
        self.certificates = certificates
        do throws(OpenSSLError) {
            handle = try TrustStoreHandle(trusted: certificates.map(\.handle))
        } catch {
            throw CertificateError(.internal, error)
        }
    }

    /// Bundles already read by this process, by path: the system list is read once, not on every
    /// certificate that enters the appliance.
    private static let bundles = Mutex<[String: [Certificate]]>([:])

    /// Reads the operating system's CA bundle (every certificate of the PEM file), once per process.
    /// Throws `.fileUnreadable` or `.notPEM`.
    public static func systemBundle(
        path: String = "/etc/ssl/certs/ca-certificates.crt"
    ) throws(CertificateError)
        -> [Certificate]
    {
        if let known = bundles.withLock({ $0[path] }) { return known }
        let certificates = try readBundle(path: path)
        bundles.withLock { $0[path] = certificates }
        return certificates
    }

    private static func readBundle(path: String) throws(CertificateError) -> [Certificate] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CertificateError(.fileUnreadable, detail: "\(path): \(error)")
        }
        return try Certificate.parseAll(pem: text)
    }

    /// Verifies `leaf` with the helper `intermediates` against this store at `date` (injected time),
    /// checking `hostname` against the leaf's names when given. With `crls`, every certificate of the
    /// chain is checked for revocation and needs a CRL of its issuer among them (a revoked
    /// certificate fails with `certificateRevoked`, a missing CRL with `unableToGetCRL`); without,
    /// revocation is not checked.
    public func verify(
        leaf: Certificate,
        intermediates: [Certificate],
        hostname: String?,
        at date: Date,
        crls: [RevocationList] = []
    ) -> VerifyResult {
        do throws(OpenSSLError) {
            let outcome = try handle.verify(
                leaf: leaf.handle,
                intermediates: intermediates.map(\.handle),
                hostname: hostname,
                time: date,
                crls: crls.map(\.handle)
            )
            if outcome.code == 0 {
                return .trusted(chainLength: outcome.chainLength)
            }
            return .failed(code: outcome.code, reason: outcome.message, depth: outcome.depth)
        } catch {
            return .failed(code: -1, reason: error.description, depth: 0)
        }
    }

    /// One-shot verification of `leaf` and `intermediates` against `trusted` at `date`, checking
    /// revocation against `crls` when given.
    public static func verify(
        leaf: Certificate,
        intermediates: [Certificate],
        trusted: [Certificate],
        hostname: String?,
        at date: Date,
        crls: [RevocationList] = []
    ) -> VerifyResult {
        do throws(CertificateError) {
            return try TrustStore(certificates: trusted).verify(
                leaf: leaf,
                intermediates: intermediates,
                hostname: hostname,
                at: date,
                crls: crls
            )
        } catch {
            return .failed(code: -1, reason: error.description, depth: 0)
        }
    }
}
