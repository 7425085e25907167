import Foundation

/// A throwaway certificate authority built with the `openssl` command-line tool (EC P-256 keys,
/// so that it is fast). It can sign intermediates and leaves, including leaves for a CSR made by
/// the library; everything is PEM text. Validity is explicit (`openssl ca -startdate/-enddate`):
/// every certificate starts at `validFrom` — by default `TestCA.defaultValidFrom`, ten days before
/// the shells' fixed clock — and ends `days` later, so no test depends on the day it runs.
public final class TestCA: @unchecked Sendable {
    /// Working directory holding keys, certificates and extension files.
    public let directory: TemporaryDirectory
    /// Subject Common Name.
    public let commonName: String
    /// The CA certificate (PEM).
    public let certificatePEM: String
    /// The CA private key (PEM).
    public let keyPEM: String
    /// Start of validity of this CA and, unless told otherwise, of what it issues.
    public let validFrom: Date
    private let certificateFile: String
    private let keyFile: String

    /// The default start of validity: Sep 12 2026 09:00 UTC, ten days before `TestClock.start`.
    public static let defaultValidFrom = TestClock.start.addingTimeInterval(-10 * 86_400)

    private init(
        directory: TemporaryDirectory,
        commonName: String,
        certificatePEM: String,
        keyPEM: String,
        validFrom: Date
    ) throws {
        self.directory = directory
        self.commonName = commonName
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.validFrom = validFrom
        let slug = commonName.filter { $0.isLetter || $0.isNumber }
        certificateFile = try directory.write("\(slug)-\(UUID().uuidString).pem", certificatePEM)
        keyFile = try directory.write("\(slug)-\(UUID().uuidString).key", keyPEM)
    }

    /// Makes a self-signed root CA valid for `days` from `validFrom`. Tests that run the built
    /// binary (which reads the wall clock) pass a `validFrom` around the moment they run.
    public static func makeRoot(
        commonName: String = "esa Test Root CA",
        days: Int = 3650,
        validFrom: Date = TestCA.defaultValidFrom
    ) throws -> TestCA {
        let directory = try TemporaryDirectory()
        let key = try newKey()
        let keyFile = try directory.write("root.key", key)
        let config = try directory.write("root.cnf", requestConfig)
        let csr = try OpenSSLCLI.output([
            "req", "-new", "-key", keyFile, "-subj", "/O=esa tests/CN=\(commonName)", "-config", config,
        ])
        let pem = try issue(
            csrPEM: csr,
            in: directory,
            signer: ["-selfsign", "-keyfile", keyFile],
            from: validFrom,
            days: days,
            extensions: caExtensions
        )
        return try TestCA(
            directory: directory,
            commonName: commonName,
            certificatePEM: pem,
            keyPEM: key,
            validFrom: validFrom
        )
    }

    /// Makes an intermediate CA signed by this CA, valid for `days` from `validFrom` (this CA's
    /// start by default). Pass `keyPEM` to re-issue an intermediate with the same key (a "renewed"
    /// intermediate).
    public func makeIntermediate(
        commonName: String,
        days: Int = 1825,
        keyPEM: String? = nil,
        validFrom: Date? = nil
    ) throws -> TestCA {
        let key = try keyPEM ?? Self.newKey()
        let start = validFrom ?? self.validFrom
        let csr = try request(subject: "/O=esa tests/CN=\(commonName)", keyPEM: key)
        let pem = try sign(csrPEM: csr, from: start, days: days, extensions: Self.caExtensions)
        return try TestCA(
            directory: directory,
            commonName: commonName,
            certificatePEM: pem,
            keyPEM: key,
            validFrom: start
        )
    }

    /// Signs a leaf certificate for a CSR (for example one made by the library) with serverAuth and
    /// the given DNS names, valid for `days` from `validFrom` (this CA's start by default).
    public func signLeaf(csrPEM: String, dnsNames: [String], days: Int = 365, validFrom: Date? = nil) throws -> String {
        try sign(
            csrPEM: csrPEM,
            from: validFrom ?? self.validFrom,
            days: days,
            extensions: Self.leafExtensions(dnsNames: dnsNames)
        )
    }

    /// Makes a new EC key and a leaf certificate for it; returns both as PEM.
    public func makeLeaf(
        commonName: String,
        dnsNames: [String],
        days: Int = 365,
        validFrom: Date? = nil
    ) throws -> (
        keyPEM: String, certificatePEM: String
    ) {
        let key = try Self.newKey()
        let csr = try request(subject: "/CN=\(commonName)", keyPEM: key)
        return (key, try signLeaf(csrPEM: csr, dnsNames: dnsNames, days: days, validFrom: validFrom))
    }

    private func request(subject: String, keyPEM: String) throws -> String {
        let keyFile = try directory.write("req-\(UUID().uuidString).key", keyPEM)
        let config = try directory.write("req.cnf", Self.requestConfig)
        return try OpenSSLCLI.output(["req", "-new", "-key", keyFile, "-subj", subject, "-config", config])
    }

    private func sign(csrPEM: String, from start: Date, days: Int, extensions: String) throws -> String {
        try Self.issue(
            csrPEM: csrPEM,
            in: directory,
            signer: ["-cert", certificateFile, "-keyfile", keyFile],
            from: start,
            days: days,
            extensions: extensions
        )
    }

    /// Issues a certificate for `csrPEM` with `openssl ca`, which (unlike `x509 -req` on OpenSSL
    /// 3.0) takes explicit start and end dates. Each issue gets its own scratch database.
    private static func issue(
        csrPEM: String,
        in directory: TemporaryDirectory,
        signer: [String],
        from start: Date,
        days: Int,
        extensions: String
    ) throws -> String {
        let scratch = try TemporaryDirectory()
        try scratch.write("index.txt", "")
        let config = try scratch.write(
            "ca.cnf",
            """
            [ca]
            default_ca = test_ca
            [test_ca]
            database = index.txt
            new_certs_dir = .
            default_md = sha256
            policy = any
            unique_subject = no
            email_in_dn = no
            rand_serial = yes
            [any]
            commonName = supplied

            """
        )
        let csrFile = try directory.write("csr-\(UUID().uuidString).pem", csrPEM)
        let extFile = try directory.write("ext-\(UUID().uuidString).cnf", extensions)
        let outFile = scratch.path("out.pem")
        let end = start.addingTimeInterval(Double(days) * 86_400)
        _ = try OpenSSLCLI.output(
            ["ca", "-batch", "-config", config, "-in", csrFile, "-out", outFile, "-notext", "-preserveDN"]
                + signer + [
                    "-startdate", generalizedTime(start), "-enddate", generalizedTime(end), "-extfile", extFile,
                    "-extensions", "ext",
                ],
            in: scratch.url
        )
        return try scratch.readText("out.pem")
    }

    /// A new EC P-256 private key (PKCS#8 PEM).
    public static func newKey() throws -> String {
        try OpenSSLCLI.output(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
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
