import Certificates
import Shell

/// How a certificate error the command did not explain itself reaches the administrator. Sites
/// that know more (which file, which profile) still throw their own `ShellError`.
extension CertificateError: PresentableError {
    public var presentation: ShellError {
        switch code {
        case .notPEM: .actionFailed("The certificate is not in PEM format.")
        case .invalidKey: .actionFailed("The private key is not in PEM format.")
        case .keyMismatch: .actionFailed("The private key does not match the certificate.")
        case .badPassphrase: .actionFailed("Invalid pass phrase for the private key.")
        case .badPKCS12, .unsupportedAlgorithm, .noKeyInPKCS12, .noCertificateInPKCS12:
            CertConfigImport.pkcs12Failure(self)
        case .unsupportedKey: .actionFailed("Unsupported key.")
        case .invalidName(let name): .actionFailed("Invalid DNS name \"\(name)\".")
        case .invalidDuration: .invalidInput("The validity must be at least one day.")
        case .generationFailed: .actionFailed("The certificate or key could not be generated.")
        case .fileUnreadable: .io("The file cannot be read.")
        case .internal: ShellError(.internalError, "Internal error: \(self)")
        }
    }
}
