import OpenSSLSupport

/// The one error type of the Certificates module. Callers switch on `code`; `detail` (the drained
/// OpenSSL error queue or a short reason) is for logs only, never for the administrator's screen.
public struct CertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as far as a caller needs to decide what to tell the administrator.
    public enum Code: Sendable, Equatable, Hashable {
        /// No certificate (or request) found, truncated PEM, bad base64 or bad DER.
        case notPEM
        /// The text is not a private key this build can read.
        case invalidKey
        /// The private key does not belong to the certificate.
        case keyMismatch
        /// The private key is encrypted and the passphrase was missing or wrong.
        case badPassphrase
        /// Not a PKCS#12 file, truncated, bad MAC or wrong passphrase.
        case badPKCS12
        /// A valid PKCS#12 file encrypted with an algorithm this build cannot use (name attached).
        case unsupportedAlgorithm(String)
        /// The PKCS#12 file asks for more key derivation iterations than accepted (the count attached).
        case tooManyIterations(Int)
        /// The PKCS#12 file holds no private key.
        case noKeyInPKCS12
        /// The PKCS#12 file holds no certificate for its key.
        case noCertificateInPKCS12
        /// The key type or size is not accepted (RSA 2048–8192, EC P-256/384/521).
        case unsupportedKey
        /// A name given for a certificate is not a valid DNS name (the name is attached).
        case invalidName(String)
        /// A validity of less than one day was requested.
        case invalidDuration
        /// Key, certificate, request or file generation failed inside OpenSSL.
        case generationFailed
        /// A file could not be read.
        case fileUnreadable
        /// An unexpected OpenSSL failure.
        case `internal`
    }

    /// What went wrong.
    public let code: Code
    /// Log detail: the operation and OpenSSL's error queue, or a short reason.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, detail: String = "") {
        self.code = code
        self.detail = detail
    }

    init(_ code: Code, _ error: OpenSSLError) {
        self.init(code, detail: error.description)
    }

    /// Code and detail, for logs.
    public var description: String {
        detail.isEmpty ? "\(code)" : "\(code): \(detail)"
    }
}
