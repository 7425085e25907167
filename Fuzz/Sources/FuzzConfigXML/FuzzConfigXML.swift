import ApplianceConfig
import Certificates
import Foundation

// The loadconfig reader (`XMLCodec.decode`) on any bytes, as a file (`decode(_ data:)`) and as
// pasted text (`decode(text:)`). Encrypted secrets are "sealed" in the seeds as base64, so `open`
// here is a base64 decode and every part of the reader is reachable; profiles are checked with the
// certificate module, as loadconfig does. A configuration the reader accepts must survive a
// saveconfig round trip: encoding it (secrets sealed) and reading the file again gives it back.

private let header = XMLHeader(
    product: "esa Email Security Appliance Shell",
    model: "esa",
    version: "1.0.0-001",
    serialNumber: "42A1B2C3D4E5F60718293A4B5C6D7E8F",
    cpuCount: 2,
    memoryGB: 8,
    currentTime: "Tue Sep 22 09:00:00 2026"
)

private struct NotSealed: Error {}

private func open(_ sealed: String) throws -> String {
    guard let data = Data(base64Encoded: sealed) else { throw NotSealed() }
    return String(decoding: data, as: UTF8.self)
}

private func seal(_ plain: String) -> String { Data(plain.utf8).base64EncodedString() }

private func problem(with profile: CertificateProfileRecord) -> String? {
    guard let certificate = try? Certificate(pem: profile.certificatePEM) else {
        return "the certificate is not a PEM certificate"
    }
    guard let key = try? PrivateKey(pem: profile.privateKeyPEM, passphrase: nil) else {
        return "the private key cannot be read"
    }
    return key.matches(certificate) ? nil : "the private key does not match the certificate"
}

private func roundTrip(_ configuration: ApplianceConfiguration) {
    let xml: String
    do {
        xml = try XMLCodec.encode(configuration, header: header, secrets: .encrypt(seal: seal))
    } catch {
        preconditionFailure("a configuration the reader accepted cannot be written: \(error)")
    }
    do {
        let again = try XMLCodec.decode(Data(xml.utf8), open: open, checkProfile: problem)
        precondition(again == configuration, "saveconfig then loadconfig changed the configuration")
    } catch {
        preconditionFailure("the file written for an accepted configuration is refused: \(error)\n\(xml)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigXML(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let data = Data(UnsafeRawBufferPointer(start: start, count: count))
    if let configuration = try? XMLCodec.decode(data, open: open, checkProfile: problem) {
        roundTrip(configuration)
    }
    if let text = String(data: data, encoding: .utf8),
        let configuration = try? XMLCodec.decode(text: text, open: open, checkProfile: problem)
    {
        roundTrip(configuration)
    }
    return 0
}
