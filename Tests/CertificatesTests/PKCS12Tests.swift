import Certificates
import Foundation
import TestSupport
import Testing

@Suite("PKCS#12 export and import")
struct PKCS12Tests {
    /// Leaf signed by an intermediate signed by a root, all from the test CA.
    struct Chain {
        let root: TestCA
        let intermediate: TestCA
        let key: PrivateKey
        let keyPEM: String
        let leaf: Certificate
        let intermediateCertificate: Certificate

        init() throws {
            root = try TestCA.makeRoot()
            intermediate = try root.makeIntermediate(commonName: "esa Test Intermediate")
            let made = try intermediate.makeLeaf(commonName: "mail.example.com", dnsNames: ["mail.example.com"])
            keyPEM = made.keyPEM
            key = try PrivateKey(pem: made.keyPEM, passphrase: nil)
            leaf = try Certificate(pem: made.certificatePEM)
            intermediateCertificate = try Certificate(pem: intermediate.certificatePEM)
        }
    }

    @Test("Modern export uses PBES2/AES-256-CBC and a SHA-256 MAC, and reads back")
    func modernExport() throws {
        let chain = try Chain()
        let bytes = try PKCS12.export(
            key: chain.key,
            certificate: chain.leaf,
            chain: [chain.intermediateCertificate],
            friendlyName: "mail_example",
            passphrase: "export pass",
            encoding: .modern
        )
        let info = try opensslRun(["pkcs12", "-info", "-noout", "-passin", "pass:export pass"], input: bytes)
        #expect(info.succeeded, "\(info.errorText)")
        #expect(info.errorText.contains("MAC: sha256, Iteration 2048"))
        #expect(
            info.errorText.contains(
                "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256"
            )
        )
        #expect(
            info.errorText.contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256")
        )
        let names = try opensslRun(["pkcs12", "-nokeys", "-passin", "pass:export pass"], input: bytes)
        #expect(names.text.contains("friendlyName: mail_example"))

        let parsed = try PKCS12.parse(bytes, passphrase: "export pass")
        #expect(parsed.key == chain.key)
        #expect(parsed.certificate == chain.leaf)
        #expect(parsed.others == [chain.intermediateCertificate])
    }

    @Test("Legacy export uses PBE-SHA1-3DES and a SHA-1 MAC, and reads back")
    func legacyExport() throws {
        let chain = try Chain()
        let bytes = try PKCS12.export(
            key: chain.key,
            certificate: chain.leaf,
            chain: [chain.intermediateCertificate],
            friendlyName: "mail_example",
            passphrase: "old",
            encoding: .legacy3DES
        )
        let info = try opensslRun(["pkcs12", "-info", "-noout", "-passin", "pass:old"], input: bytes)
        #expect(info.succeeded, "\(info.errorText)")
        #expect(info.errorText.contains("MAC: sha1, Iteration 2048"))
        #expect(info.errorText.contains("PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"))
        #expect(info.errorText.contains("Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"))
        let parsed = try PKCS12.parse(bytes, passphrase: "old")
        #expect(parsed.key == chain.key && parsed.certificate == chain.leaf)
        #expect(parsed.others == [chain.intermediateCertificate])
    }

    @Test("Files from `openssl pkcs12 -export` import: modern, -legacy (RC2-40), unencrypted certificates")
    func importsCLIFiles() throws {
        let chain = try Chain()
        let files = try TemporaryDirectory()
        let keyFile = try files.write("key.pem", chain.keyPEM)
        let leafFile = try files.write("leaf.pem", chain.leaf.pem)
        let chainFile = try files.write("chain.pem", chain.intermediateCertificate.pem)
        let base = [
            "pkcs12", "-export", "-inkey", keyFile, "-in", leafFile, "-certfile", chainFile, "-passout", "pass:p12",
        ]
        let variants: [(String, [String], String)] = [
            ("modern", [], "AES-256-CBC"),
            ("legacy", ["-legacy"], "pbeWithSHA1And40BitRC2-CBC"),
            ("unencrypted certificates", ["-certpbe", "NONE"], "PKCS7 Data"),
            ("no MAC", ["-nomac"], "MAC is absent"),
        ]
        for (label, extra, marker) in variants {
            let bytes = try opensslRun(base + extra).data
            let info = try opensslRun(["pkcs12", "-info", "-noout", "-legacy", "-passin", "pass:p12"], input: bytes)
            #expect(info.errorText.contains(marker), "\(label): \(info.errorText)")
            let parsed = try PKCS12.parse(bytes, passphrase: "p12")
            #expect(parsed.key == chain.key, "\(label)")
            #expect(parsed.certificate == chain.leaf, "\(label)")
            #expect(parsed.others == [chain.intermediateCertificate], "\(label)")
            #expect(errorCode { try PKCS12.parse(bytes, passphrase: "wrong") } == .badPKCS12, "\(label)")
        }
    }

    @Test("Legacy RC2-40 files import from many tasks at once (providers load once, thread-safely)")
    func concurrentLegacyImports() async throws {
        let profile = try ecProfile()
        let files = try TemporaryDirectory()
        let keyFile = try files.write("key.pem", profile.key.pkcs8PEM)
        let leafFile = try files.write("leaf.pem", profile.certificate.pem)
        let bytes = try opensslRun([
            "pkcs12", "-export", "-legacy", "-inkey", keyFile, "-in", leafFile, "-passout", "pass:p",
        ]).data
        let expected = profile.certificate
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { try PKCS12.parse(bytes, passphrase: "p").certificate == expected }
            }
            var all: [Bool] = []
            for try await result in group {
                all.append(result)
            }
            return all
        }
        #expect(results == Array(repeating: true, count: 8))
    }

    @Test("Wrong passphrase, truncation, garbage and empty input are all `.badPKCS12`")
    func badInputs() throws {
        let profile = try ecProfile()
        let bytes = try PKCS12.export(
            key: profile.key,
            certificate: profile.certificate,
            chain: [],
            friendlyName: "x",
            passphrase: "right",
            encoding: .modern
        )
        #expect(errorCode { try PKCS12.parse(bytes, passphrase: "wrong") } == .badPKCS12)
        #expect(errorCode { try PKCS12.parse(Array(bytes.prefix(bytes.count / 2)), passphrase: "right") } == .badPKCS12)
        #expect(errorCode { try PKCS12.parse(Array("not a pfx file".utf8), passphrase: "right") } == .badPKCS12)
        #expect(errorCode { try PKCS12.parse([], passphrase: "right") } == .badPKCS12)
        var damaged = bytes
        damaged[damaged.count / 2] ^= 0xFF
        #expect(errorCode { try PKCS12.parse(damaged, passphrase: "right") } == .badPKCS12)
        #expect(try PKCS12.parse(bytes, passphrase: "right").certificate == profile.certificate)
    }

    @Test("A file without a key or without a certificate gets its own code")
    func missingParts() throws {
        let chain = try Chain()
        let files = try TemporaryDirectory()
        let keyFile = try files.write("key.pem", chain.keyPEM)
        let leafFile = try files.write("leaf.pem", chain.leaf.pem)
        let certificatesOnly = try opensslRun([
            "pkcs12", "-export", "-nokeys", "-in", leafFile, "-passout", "pass:p",
        ]).data
        #expect(errorCode { try PKCS12.parse(certificatesOnly, passphrase: "p") } == .noKeyInPKCS12)
        let keyOnly = try opensslRun(["pkcs12", "-export", "-nocerts", "-inkey", keyFile, "-passout", "pass:p"]).data
        #expect(errorCode { try PKCS12.parse(keyOnly, passphrase: "p") } == .noCertificateInPKCS12)
    }

    @Test("A valid file with a cipher nobody implements is `.unsupportedAlgorithm` with its name")
    func unsupportedCipher() throws {
        let profile = try ecProfile()
        let files = try TemporaryDirectory()
        let keyFile = try files.write("key.pem", profile.key.pkcs8PEM)
        let leafFile = try files.write("leaf.pem", profile.certificate.pem)
        var bytes = try opensslRun([
            "pkcs12", "-export", "-nomac", "-inkey", keyFile, "-in", leafFile, "-passout", "pass:p",
        ]).data
        // Rewrite every aes-256-cbc OID (2.16.840.1.101.3.4.1.42) to an unassigned arc (.99).
        let oid: [UInt8] = [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2A]
        var index = 0
        var patched = 0
        while index + oid.count <= bytes.count {
            if Array(bytes[index..<index + oid.count]) == oid {
                bytes[index + oid.count - 1] = 0x63
                patched += 1
            }
            index += 1
        }
        #expect(patched == 1)  // -nomac leaves the certificate bag unencrypted: only the key bag
        #expect(
            errorCode { try PKCS12.parse(bytes, passphrase: "p") } == .unsupportedAlgorithm("2.16.840.1.101.3.4.1.99")
        )
    }

    @Test("Export refuses a key that does not match the certificate")
    func exportMismatch() throws {
        let first = try ecProfile()
        let second = try ecProfile()
        #expect(
            errorCode {
                try PKCS12.export(
                    key: first.key,
                    certificate: second.certificate,
                    chain: [],
                    friendlyName: "x",
                    passphrase: "p",
                    encoding: .modern
                )
            } == .keyMismatch
        )
    }

    @Test("RSA 2048 profile creation and a PKCS#12 round trip cost about what the openssl tool needs")
    func performance() throws {
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            let key = try PrivateKey.generate(.rsa2048)
            let certificate = try SelfSigned.make(
                subject: exampleSubject,
                alternativeNames: [],
                days: 365,
                key: key,
                now: fixedNow
            )
            _ = try SigningRequest.make(subject: exampleSubject, alternativeNames: [], key: key)
            let bytes = try PKCS12.export(
                key: key,
                certificate: certificate,
                chain: [],
                friendlyName: "p",
                passphrase: "p",
                encoding: .modern
            )
            _ = try PKCS12.parse(bytes, passphrase: "p")
        }
        // RSA-2048 key generation alone varies between 0.1 and 1 s on two cores; the rest is milliseconds.
        #expect(elapsed < .seconds(5))
    }

    @Test("A file asking for more than 1,000,000 iterations is refused before any key is derived")
    func absurdIterationCounts() throws {
        let chain = try Chain()
        let scratch = try TemporaryDirectory()
        let key = try scratch.write("k.pem", chain.keyPEM)
        let certificate = try scratch.write("c.pem", chain.leaf.pem)
        // One derivation (the key bag) to make the file: no MAC, certificates unencrypted.
        let made = try opensslRun([
            "pkcs12", "-export", "-inkey", key, "-in", certificate, "-passout", "pass:pw", "-iter", "1000001",
            "-certpbe", "NONE", "-nomac",
        ])
        #expect(made.succeeded, "\(made.errorText)")
        #expect(errorCode { try PKCS12.parse(made.data, passphrase: "pw") } == .tooManyIterations(1_000_001))
        #expect(errorCode { try PKCS12.parse(made.data, passphrase: "wrong") } == .tooManyIterations(1_000_001))
    }

    @Test(
        "The iteration counts of the MAC and of a PKCS#12 (non-PBES2) key bag are read too",
        arguments: [
            ["-keypbe", "NONE", "-certpbe", "NONE"],  // only the MAC derives a key
            ["-legacy", "-nomac"],  // pbeWithSHA1And3-KeyTripleDES-CBC key bag
        ]
    )
    func iterationCountsOfEveryKind(options: [String]) throws {
        let chain = try Chain()
        let scratch = try TemporaryDirectory()
        let key = try scratch.write("k.pem", chain.keyPEM)
        let certificate = try scratch.write("c.pem", chain.leaf.pem)
        let made = try opensslRun(
            ["pkcs12", "-export", "-inkey", key, "-in", certificate, "-passout", "pass:pw", "-iter", "1000001"]
                + options
        )
        #expect(made.succeeded, "\(made.errorText)")
        #expect(errorCode { try PKCS12.parse(made.data, passphrase: "pw") } == .tooManyIterations(1_000_001))
    }

}
