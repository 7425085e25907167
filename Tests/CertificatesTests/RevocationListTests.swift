import Certificates
import Foundation
import TestSupport
import Testing

@Suite("Certificate revocation lists")
struct RevocationListTests {
    /// A root CA with two leaves, the first one revoked, and CRLs valid around the leaves' issue time.
    struct Setup {
        let rootCA: TestCA
        let root: Certificate
        let revoked: Certificate
        let good: Certificate
        let lastUpdate: Date
        let nextUpdate: Date

        init() throws {
            rootCA = try TestCA.makeRoot(commonName: "CRL Root")
            root = try Certificate(pem: rootCA.certificatePEM)
            revoked = try Certificate(
                pem: rootCA.makeLeaf(commonName: "revoked.example.com", dnsNames: []).certificatePEM
            )
            good = try Certificate(pem: rootCA.makeLeaf(commonName: "good.example.com", dnsNames: []).certificatePEM)
            // Whole seconds, one day before the leaves were issued to 30 days after.
            let issued = revoked.notBefore.timeIntervalSince1970.rounded(.down)
            lastUpdate = Date(timeIntervalSince1970: issued - 86_400)
            nextUpdate = Date(timeIntervalSince1970: issued + 30 * 86_400)
        }

        /// A moment when the certificates and the CRLs are valid.
        var inside: Date { revoked.notBefore.addingTimeInterval(60) }

        func crl(_ ca: TestCA? = nil, revoking: [Certificate] = [], der: Bool = false) throws -> [UInt8] {
            try (ca ?? rootCA).makeCRL(
                revoking: revoking.map(\.pem),
                lastUpdate: lastUpdate,
                nextUpdate: nextUpdate,
                der: der
            )
        }
    }

    @Test("PEM and DER files give the same CRL with the issuer, dates and revoked serials openssl reports")
    func parsesPEMAndDER() throws {
        let s = try Setup()
        let pemBytes = try s.crl(revoking: [s.revoked])
        let fromPEM = try RevocationList(pem: String(decoding: pemBytes, as: UTF8.self))
        let fromDER = try RevocationList(der: try s.crl(revoking: [s.revoked], der: true))
        let fromFile = try RevocationList(fileContents: try s.crl(revoking: [s.revoked], der: true))
        #expect(fromPEM.issuer == DistinguishedName(commonName: "CRL Root", organization: "esa tests"))
        #expect(fromPEM.lastUpdate == s.lastUpdate)
        #expect(fromPEM.nextUpdate == s.nextUpdate)
        #expect(fromPEM.revokedSerials == [s.revoked.serialHex])
        #expect(fromDER.issuer == fromPEM.issuer)
        #expect(fromDER.lastUpdate == fromPEM.lastUpdate)
        #expect(fromDER.revokedSerials == fromPEM.revokedSerials)
        #expect(fromFile.revokedSerials == fromPEM.revokedSerials)
        #expect(try RevocationList(fileContents: pemBytes).der == fromPEM.der)

        // The PEM the library writes is read back by openssl, with the same issuer and serial.
        let text = try OpenSSLCLI.output(["crl", "-noout", "-text"], input: Array(fromDER.pem.utf8))
        #expect(text.contains("Issuer: O = esa tests, CN = CRL Root"))
        #expect(text.contains("Serial Number: \(s.revoked.serialHex)"))
    }

    @Test("A CRL revoking nothing has no serials")
    func emptyList() throws {
        let s = try Setup()
        let list = try RevocationList(fileContents: try s.crl())
        #expect(list.revokedSerials.isEmpty)
        #expect(!list.isExpired(at: s.inside))
        #expect(list.isExpired(at: s.nextUpdate.addingTimeInterval(1)))
    }

    @Test("Garbage, a certificate, truncated and trailing DER are not CRLs")
    func refusesOtherContent() throws {
        let s = try Setup()
        let der = try s.crl(der: true)
        #expect(throws: CertificateError(.notPEM, detail: "no BEGIN X509 CRL block")) {
            try RevocationList(pem: s.root.pem)
        }
        for bytes in [Array("garbage\n".utf8), s.root.der, Array(der.dropLast(5)), der + [0], []] {
            let error = #expect(throws: CertificateError.self) { try RevocationList(fileContents: bytes) }
            #expect(error?.code == .notPEM)
        }
    }

    @Test("The signature check accepts the issuing CA only")
    func signature() throws {
        let s = try Setup()
        let other = try TestCA.makeRoot(commonName: "CRL Root")  // same name, another key
        let list = try RevocationList(fileContents: try s.crl())
        #expect(list.isSigned(by: s.root))
        #expect(!list.isSigned(by: try Certificate(pem: other.certificatePEM)))
        #expect(!list.isSigned(by: s.good))
    }

    @Test("A revoked certificate fails verification with CRLs; others pass; without CRLs nothing is checked")
    func verification() throws {
        let s = try Setup()
        let list = try RevocationList(fileContents: try s.crl(revoking: [s.revoked]))
        let store = try TrustStore(certificates: [s.root])
        let revoked = store.verify(leaf: s.revoked, intermediates: [], hostname: nil, at: s.inside, crls: [list])
        guard case .failed(let code, let reason, let depth) = revoked else {
            Issue.record("a revoked certificate verified: \(revoked)")
            return
        }
        #expect(code == TrustStore.certificateRevoked)
        #expect(reason == "certificate revoked")
        #expect(depth == 0)
        #expect(store.verify(leaf: s.good, intermediates: [], hostname: nil, at: s.inside, crls: [list]).isTrusted)
        #expect(store.verify(leaf: s.revoked, intermediates: [], hostname: nil, at: s.inside).isTrusted)
        #expect(
            TrustStore.verify(
                leaf: s.revoked,
                intermediates: [],
                trusted: [s.root],
                hostname: nil,
                at: s.inside,
                crls: [list]
            )
                == revoked
        )
    }

    @Test("With CRLs every issuer of the chain needs one")
    func everyLevelIsChecked() throws {
        let s = try Setup()
        let issuing = try s.rootCA.makeIntermediate(commonName: "CRL Issuing CA")
        let intermediate = try Certificate(pem: issuing.certificatePEM)
        let leaf = try Certificate(pem: issuing.makeLeaf(commonName: "leaf.example.com", dnsNames: []).certificatePEM)
        let store = try TrustStore(certificates: [s.root])
        let rootList = try RevocationList(fileContents: try s.crl())
        let issuingList = try RevocationList(fileContents: try s.crl(issuing, revoking: [leaf]))
        let emptyIssuingList = try RevocationList(fileContents: try s.crl(issuing))

        let revoked = store.verify(
            leaf: leaf,
            intermediates: [intermediate],
            hostname: nil,
            at: s.inside,
            crls: [rootList, issuingList]
        )
        #expect(revoked == .failed(code: TrustStore.certificateRevoked, reason: "certificate revoked", depth: 0))
        #expect(
            store.verify(
                leaf: leaf,
                intermediates: [intermediate],
                hostname: nil,
                at: s.inside,
                crls: [rootList, emptyIssuingList]
            ).isTrusted
        )
        let missing = store.verify(
            leaf: leaf,
            intermediates: [intermediate],
            hostname: nil,
            at: s.inside,
            crls: [emptyIssuingList]
        )
        guard case .failed(let code, _, let depth) = missing else {
            Issue.record("verified without the root's CRL: \(missing)")
            return
        }
        #expect(code == TrustStore.unableToGetCRL)
        #expect(depth == 1)
    }
}
