import Certificates
import Foundation
import TestSupport
import Testing

@Suite("Self-signed certificates, CSRs and the Demo certificate")
struct SelfSignedTests {
    @Test("An RSA self-signed certificate has exactly the §5 extensions, dates and names")
    func rsaProfile() throws {
        let key = try PrivateKey.generate(.rsa2048)
        let certificate = try SelfSigned.make(
            subject: exampleSubject,
            alternativeNames: ["MAIL.example.com", "mx.example.com", "mx.example.com"],
            days: 825,
            key: key,
            now: fixedNow
        )

        #expect(certificate.notBefore == fixedNow.addingTimeInterval(-300))
        #expect(certificate.notAfter == fixedNow.addingTimeInterval(825 * 86_400))
        #expect(certificate.subject == exampleSubject)
        #expect(certificate.issuer == exampleSubject)
        #expect(certificate.subjectAlternativeDNSNames == ["mail.example.com", "mx.example.com"])
        #expect(certificate.isSelfSigned)
        #expect(!certificate.isCA)
        #expect(key.matches(certificate))
        #expect(certificate.validity(at: fixedNow) == .valid(daysRemaining: 825))

        let text = try openssl("x509", "-noout", "-text", input: certificate.pem)
        #expect(text.contains("Version: 3 (0x2)"))
        #expect(text.contains("Signature Algorithm: sha256WithRSAEncryption"))
        #expect(text.contains("X509v3 Basic Constraints: critical\n                CA:FALSE"))
        #expect(text.contains("X509v3 Key Usage: critical\n                Digital Signature, Key Encipherment"))
        #expect(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        #expect(text.contains("X509v3 Subject Key Identifier"))
        #expect(text.contains("DNS:mail.example.com, DNS:mx.example.com"))
        #expect(
            text.contains(
                "Subject: C = US, ST = California, L = San Jose, O = Example Inc, OU = IT, CN = mail.example.com"
            )
        )
        #expect(text.contains("Not Before: Sep 21 14:08:20 2026 GMT"))

        // Serial: positive, at most 128 bits, and the same as the openssl tool reads.
        let serial = try openssl("x509", "-noout", "-serial", input: certificate.pem)
        #expect(serial == "serial=\(certificate.serialHex)\n")
        #expect(certificate.serialHex.count <= 32 && !certificate.serialHex.hasPrefix("-"))

        let fingerprint = try openssl("x509", "-noout", "-fingerprint", "-sha256", input: certificate.pem)
        #expect(fingerprint == "sha256 Fingerprint=\(certificate.sha256Fingerprint)\n")
    }

    @Test("EC keys get digitalSignature only; P-384 signs with SHA-384")
    func ecProfiles() throws {
        for (algorithm, signature) in [
            (KeyAlgorithm.ecdsaP256, "ecdsa-with-SHA256"), (.ecdsaP384, "ecdsa-with-SHA384"),
        ] {
            let key = try PrivateKey.generate(algorithm)
            let certificate = try SelfSigned.make(
                subject: exampleSubject,
                alternativeNames: [],
                days: 30,
                key: key,
                now: fixedNow
            )
            let text = try openssl("x509", "-noout", "-text", input: certificate.pem)
            #expect(text.contains("Signature Algorithm: \(signature)"))
            #expect(text.contains("X509v3 Key Usage: critical\n                Digital Signature\n"))
            #expect(certificate.publicKeyDescription.typeName == "EC")
            #expect(certificate.publicKeyDescription.isSupported)
        }
    }

    @Test("Two certificates never share a serial")
    func serialsDiffer() throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let serials = try (0..<8).map { _ in
            try SelfSigned.make(subject: exampleSubject, alternativeNames: [], days: 1, key: key, now: fixedNow)
                .serialHex
        }
        #expect(Set(serials).count == serials.count)
    }

    @Test("A Common Name that is not a DNS name is left out of the SANs; bad SANs and durations are refused")
    func nameRules() throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let subject = DistinguishedName(commonName: "Mail Gateway", organization: "Example Inc", country: "US")
        let certificate = try SelfSigned.make(
            subject: subject,
            alternativeNames: ["*.example.com"],
            days: 1,
            key: key,
            now: fixedNow
        )
        #expect(certificate.subjectAlternativeDNSNames == ["*.example.com"])
        #expect(
            errorCode {
                try SelfSigned.make(
                    subject: subject,
                    alternativeNames: ["bad name"],
                    days: 1,
                    key: key,
                    now: fixedNow
                )
            } == .invalidName("bad name")
        )
        #expect(
            errorCode {
                try SelfSigned.make(subject: subject, alternativeNames: [], days: 0, key: key, now: fixedNow)
            } == .invalidDuration
        )
    }

    @Test("UTF-8 names survive and render as §4 and §6 show them")
    func distinguishedNameRendering() throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let subject = DistinguishedName(
            commonName: "partner.com",
            organization: "Partner Inc",
            locality: "Zürich",
            state: "California",
            country: "US"
        )
        let certificate = try SelfSigned.make(subject: subject, alternativeNames: [], days: 1, key: key, now: fixedNow)
        #expect(certificate.subject.locality == "Zürich")
        #expect(exampleSubject.oneLine == "C=US, ST=California, L=San Jose, O=Example Inc, OU=IT, CN=mail.example.com")
        #expect(certificate.subject.compactSorted == "C=US,CN=partner.com,L=Zürich,O=Partner Inc,ST=California")
        let text = try openssl("x509", "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus", input: certificate.pem)
        #expect(text.contains("L=Zürich"))
    }

    @Test("The Demo certificate: RSA 2048, fixed names, ten years, no SAN")
    func demo() throws {
        let demo = try DemoCertificate.make(now: fixedNow)
        #expect(demo.key.typeName == "RSA" && demo.key.bits == 2048)
        #expect(
            demo.certificate.subject
                == DistinguishedName(commonName: "esa Appliance Demo Certificate", organization: "esa")
        )
        #expect(demo.certificate.subjectAlternativeDNSNames.isEmpty)
        #expect(demo.certificate.validity(at: fixedNow.addingTimeInterval(86_400)) == .valid(daysRemaining: 3649))
        #expect(demo.key.matches(demo.certificate))
        let text = try openssl("x509", "-noout", "-text", input: demo.certificate.pem)
        #expect(text.contains("CA:FALSE"))
        #expect(!text.contains("Subject Alternative Name"))
    }

    @Test("A CSR carries subject, key and SANs, and the openssl tool verifies its signature")
    func signingRequest() throws {
        let key = try PrivateKey.generate(.rsa2048)
        let request = try SigningRequest.make(subject: exampleSubject, alternativeNames: ["mx.example.com"], key: key)
        #expect(request.pem.hasPrefix("-----BEGIN CERTIFICATE REQUEST-----"))
        #expect(request.verifiesSelfSignature)
        #expect(request.subject == exampleSubject)
        #expect(request.alternativeNames == ["mail.example.com", "mx.example.com"])
        #expect(key.matches(request))

        let check = try opensslRun(["req", "-verify", "-noout", "-text"], input: Array(request.pem.utf8))
        #expect(check.succeeded)
        #expect((check.errorText + check.text).contains("verify OK"))
        #expect(check.text.contains("DNS:mail.example.com, DNS:mx.example.com"))

        let reread = try SigningRequest(pem: request.pem)
        #expect(reread == request)
        #expect(reread.subject == exampleSubject)
        #expect(errorCode { try SigningRequest(pem: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n") } == .notPEM)
    }

    @Test("A CSR signed by a CA yields a certificate that matches the key and verifies for its host name")
    func csrSignedByCA() throws {
        let root = try TestCA.makeRoot()
        let intermediate = try root.makeIntermediate(commonName: "esa Test Intermediate")
        let key = try PrivateKey.generate(.ecdsaP256)
        let request = try SigningRequest.make(subject: exampleSubject, alternativeNames: [], key: key)
        let signedPEM = try intermediate.signLeaf(csrPEM: request.pem, dnsNames: request.alternativeNames, days: 90)
        let leaf = try Certificate(pem: signedPEM)
        let chain = try Certificate.parseAll(pem: intermediate.certificatePEM)
        let anchors = try Certificate.parseAll(pem: root.certificatePEM)
        #expect(key.matches(leaf))
        #expect(!leaf.isSelfSigned)
        #expect(leaf.isIssued(by: chain[0]))
        #expect(!leaf.isIssued(by: anchors[0]))

        // The openssl tool agrees.
        let files = try TemporaryDirectory()
        let rootFile = try files.write("root.pem", root.certificatePEM)
        let chainFile = try files.write("chain.pem", intermediate.certificatePEM)
        let leafFile = try files.write("leaf.pem", leaf.pem)
        let verified = try opensslRun(["verify", "-CAfile", rootFile, "-untrusted", chainFile, leafFile])
        #expect(verified.succeeded, "\(verified.errorText)")

        // Now the library, at times derived from the certificate itself.
        let inside = leaf.notBefore.addingTimeInterval(3_600)
        #expect(
            TrustStore.verify(
                leaf: leaf,
                intermediates: chain,
                trusted: anchors,
                hostname: "mail.example.com",
                at: inside
            )
                == .trusted(chainLength: 3)
        )
        let wrongHost = TrustStore.verify(
            leaf: leaf,
            intermediates: chain,
            trusted: anchors,
            hostname: "other.example.com",
            at: inside
        )
        #expect(wrongHost == .failed(code: TrustStore.hostnameMismatch, reason: "hostname mismatch", depth: 0))
        let later = TrustStore.verify(
            leaf: leaf,
            intermediates: chain,
            trusted: anchors,
            hostname: nil,
            at: leaf.notAfter.addingTimeInterval(60)
        )
        if case .failed(let code, _, _) = later {
            #expect(code == TrustStore.certificateExpired)
        } else {
            Issue.record("an expired leaf verified")
        }
        let noIntermediate = TrustStore.verify(
            leaf: leaf,
            intermediates: [],
            trusted: anchors,
            hostname: nil,
            at: inside
        )
        #expect(!noIntermediate.isTrusted)
    }
}
