import OpenSSLSupport

/// Key types and sizes offered when creating a key (certconfig.md §5 row 8), in menu order.
public enum KeyAlgorithm: String, CaseIterable, Sendable, Equatable, Codable {
    /// RSA with a 2048-bit modulus.
    case rsa2048
    /// RSA with a 3072-bit modulus.
    case rsa3072
    /// RSA with a 4096-bit modulus.
    case rsa4096
    /// ECDSA on NIST P-256.
    case ecdsaP256
    /// ECDSA on NIST P-384.
    case ecdsaP384

    /// Menu text: `RSA 2048`, ..., `ECDSA P-256`, `ECDSA P-384`.
    public var displayName: String {
        switch self {
        case .rsa2048: "RSA 2048"
        case .rsa3072: "RSA 3072"
        case .rsa4096: "RSA 4096"
        case .ecdsaP256: "ECDSA P-256"
        case .ecdsaP384: "ECDSA P-384"
        }
    }

    /// Key size in bits (RSA modulus or EC field size).
    public var bits: Int {
        switch self {
        case .rsa2048: 2048
        case .rsa3072: 3072
        case .rsa4096: 4096
        case .ecdsaP256: 256
        case .ecdsaP384: 384
        }
    }

    /// Whether generation takes long enough (RSA) to deserve a progress message on a terminal.
    public var isSlowToGenerate: Bool {
        switch self {
        case .rsa2048, .rsa3072, .rsa4096: true
        case .ecdsaP256, .ecdsaP384: false
        }
    }
}

/// A private key (RSA or EC). Immutable; share it freely. Two keys are equal when their public
/// halves are.
public struct PrivateKey: Sendable, Equatable {
    let handle: KeyHandle

    init(handle: KeyHandle) {
        self.handle = handle
    }

    /// Generates a new key. RSA 2048 takes a fraction of a second, RSA 4096 around a second or more.
    public static func generate(_ algorithm: KeyAlgorithm) throws(CertificateError) -> PrivateKey {
        do throws(OpenSSLError) {
            switch algorithm {
            case .rsa2048, .rsa3072, .rsa4096:
                return PrivateKey(handle: try KeyHandle.generateRSA(bits: algorithm.bits))
            case .ecdsaP256:
                return PrivateKey(handle: try KeyHandle.generateEC(curve: "P-256"))
            case .ecdsaP384:
                return PrivateKey(handle: try KeyHandle.generateEC(curve: "P-384"))
            }
        } catch {
            throw CertificateError(.generationFailed, error)
        }
    }

    /// Reads a PEM private key: `BEGIN PRIVATE KEY`, `BEGIN RSA PRIVATE KEY`, `BEGIN EC PRIVATE KEY`,
    /// `BEGIN ENCRYPTED PRIVATE KEY` or a legacy `Proc-Type: 4,ENCRYPTED` key. `passphrase` is
    /// called at most once and only for an encrypted key; the copy handed to OpenSSL is wiped.
    /// Throws `.badPassphrase` (missing or wrong passphrase) or `.invalidKey`.
    public init(pem: String, passphrase: (() -> String?)?) throws(CertificateError) {
        do throws(KeyHandle.ReadFailure) {
            handle = try KeyHandle.readPEM(pem, passphrase: passphrase)
        } catch {
            switch error {
            case .passphrase(let detail):
                throw CertificateError(.badPassphrase, detail)
            case .malformed(let detail):
                throw CertificateError(.invalidKey, detail)
            }
        }
    }

    /// Whether a PEM private key is passphrase-protected (so the dialog should ask for one).
    public static func isEncrypted(pem: String) -> Bool {
        pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED")
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). A secret: never log it.
    public var pkcs8PEM: String {
        (try? handle.pkcs8PEM()) ?? ""
    }

    /// `RSA` or `EC` (OpenSSL's name for other types).
    public var typeName: String {
        handle.info.typeName
    }

    /// Size in bits (RSA modulus, EC field size).
    public var bits: Int {
        handle.info.bits
    }

    /// `P-256`, `P-384`, `P-521` for EC keys; nil for RSA.
    public var curveName: String? {
        handle.info.curveName
    }

    /// Whether `cert` carries this key's public half.
    public func matches(_ cert: Certificate) -> Bool {
        cert.handle.publicKeyMatches(handle)
    }

    /// Whether `request` carries this key's public half.
    public func matches(_ request: SigningRequest) -> Bool {
        request.handle.publicKeyMatches(handle)
    }

    /// The equal-public-key comparison.
    public static func == (lhs: PrivateKey, rhs: PrivateKey) -> Bool {
        lhs.handle === rhs.handle || lhs.handle.publicKeyEquals(rhs.handle)
    }

    /// The key's description, e.g. `RSA 2048 bits`.
    public var publicKeyDescription: PublicKeyDescription {
        PublicKeyDescription(handle.info)
    }

    /// Digest used when this key signs: SHA-384 for EC keys over 256 bits, else SHA-256.
    var signatureDigest: String {
        let info = handle.info
        return info.typeName == "EC" && info.bits > 256 ? "SHA384" : "SHA256"
    }
}

/// Type and size of a public key, and whether the appliance accepts it (certconfig.md §8 row 3).
public struct PublicKeyDescription: Sendable, Equatable, CustomStringConvertible {
    /// `RSA`, `EC`, or OpenSSL's name for another type.
    public let typeName: String
    /// Size in bits.
    public let bits: Int
    /// NIST curve name for EC keys.
    public let curveName: String?

    init(_ info: KeyInfo) {
        self.init(typeName: info.typeName, bits: info.bits, curveName: info.curveName)
    }

    init(typeName: String, bits: Int, curveName: String?) {
        self.typeName = typeName
        self.bits = bits
        self.curveName = curveName
    }

    /// RSA 2048–8192 bits or EC on P-256, P-384 or P-521.
    public var isSupported: Bool {
        switch typeName {
        case "RSA": (2048...8192).contains(bits)
        case "EC": ["P-256", "P-384", "P-521"].contains(curveName ?? "")
        default: false
        }
    }

    /// `RSA 2048 bits`, `EC 256 bits, curve P-256`, `EC 256 bits, curve secp256k1`: the form used
    /// in `Unsupported key: {type} {bits} bits.`, naming the curve of an EC key (two EC keys of 256
    /// bits are not alike: P-256 is accepted, secp256k1 is not).
    public var description: String {
        guard typeName == "EC" else { return "\(typeName) \(bits) bits" }
        return "EC \(bits) bits, curve \(curveName ?? "with explicit parameters")"
    }
}
