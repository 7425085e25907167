import Certificates
import Foundation
import TestSupport
import Testing

@Suite("Chain normalisation")
struct ChainCheckTests {
    /// root → intermediate 1 → intermediate 2 → leaf, plus the certificates as library values.
    struct Hierarchy {
        let rootCA: TestCA
        let firstCA: TestCA
        let secondCA: TestCA
        let root: Certificate
        let first: Certificate
        let second: Certificate
        let leaf: Certificate

        init() throws {
            rootCA = try TestCA.makeRoot(commonName: "Chain Root")
            firstCA = try rootCA.makeIntermediate(commonName: "Chain Intermediate 1")
            secondCA = try firstCA.makeIntermediate(commonName: "Chain Intermediate 2", days: 30)
            root = try Certificate(pem: rootCA.certificatePEM)
            first = try Certificate(pem: firstCA.certificatePEM)
            second = try Certificate(pem: secondCA.certificatePEM)
            leaf = try Certificate(pem: secondCA.makeLeaf(commonName: "mail.example.com", dnsNames: []).certificatePEM)
        }

        /// A moment when every certificate is valid, derived from the certificates themselves.
        var inside: Date {
            leaf.notBefore.addingTimeInterval(60)
        }
    }

    @Test("Intermediates given in any order come out leaf-first")
    func ordersChain() throws {
        let h = try Hierarchy()
        let result = ChainCheck.normalise(
            leaf: h.leaf,
            candidates: [h.first, h.second],
            trusted: [h.root],
            now: h.inside
        )
        #expect(result.intermediates == [h.second, h.first])
        #expect(result.notes.isEmpty)
    }

    @Test("The guide's troubleshooting case: a duplicated intermediate and the root are removed with notes")
    func duplicateAndRoot() throws {
        let h = try Hierarchy()
        let result = ChainCheck.normalise(
            leaf: h.leaf,
            candidates: [h.root, h.first, h.second, h.first, h.leaf],
            trusted: [h.root],
            now: h.inside
        )
        #expect(result.intermediates == [h.second, h.first])
        #expect(result.root == h.root)
        #expect(
            result.notes == [
                .removedDuplicate("Chain Intermediate 1"), .removedDuplicate("mail.example.com"),
                .removedRoot("Chain Root"),
            ]
        )
    }

    @Test("Certificates outside the chain are removed; a missing link makes the chain incomplete")
    func unrelatedAndIncomplete() throws {
        let h = try Hierarchy()
        let other = try Certificate(pem: TestCA.makeRoot(commonName: "Other Root").certificatePEM)
        let result = ChainCheck.normalise(
            leaf: h.leaf,
            candidates: [other, h.second],
            trusted: [h.root],
            now: h.inside
        )
        #expect(result.intermediates == [h.second])
        #expect(
            result.notes == [
                .removedNotTheIssuer("Other Root", missing: "Chain Intermediate 1"),
                .incomplete(issuer: "Chain Intermediate 1"),
            ]
        )

        let untrusted = ChainCheck.normalise(
            leaf: h.leaf,
            candidates: [h.first, h.second, h.root],
            trusted: [],
            now: h.inside
        )
        // The root was given: it is not "missing", it is not trusted (one consistent pair of lines).
        #expect(untrusted.notes == [.removedRoot("Chain Root"), .untrustedRoot("Chain Root")])
    }

    @Test("A sibling of the missing intermediate is named as not being the issuer the chain needs")
    func siblingOfTheMissingIntermediate() throws {
        let h = try Hierarchy()
        let sibling = try Certificate(pem: h.rootCA.makeIntermediate(commonName: "Chain Sibling").certificatePEM)
        // leaf ← second ← first (not given) ← root; the sibling is issued by the root as first is.
        let result = ChainCheck.normalise(
            leaf: h.leaf,
            candidates: [h.second, sibling],
            trusted: [h.root],
            now: h.inside
        )
        #expect(result.intermediates == [h.second])
        #expect(
            result.notes == [
                .removedNotTheIssuer("Chain Sibling", missing: "Chain Intermediate 1"),
                .incomplete(issuer: "Chain Intermediate 1"),
            ]
        )
    }

    @Test("Of two intermediates with the same subject and key, the one expiring last stays")
    func reissuedIntermediate() throws {
        let rootCA = try TestCA.makeRoot(commonName: "Reissue Root")
        let older = try rootCA.makeIntermediate(commonName: "Reissued CA", days: 100)
        let newer = try rootCA.makeIntermediate(commonName: "Reissued CA", days: 400, keyPEM: older.keyPEM)
        let leaf = try Certificate(pem: older.makeLeaf(commonName: "mx.example.com", dnsNames: []).certificatePEM)
        let olderCertificate = try Certificate(pem: older.certificatePEM)
        let newerCertificate = try Certificate(pem: newer.certificatePEM)
        let root = try Certificate(pem: rootCA.certificatePEM)
        for candidates in [[olderCertificate, newerCertificate], [newerCertificate, olderCertificate]] {
            let result = ChainCheck.normalise(
                leaf: leaf,
                candidates: candidates,
                trusted: [root],
                now: leaf.notBefore.addingTimeInterval(60)
            )
            #expect(result.intermediates == [newerCertificate])
            #expect(result.notes == [.removedDuplicate("Reissued CA")])
        }
    }

    @Test("An expired intermediate is reported with its date")
    func expiredIntermediate() throws {
        let h = try Hierarchy()
        let later = h.second.notAfter.addingTimeInterval(86_400)
        let result = ChainCheck.normalise(leaf: h.leaf, candidates: [h.second, h.first], trusted: [h.root], now: later)
        #expect(result.notes == [.intermediateExpired("Chain Intermediate 2", h.second.notAfter)])
    }

    @Test("A self-signed leaf needs no chain: everything given is unrelated")
    func selfSignedLeaf() throws {
        let profile = try ecProfile()
        let h = try Hierarchy()
        let result = ChainCheck.normalise(leaf: profile.certificate, candidates: [h.first], trusted: [], now: fixedNow)
        #expect(result.intermediates.isEmpty)
        #expect(result.notes == [.removedUnrelated("Chain Intermediate 1")])
    }
}
