import Certificates
import Foundation
import Testing

@Suite struct SecretBoxTests {
    @Test func sealsAndOpensWithTheSameKeyOnly() throws {
        let box = try SecretBox(key: SecretBox.randomKey())
        let secret = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
        let sealed = try box.seal(secret)
        #expect(!sealed.contains("MIIE"))
        #expect(try box.open(sealed) == secret)
        #expect(try box.seal(secret) != sealed)  // a fresh nonce every time
        #expect(try box.open(box.seal("")) == "")

        let other = try SecretBox(key: SecretBox.randomKey())
        #expect(throws: CertificateError.self) { try other.open(sealed) }
        var bytes = [UInt8](Data(base64Encoded: sealed)!)
        bytes[14] ^= 1
        #expect(throws: CertificateError.self) { try box.open(Data(bytes).base64EncodedString()) }
        #expect(throws: CertificateError.self) { try box.open("not base64") }
        #expect(throws: CertificateError.self) { try SecretBox(key: [1, 2, 3]) }
        #expect(SecretBox.randomKey().count == 32)
    }
}
