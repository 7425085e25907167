import Certificates
import Foundation

// Certificate import on raw bytes: PEM certificates (one or many), DER, PEM private keys (plain and
// encrypted, the passphrase "fuzz" is offered), and PKCS#12 (passphrase "fuzz"). Whatever parses is
// also read field by field and written back, as the certconfig dialogs do:
// - a certificate's DER parses again to the same certificate, and its PEM to the same list;
// - a key's PKCS#8 PEM reads back as an equal key.
// OpenSSL itself is not instrumented; the coverage is that of the Swift layers over it.

private let passphrase = "fuzz"
private let now = Date(timeIntervalSince1970: 1_790_067_600)

private func exercise(_ certificate: Certificate) {
    for name in [certificate.subject, certificate.issuer] {
        _ = name.oneLine
        _ = name.compactSorted
        _ = name.displayName
    }
    _ = certificate.serialHex
    _ = certificate.subjectAlternativeDNSNames
    _ = certificate.isSelfSigned
    _ = certificate.isCA
    _ = certificate.validity(at: now)
    _ = certificate.publicKeyDescription.description
    let again = try? Certificate(der: certificate.der)
    precondition(again == certificate, "a certificate's own DER does not parse back to it")
    let fromPEM = try? Certificate.parseAll(pem: certificate.pem)
    precondition(fromPEM == [certificate], "a certificate's own PEM does not parse back to it")
}

private func exercise(_ key: PrivateKey, with certificates: [Certificate]) {
    _ = key.typeName
    _ = key.bits
    _ = key.curveName
    _ = key.publicKeyDescription.description
    for certificate in certificates { _ = key.matches(certificate) }
    let pem = key.pkcs8PEM
    precondition(!pem.isEmpty, "a parsed key has no PKCS#8 PEM")
    let again = try? PrivateKey(pem: pem, passphrase: nil)
    precondition(again == key, "a key's own PKCS#8 PEM does not read back to it")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCertificates(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    let text = String(decoding: bytes, as: UTF8.self)

    var certificates: [Certificate] = []
    if let all = try? Certificate.parseAll(pem: text) {
        precondition(!all.isEmpty, "parseAll returned no certificate without throwing")
        certificates = all
    }
    if let single = try? Certificate(der: bytes) { certificates.append(single) }
    for certificate in certificates { exercise(certificate) }
    if certificates.count > 1 {
        _ = certificates[0].isIssued(by: certificates[1])
        _ = certificates[0].hasSamePublicKey(as: certificates[1])
    }

    var asked = 0
    if let key = try? PrivateKey(
        pem: text,
        passphrase: {
            asked += 1
            return passphrase
        }
    ) {
        exercise(key, with: certificates)
    }
    precondition(asked <= 1, "the passphrase was asked \(asked) times")
    _ = PrivateKey.isEncrypted(pem: text)

    if let contents = try? PKCS12.parse(bytes, passphrase: passphrase) {
        exercise(contents.certificate)
        for other in contents.others { exercise(other) }
        exercise(contents.key, with: [contents.certificate] + contents.others)
    }
    return 0
}
