import Certificates
import TestSupport
import Testing

@testable import Commands

/// certconfig EDIT shows every subject alternative name an administrator can act on: DNS names,
/// IP addresses and email addresses, in certificate order.
@Suite struct AlternativeNamesTests {
    private func certificate(names: String) throws -> Certificate {
        let pem = try OpenSSLCLI.output([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null",
            "-subj", "/CN=mail.example.com", "-days", "1", "-addext", "subjectAltName=\(names)",
        ])
        return try Certificate(pem: pem)
    }

    @Test func ipAndEmailNamesAreShownBesideTheDNSNames() throws {
        let certificate = try certificate(
            names:
                "DNS:mail.example.com,IP:192.0.2.7,IP:2001:db8:0:0:1:0:0:1,email:ops@example.com,URI:https://x.example"
        )
        #expect(
            certificate.subjectAlternativeNames == [
                .dns("mail.example.com"), .ipAddress("192.0.2.7"), .ipAddress("2001:db8::1:0:0:1"),
                .email("ops@example.com"),
            ]
        )
        #expect(certificate.subjectAlternativeDNSNames == ["mail.example.com"])
        #expect(
            CertConfigEdit.alternativeNames(certificate)
                == "mail.example.com, IP 192.0.2.7, IP 2001:db8::1:0:0:1, email ops@example.com"
        )
    }

    @Test func ipv6AddressesAreWrittenInTheirShortForm() throws {
        let certificate = try certificate(names: "IP:0:0:0:0:0:0:0:1,IP:2001:db8:0:0:0:0:2:1,IP:2001:0:0:1:0:0:0:1")
        #expect(CertConfigEdit.alternativeNames(certificate) == "IP ::1, IP 2001:db8::2:1, IP 2001:0:0:1::1")
    }
}
