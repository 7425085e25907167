import Certificates
import Foundation
import TestSupport

/// A fixed moment (2026-09-21T14:13:20Z) so that no test depends on the wall clock.
let fixedNow = Date(timeIntervalSince1970: 1_790_000_000)

let exampleSubject = DistinguishedName(
    commonName: "mail.example.com",
    organization: "Example Inc",
    organizationalUnit: "IT",
    locality: "San Jose",
    state: "California",
    country: "US"
)

/// Runs `openssl` with `text` on standard input and returns standard output (throws on failure).
func openssl(_ arguments: String..., input: String = "") throws -> String {
    try OpenSSLCLI.output(arguments, input: Array(input.utf8))
}

/// Runs `openssl` with `bytes` on standard input.
func opensslRun(_ arguments: [String], input: [UInt8] = []) throws -> OpenSSLCLI.Output {
    try OpenSSLCLI.run(arguments, input: input)
}

/// A key and certificate pair made once per use, EC for speed.
func ecProfile(commonName: String = "mail.example.com") throws -> (key: PrivateKey, certificate: Certificate) {
    let key = try PrivateKey.generate(.ecdsaP256)
    var subject = exampleSubject
    subject.commonName = commonName
    let certificate = try SelfSigned.make(subject: subject, alternativeNames: [], days: 365, key: key, now: fixedNow)
    return (key, certificate)
}

/// Catches the `CertificateError` code thrown by `body` (nil when it does not throw).
func errorCode<T>(_ body: () throws -> T) -> CertificateError.Code? {
    do {
        _ = try body()
        return nil
    } catch let error as CertificateError {
        return error.code
    } catch {
        return .internal
    }
}
