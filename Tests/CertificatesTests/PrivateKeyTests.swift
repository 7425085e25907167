import Certificates
import Foundation
import TestSupport
import Testing

@Suite("Private keys")
struct PrivateKeyTests {
    @Test("Every offered algorithm generates a key of the stated type and size", arguments: KeyAlgorithm.allCases)
    func generates(algorithm: KeyAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        #expect(key.bits == algorithm.bits)
        switch algorithm {
        case .rsa2048, .rsa3072, .rsa4096:
            #expect(key.typeName == "RSA")
            #expect(key.curveName == nil)
        case .ecdsaP256:
            #expect(key.typeName == "EC")
            #expect(key.curveName == "P-256")
        case .ecdsaP384:
            #expect(key.typeName == "EC")
            #expect(key.curveName == "P-384")
        }
        // The openssl tool reads the PKCS#8 export and agrees on the key.
        let pem = key.pkcs8PEM
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let check = try opensslRun(["pkey", "-noout", "-text"], input: Array(pem.utf8))
        #expect(check.succeeded)
        #expect(check.text.contains("\(algorithm.bits) bit"))
    }

    @Test("Menu names of the key algorithms")
    func displayNames() {
        #expect(
            KeyAlgorithm.allCases.map(\.displayName) == [
                "RSA 2048", "RSA 3072", "RSA 4096", "ECDSA P-256", "ECDSA P-384",
            ]
        )
    }

    @Test("PKCS#8, traditional RSA and traditional EC keys are read")
    func readsUnencryptedForms() throws {
        let rsa = try openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
        let rsaTraditional = try openssl("pkey", "-traditional", input: rsa)
        #expect(rsaTraditional.contains("BEGIN RSA PRIVATE KEY"))
        let ec = try openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384")
        let ecTraditional = try openssl("pkey", "-traditional", input: ec)
        #expect(ecTraditional.contains("BEGIN EC PRIVATE KEY"))

        var asked = false
        let fromPKCS8 = try PrivateKey(pem: rsa) {
            asked = true
            return "unused"
        }
        #expect(!asked, "an unencrypted key must not ask for a passphrase")
        let fromTraditional = try PrivateKey(pem: rsaTraditional, passphrase: nil)
        #expect(fromPKCS8 == fromTraditional)
        #expect(fromPKCS8.typeName == "RSA" && fromPKCS8.bits == 2048)
        let ecKey = try PrivateKey(pem: ecTraditional, passphrase: nil)
        #expect(ecKey.curveName == "P-384")
        #expect(ecKey == (try PrivateKey(pem: ec, passphrase: nil)))
        #expect(!PrivateKey.isEncrypted(pem: rsa))
        // Round trip through our own PKCS#8 output gives the same key.
        #expect(try PrivateKey(pem: ecKey.pkcs8PEM, passphrase: nil) == ecKey)
    }

    @Test("Encrypted PKCS#8 and legacy Proc-Type keys ask for the passphrase once")
    func readsEncryptedForms() throws {
        let plain = try openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
        let pkcs8 = try openssl("pkey", "-aes256", "-passout", "pass:s3cret pass", input: plain)
        let legacy = try openssl("pkey", "-traditional", "-aes128", "-passout", "pass:s3cret pass", input: plain)
        #expect(pkcs8.contains("BEGIN ENCRYPTED PRIVATE KEY"))
        #expect(legacy.contains("Proc-Type: 4,ENCRYPTED"))
        let expected = try PrivateKey(pem: plain, passphrase: nil)
        for pem in [pkcs8, legacy] {
            #expect(PrivateKey.isEncrypted(pem: pem))
            var asked = 0
            let key = try PrivateKey(pem: pem) {
                asked += 1
                return "s3cret pass"
            }
            #expect(key == expected)
            #expect(asked == 1)
        }
    }

    @Test("A wrong or missing passphrase is reported as such")
    func wrongPassphrase() throws {
        let plain = try openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
        let pkcs8 = try openssl("pkey", "-aes256", "-passout", "pass:right", input: plain)
        let legacy = try openssl("pkey", "-traditional", "-des3", "-passout", "pass:right", input: plain)
        for pem in [pkcs8, legacy] {
            #expect(errorCode { try PrivateKey(pem: pem) { "wrong" } } == .badPassphrase)
            #expect(errorCode { try PrivateKey(pem: pem, passphrase: nil) } == .badPassphrase)
            #expect(errorCode { try PrivateKey(pem: pem) { nil } } == .badPassphrase)
        }
    }

    @Test(
        "Garbage, empty and truncated key text is refused",
        arguments: [
            "", "hello", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n",
        ]
    )
    func refusesGarbage(pem: String) {
        #expect(errorCode { try PrivateKey(pem: pem, passphrase: nil) } == .invalidKey)
    }

    @Test("A key matches its own certificate and not another one")
    func matchesCertificate() throws {
        let first = try ecProfile()
        let second = try ecProfile()
        #expect(first.key.matches(first.certificate))
        #expect(!first.key.matches(second.certificate))
        #expect(first.key != second.key)
    }
}
