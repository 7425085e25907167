import FoundationEssentials

/// A certificate profile as configuration: PEM text only. Parsing and checks live in `Certificates`.
public struct CertificateProfileRecord: Sendable, Equatable, Codable {
    public var name: ProfileName
    /// The leaf certificate, PEM.
    public var certificatePEM: String
    /// The private key, unencrypted PKCS#8 PEM. A secret: masked in every listing.
    public var privateKeyPEM: String
    /// Intermediate certificates from the leaf up, PEM each.
    public var intermediatesPEM: [String]
    /// The pending signing request, PEM, until a CA-signed certificate is installed.
    public var signingRequestPEM: String?

    public init(
        name: ProfileName,
        certificatePEM: String,
        privateKeyPEM: String,
        intermediatesPEM: [String] = [],
        signingRequestPEM: String? = nil
    ) {
        self.name = name
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.intermediatesPEM = intermediatesPEM
        self.signingRequestPEM = signingRequestPEM
    }
}

/// An IP interface.
public struct NetworkInterface: Sendable, Equatable, Codable {
    public var name: InterfaceName
    public var address: String
    public var prefixLength: Int
    public var hostname: String
    /// SSH port, or nil when SSH is off.
    public var sshPort: Int?
    /// HTTPS port, or nil when HTTPS is off.
    public var httpsPort: Int?
    /// The certificate profile of the HTTPS service.
    public var httpsCertificate: ProfileName?

    public init(
        name: InterfaceName,
        address: String,
        prefixLength: Int,
        hostname: String,
        sshPort: Int? = nil,
        httpsPort: Int? = nil,
        httpsCertificate: ProfileName? = nil
    ) {
        self.name = name
        self.address = address
        self.prefixLength = prefixLength
        self.hostname = hostname
        self.sshPort = sshPort
        self.httpsPort = httpsPort
        self.httpsCertificate = httpsCertificate
    }
}

/// The system CA list (the OS bundle: only its switch is configuration) and the custom list.
public struct CertificateAuthoritySettings: Sendable, Equatable, Codable {
    public var systemListEnabled: Bool
    public var customListEnabled: Bool
    /// Custom CA certificates, PEM each.
    public var customCertificatesPEM: [String]

    public init(systemListEnabled: Bool = true, customListEnabled: Bool = false, customCertificatesPEM: [String] = []) {
        self.systemListEnabled = systemListEnabled
        self.customListEnabled = customListEnabled
        self.customCertificatesPEM = customCertificatesPEM
    }
}

/// A certificate revocation list imported with `certconfig` CRL NEW (PEM text; parsing and signature
/// checks live in `Certificates`).
public struct RevocationListRecord: Sendable, Equatable, Codable {
    /// The name the admin gave it (unique, ignoring case).
    public var name: RevocationListName
    /// The CRL, PEM.
    public var pem: String

    public init(name: RevocationListName, pem: String) {
        self.name = name
        self.pem = pem
    }
}

/// What the mail log writes beyond the appliance's own lines (`tlslogconfig`, mail-logs.md §6).
public struct LoggingSettings: Sendable, Equatable, Codable {
    /// `tls={level}` and `result={type}` fields on TLS lines; off by default.
    public var tlsFields: Bool
    public init(tlsFields: Bool = false) { self.tlsFields = tlsFields }
}

/// The LDAP client certificate.
public struct LDAPSettings: Sendable, Equatable, Codable {
    public var certificate: ProfileName?
    public init(certificate: ProfileName? = nil) { self.certificate = certificate }
}

/// URL filtering and the client certificate for the web security service.
public struct WebSecuritySettings: Sendable, Equatable, Codable {
    public var urlFiltering: Bool
    public var interactionTracking: Bool
    /// The client certificate profile, or nil for the provided certificate.
    public var clientCertificate: ProfileName?

    public init(urlFiltering: Bool = false, interactionTracking: Bool = false, clientCertificate: ProfileName? = nil) {
        self.urlFiltering = urlFiltering
        self.interactionTracking = interactionTracking
        self.clientCertificate = clientCertificate
    }
}
