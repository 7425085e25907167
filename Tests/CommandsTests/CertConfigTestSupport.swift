import ApplianceConfig
import Certificates
import Foundation
import Shell
import TestSupport
import Testing

/// Pieces of the certconfig transcripts shared by the golden tests.
enum CertConfigText {
    static let topMenu = """

        Choose the operation you want to perform:
        - CERTIFICATE - Import, Create a request, Edit or Remove Certificate Profiles
        - CERTAUTHORITY - Manage System and Customer CAs
        - CRL - Manage Certificate Revocation Lists
        []> 
        """

    static let operations = """

        Choose the operation you want to perform:
        - IMPORT - Import a certificate from a local PKCS#12 file
        - PASTE - Paste a certificate into the CLI
        - NEW - Create a self-signed certificate and CSR
        - EDIT - Update certificate or view the signing request
        - EXPORT - Export a certificate
        - DELETE - Remove a certificate
        - PRINT - View certificates assigned to services
        []> 
        """

    /// The list block followed by the CERTIFICATE menu; `rows` are the profile lines.
    static func certificateMenu(_ rows: [String]) -> String {
        """

        List of Certificates
        Name                 Common Name          Issued By            Status          Remaining
        -------------------- -------------------- -------------------- --------------- ---------
        \(rows.joined(separator: "\n"))
        \(operations)
        """
    }

    /// The factory Demo row at `now` (the test Demo certificate starts one day before the test clock).
    static func demoRow(_ shell: TestShell) throws -> String {
        let demo = try Certificate(
            pem: try #require(shell.store.head().configuration.certificate(named: "Demo")).certificatePEM
        )
        return row("Demo", "esa Appliance Demo C", "esa Appliance Demo C", "Active", remaining(demo, shell.clock.now()))
    }

    static func row(_ name: String, _ cn: String, _ issuer: String, _ status: String, _ days: Int) -> String {
        func cell(_ s: String, _ w: Int) -> String {
            String(s.prefix(w)).padding(toLength: w, withPad: " ", startingAt: 0)
        }
        return [cell(name, 20), cell(cn, 20), cell(issuer, 20), cell(status, 15), "\(days) days"].joined(separator: " ")
    }

    static func remaining(_ certificate: Certificate, _ now: Date) -> Int {
        max(0, Int(certificate.notAfter.timeIntervalSince(now) / 86_400))
    }

    static let fqdnQuestion = """

        Do you want to check if Common Name or SAN:dNSName or both are in Fully
        Qualified Domain Name(FQDN) format ? [N]> 
        """
}

/// A test CA whose certificates are valid at the shell's fixed clock: TestCA issues them with explicit
/// dates from ten days before that clock, so no test depends on the day it runs.
struct SigningSetup {
    let root: TestCA
    let intermediate: TestCA
    let shell: TestShell

    init() throws {
        root = try TestCA.makeRoot(commonName: "esa Test Root CA")
        intermediate = try root.makeIntermediate(commonName: "esa Test Issuing CA")
        shell = try TestShell()
    }

    var folder: URL { shell.directory.url.appendingPathComponent("configuration") }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    func permissions(_ name: String) throws -> Int {
        try #require(
            FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.posixPermissions]
                as? Int
        )
    }
}
