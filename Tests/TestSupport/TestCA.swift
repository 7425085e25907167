import Foundation

/// A throwaway certificate authority built with the `openssl` command-line tool (EC P-256 keys,
/// so that it is fast). It can sign intermediates and leaves, including leaves for a CSR made by
/// the library; everything is PEM text. Validity is relative to the wall clock of the moment the
/// CA is made, so tests derive their "now" from the certificates' own dates.
public final class TestCA: @unchecked Sendable {
    /// Working directory holding keys, certificates and extension files.
    public let directory: TemporaryDirectory
    /// Subject Common Name.
    public let commonName: String
    /// The CA certificate (PEM).
    public let certificatePEM: String
    /// The CA private key (PEM).
    public let keyPEM: String
    private let certificateFile: String
    private let keyFile: String

    private init(directory: TemporaryDirectory, commonName: String, certificatePEM: String, keyPEM: String) throws {
        self.directory = directory
        self.commonName = commonName
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        let slug = commonName.filter { $0.isLetter || $0.isNumber }
        certificateFile = try directory.write("\(slug)-\(UUID().uuidString).pem", certificatePEM)
        keyFile = try directory.write("\(slug)-\(UUID().uuidString).key", keyPEM)
    }

    /// Makes a self-signed root CA valid for `days`.
    public static func makeRoot(commonName: String = "esa Test Root CA", days: Int = 3650) throws -> TestCA {
        let directory = try TemporaryDirectory()
        let key = try newKey()
        let keyFile = try directory.write("root.key", key)
        let config = try directory.write("root.cnf", requestConfig + caExtensions)
        let pem = try OpenSSLCLI.output([
            "req", "-x509", "-new", "-key", keyFile, "-subj", "/O=esa tests/CN=\(commonName)", "-days", "\(days)",
            "-config", config, "-extensions", "ext", "-set_serial", randomSerial(),
        ])
        return try TestCA(directory: directory, commonName: commonName, certificatePEM: pem, keyPEM: key)
    }

    /// Makes an intermediate CA signed by this CA. Pass `keyPEM` to re-issue an intermediate with
    /// the same key (a "renewed" intermediate).
    public func makeIntermediate(commonName: String, days: Int = 1825, keyPEM: String? = nil) throws -> TestCA {
        let key = try keyPEM ?? Self.newKey()
        let csr = try request(subject: "/O=esa tests/CN=\(commonName)", keyPEM: key)
        let pem = try sign(csrPEM: csr, days: days, extensions: Self.caExtensions)
        return try TestCA(directory: directory, commonName: commonName, certificatePEM: pem, keyPEM: key)
    }

    /// Signs a leaf certificate for a CSR (for example one made by the library) with serverAuth and
    /// the given DNS names.
    public func signLeaf(csrPEM: String, dnsNames: [String], days: Int = 365) throws -> String {
        try sign(csrPEM: csrPEM, days: days, extensions: Self.leafExtensions(dnsNames: dnsNames))
    }

    /// Makes a new EC key and a leaf certificate for it; returns both as PEM.
    public func makeLeaf(
        commonName: String,
        dnsNames: [String],
        days: Int = 365
    ) throws -> (
        keyPEM: String, certificatePEM: String
    ) {
        let key = try Self.newKey()
        let csr = try request(subject: "/CN=\(commonName)", keyPEM: key)
        return (key, try signLeaf(csrPEM: csr, dnsNames: dnsNames, days: days))
    }

    private func request(subject: String, keyPEM: String) throws -> String {
        let keyFile = try directory.write("req-\(UUID().uuidString).key", keyPEM)
        let config = try directory.write("req.cnf", Self.requestConfig)
        return try OpenSSLCLI.output(["req", "-new", "-key", keyFile, "-subj", subject, "-config", config])
    }

    private func sign(csrPEM: String, days: Int, extensions: String) throws -> String {
        let csrFile = try directory.write("csr-\(UUID().uuidString).pem", csrPEM)
        let extFile = try directory.write("ext-\(UUID().uuidString).cnf", extensions)
        return try OpenSSLCLI.output([
            "x509", "-req", "-in", csrFile, "-CA", certificateFile, "-CAkey", keyFile, "-days", "\(days)",
            "-extfile", extFile, "-extensions", "ext", "-set_serial", Self.randomSerial(),
        ])
    }

    /// A new EC P-256 private key (PKCS#8 PEM).
    public static func newKey() throws -> String {
        try OpenSSLCLI.output(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
    }

    private static func randomSerial() -> String {
        "0x"
            + (0..<16).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.map {
                $0.count == 1 ? "0" + $0 : $0
            }.joined()
    }

    private static let requestConfig = """
        [req]
        distinguished_name = dn
        prompt = no
        [dn]
        CN = unused

        """

    private static let caExtensions = """
        [ext]
        basicConstraints = critical,CA:TRUE
        keyUsage = critical,keyCertSign,cRLSign
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid:always

        """

    private static func leafExtensions(dnsNames: [String]) -> String {
        var text = """
            [ext]
            basicConstraints = critical,CA:FALSE
            keyUsage = critical,digitalSignature,keyEncipherment
            extendedKeyUsage = serverAuth,clientAuth
            subjectKeyIdentifier = hash
            authorityKeyIdentifier = keyid

            """
        if !dnsNames.isEmpty {
            text += "subjectAltName = " + dnsNames.map { "DNS:\($0)" }.joined(separator: ",") + "\n"
        }
        return text
    }
}
