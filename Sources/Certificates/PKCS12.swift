import OpenSSLSupport

/// How an exported PKCS#12 file is protected (certconfig.md §12).
public enum PKCS12Encoding: Sendable, CaseIterable, Equatable {
    /// OpenSSL 3 defaults: PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC, 2048 iterations, HMAC-SHA256 MAC.
    case modern
    /// PBE-SHA1-3DES for keys and certificates, HMAC-SHA1 MAC, for older software.
    case legacy3DES
}

/// PKCS#12 (`.pfx`, `.p12`) export and import.
public enum PKCS12 {
    /// The most key derivation iterations a PKCS#12 file may ask for (1,000,000).
    public static let maximumIterations = PKCS12Support.maximumIterations

    /// Writes `key`, `certificate` (friendly name `friendlyName`, local key id) and `chain` (in the
    /// given order) protected by `passphrase`. Throws `.keyMismatch` when the key is not the
    /// certificate's.
    public static func export(
        key: PrivateKey,
        certificate: Certificate,
        chain: [Certificate],
        friendlyName: String,
        passphrase: String,
        encoding: PKCS12Encoding
    ) throws(CertificateError) -> [UInt8] {
        guard key.matches(certificate) else {
            throw CertificateError(.keyMismatch, detail: "export")
        }
        do throws(OpenSSLError) {
            return try PKCS12Support.create(
                key: key.handle,
                certificate: certificate.handle,
                chain: chain.map(\.handle),
                friendlyName: friendlyName,
                passphrase: passphrase,
                encryption: encoding == .modern ? .modern : .legacy3DES
            )
        } catch {
            throw CertificateError(.generationFailed, error)
        }
    }

    /// Reads a PKCS#12 file: modern, legacy 3DES, legacy RC2-40 (OpenSSL's legacy provider is
    /// loaded for it), or with unencrypted bags. Returns the key, its certificate and every other
    /// certificate in file order. Throws `.badPKCS12` (not PKCS#12, truncated, bad MAC, wrong
    /// passphrase), `.unsupportedAlgorithm(name)`, `.noKeyInPKCS12` or `.noCertificateInPKCS12`.
    public static func parse(
        _ bytes: [UInt8],
        passphrase: String
    ) throws(CertificateError) -> (key: PrivateKey, certificate: Certificate, others: [Certificate]) {
        let contents: PKCS12Support.Contents
        do throws(PKCS12Support.ParseFailure) {
            contents = try PKCS12Support.parse(bytes, passphrase: passphrase)
        } catch {
            switch error {
            case .notPKCS12(let detail), .wrongPassphraseOrDamaged(let detail):
                throw CertificateError(.badPKCS12, detail)
            case .unsupportedAlgorithm(let name, let detail):
                throw CertificateError(.unsupportedAlgorithm(name), detail)
            case .tooManyIterations(let count):
                throw CertificateError(.tooManyIterations(count), detail: "\(count) iterations")
            }
        }
        guard let keyHandle = contents.key else {
            throw CertificateError(.noKeyInPKCS12, detail: "\(contents.others.count) certificates, no key")
        }
        guard let certificateHandle = contents.certificate else {
            throw CertificateError(.noCertificateInPKCS12, detail: "\(contents.others.count) unrelated certificates")
        }
        var others: [Certificate] = []
        for handle in contents.others {
            others.append(try Certificate(handle: handle))
        }
        return (PrivateKey(handle: keyHandle), try Certificate(handle: certificateHandle), others)
    }
}
