import Certificates
import Foundation
import TestSupport
import Testing

@Suite("Reading certificates")
struct CertificateParsingTests {
    @Test("Only CERTIFICATE blocks are read; text and other blocks around them are ignored")
    func parsesBundle() throws {
        let first = try ecProfile(commonName: "one.example.com")
        let second = try ecProfile(commonName: "two.example.com")
        let text = """
            Bag Attributes: friendlyName: one
            subject=CN = one.example.com
            \(first.certificate.pem)
            \(first.key.pkcs8PEM)
            some words in between\r
            \(second.certificate.pem.replacingOccurrences(of: "\n", with: "\r\n"))
            trailing text
            """
        let certificates = try Certificate.parseAll(pem: text)
        #expect(certificates == [first.certificate, second.certificate])
        #expect(certificates[1].subject.commonName == "two.example.com")
    }

    @Test("PEM and DER match what the openssl tool writes")
    func encodingsMatchCLI() throws {
        let profile = try ecProfile()
        let reencoded = try openssl("x509", input: profile.certificate.pem)
        #expect(reencoded == profile.certificate.pem)
        let der = try opensslRun(["x509", "-outform", "DER"], input: Array(profile.certificate.pem.utf8)).data
        #expect(der == profile.certificate.der)
        #expect(try Certificate(der: der) == profile.certificate)
    }

    @Test("Truncated PEM, bad base64, bad DER, keys only and empty input are `.notPEM`")
    func refusesBadInput() throws {
        let profile = try ecProfile()
        let pem = profile.certificate.pem
        let lines = pem.split(separator: "\n")
        let truncated = lines.prefix(lines.count / 2).joined(separator: "\n")
        let badBase64 = pem.replacingOccurrences(of: lines[1], with: "!!!!" + lines[1].dropFirst(4))
        let badDER = "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n"
        let shortened =
            "-----BEGIN CERTIFICATE-----\n"
            + lines[1..<lines.count - 2].joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
        for input in [truncated, badBase64, badDER, shortened, profile.key.pkcs8PEM, "", "garbage"] {
            #expect(errorCode { try Certificate.parseAll(pem: input) } == .notPEM)
        }
        #expect(errorCode { try Certificate(der: Array(profile.certificate.der.dropLast())) } == .notPEM)
        #expect(errorCode { try Certificate(der: profile.certificate.der + [0]) } == .notPEM)
        #expect(errorCode { try Certificate(der: []) } == .notPEM)
    }

    @Test("Validity: days remaining, expired, not yet valid — at injected times")
    func validity() throws {
        let profile = try ecProfile()
        let certificate = profile.certificate
        #expect(certificate.validity(at: fixedNow) == .valid(daysRemaining: 365))
        #expect(certificate.validity(at: fixedNow.addingTimeInterval(364.5 * 86_400)) == .valid(daysRemaining: 0))
        #expect(certificate.validity(at: certificate.notAfter.addingTimeInterval(1)) == .expired)
        #expect(certificate.validity(at: certificate.notBefore.addingTimeInterval(-1)) == .notYetValid)
        #expect(certificate.isValid(at: fixedNow))
    }

    @Test("Key descriptions for the unsupported-key check")
    func keyDescriptions() throws {
        let small = try openssl(
            "req",
            "-x509",
            "-newkey",
            "rsa:1024",
            "-nodes",
            "-keyout",
            "/dev/null",
            "-subj",
            "/CN=old",
            "-days",
            "1"
        )
        let description = try Certificate(pem: small).publicKeyDescription
        #expect(description.typeName == "RSA" && description.bits == 1024)
        #expect(!description.isSupported)
        #expect(description.description == "RSA 1024 bits")
        let ed = try openssl(
            "req",
            "-x509",
            "-newkey",
            "ed25519",
            "-nodes",
            "-keyout",
            "/dev/null",
            "-subj",
            "/CN=ed",
            "-days",
            "1"
        )
        #expect(!(try Certificate(pem: ed).publicKeyDescription.isSupported))
        #expect(try Certificate(pem: ed).isSelfSigned)
        let rsa = try ecProfile().certificate.publicKeyDescription
        #expect(rsa.isSupported && rsa.curveName == "P-256")
    }

    @Test("A CA certificate is recognised by basicConstraints")
    func caFlag() throws {
        let root = try TestCA.makeRoot()
        let certificate = try Certificate(pem: root.certificatePEM)
        #expect(certificate.isCA)
        #expect(certificate.isSelfSigned)
        #expect(certificate.isIssued(by: certificate))
        #expect(certificate.subject.organization == "esa tests")
    }
}

@Suite("Host names and the system trust bundle")
struct HostnameAndTrustTests {
    @Test("FQDN rule of certconfig.md §8 row 6")
    func fqdn() {
        let good = ["mail.example.com", "a.b", "x-1.example.org", String(repeating: "a", count: 63) + ".com"]
        let bad = [
            "localhost", "-mail.example.com", "mail-.example.com", "mail..example.com", "mail.example.com.",
            "mail_1.example.com", "mail example.com", "", "192.168.1.1", String(repeating: "a", count: 64) + ".com",
            (0..<64).map { _ in "abcd" }.joined(separator: "."), "mäil.example.com",
        ]
        for name in good {
            #expect(HostnameRules.isFQDN(name, allowWildcard: false), "\(name)")
        }
        for name in bad {
            #expect(!HostnameRules.isFQDN(name, allowWildcard: true), "\(name)")
        }
        #expect(HostnameRules.isFQDN("*.example.com", allowWildcard: true))
        #expect(!HostnameRules.isFQDN("*.example.com", allowWildcard: false))
        #expect(!HostnameRules.isFQDN("*.com", allowWildcard: true))
        #expect(HostnameRules.isDNSName("mailhost", allowWildcard: false))
    }

    @Test("The system CA bundle is read quickly and holds CA certificates")
    func systemBundle() throws {
        let path = "/etc/ssl/certs/ca-certificates.crt"
        try #require(FileManager.default.fileExists(atPath: path))
        let clock = ContinuousClock()
        var certificates: [Certificate] = []
        let elapsed = try clock.measure {
            certificates = try TrustStore.systemBundle(path: path)
        }
        #expect(certificates.count > 50)
        #expect(certificates.allSatisfy { $0.isCA || $0.isSelfSigned })
        #expect(elapsed < .seconds(1))
        let store = try TrustStore(certificates: certificates)
        let profile = try ecProfile()
        let result = store.verify(leaf: profile.certificate, intermediates: [], hostname: nil, at: fixedNow)
        #expect(!result.isTrusted)
        #expect(errorCode { try TrustStore.systemBundle(path: "/nonexistent/bundle.crt") } == .fileUnreadable)
    }
}
