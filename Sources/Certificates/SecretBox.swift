import FoundationEssentials
import OpenSSLSupport

/// Seals short secrets (private keys in configuration files) with one 32-byte key: AES-256-GCM,
/// a fresh random 12-byte nonce per secret, the result as base64 of nonce | ciphertext | tag.
public struct SecretBox: Sendable {
    private let key: [UInt8]

    /// Bound into every tag, so a sealed value cannot be reused in another protocol.
    private static let associatedData = Array("esa secret v1".utf8)

    /// `key` must be 32 bytes.
    public init(key: [UInt8]) throws {
        guard key.count == SymmetricCipher.keyLength else {
            throw CertificateError(.internal, detail: "secret key of \(key.count) bytes, 32 expected")
        }
        self.key = key
    }

    /// A new random 32-byte key.
    public static func randomKey() -> [UInt8] {
        if let bytes = try? SecureRandom.bytes(SymmetricCipher.keyLength) { return bytes }
        var generator = SystemRandomNumberGenerator()
        return (0..<SymmetricCipher.keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The sealed form of `plaintext`: base64 of nonce | ciphertext | tag.
    public func seal(_ plaintext: String) throws -> String {
        do {
            let nonce = try SecureRandom.bytes(SymmetricCipher.nonceLength)
            let sealed = try SymmetricCipher.sealAES256GCM(
                key: key,
                nonce: nonce,
                plaintext: Array(plaintext.utf8),
                associatedData: Self.associatedData
            )
            return Data(nonce + sealed.ciphertext + sealed.tag).base64EncodedString()
        } catch {
            throw CertificateError(.internal, error)
        }
    }

    /// The plaintext of a value made by `seal` with the same key. Throws `.badPassphrase` when the
    /// value is damaged or was sealed with another key.
    public func open(_ sealed: String) throws -> String {
        let compact = sealed.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact),
            data.count >= SymmetricCipher.nonceLength + SymmetricCipher.tagLength
        else {
            throw CertificateError(.badPassphrase, detail: "sealed secret: not base64 of nonce, data and tag")
        }
        let bytes = [UInt8](data)
        let nonce = Array(bytes.prefix(SymmetricCipher.nonceLength))
        let tag = Array(bytes.suffix(SymmetricCipher.tagLength))
        let ciphertext = Array(bytes[SymmetricCipher.nonceLength..<(bytes.count - SymmetricCipher.tagLength)])
        let plaintext: [UInt8]
        do {
            plaintext = try SymmetricCipher.openAES256GCM(
                key: key,
                nonce: nonce,
                ciphertext: ciphertext,
                tag: tag,
                associatedData: Self.associatedData
            )
        } catch {
            throw CertificateError(.badPassphrase, error)
        }
        guard let text = String(validating: plaintext, as: UTF8.self) else {
            throw CertificateError(.badPassphrase, detail: "sealed secret: not UTF-8 text")
        }
        return text
    }
}
