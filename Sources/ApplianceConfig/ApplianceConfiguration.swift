import DomainNames
import FoundationEssentials

/// Everything the commands of esa configure, as one plain value.
///
/// A session edits its own copy (the candidate); the store keeps committed copies as revisions.
/// Runtime objects (TLS contexts, listeners) are built from a committed value, never the reverse.
public struct ApplianceConfiguration: Sendable, Equatable, Codable {
    /// The system host name (prompt, saveconfig file names, `on machine "…"` texts).
    public var hostname: String
    /// IP interfaces and the certificate of each one's HTTPS service.
    public var interfaces: KeyedList<NetworkInterface>
    /// Certificate profiles, in creation order.
    public var certificates: KeyedList<CertificateProfileRecord>
    /// The system and custom certificate authority lists.
    public var certificateAuthorities: CertificateAuthoritySettings
    /// Certificate revocation lists honoured by certificate verification.
    public var revocationLists: KeyedList<RevocationListRecord>
    /// Destination controls: one entry per domain, found by its domain ignoring case
    /// (`destinations[HostName("example.com")]`); the Default entry lives in `destinationDefaults`.
    public var destinations: KeyedList<DestinationEntry>
    /// The Default destination entry and the global outbound TLS settings.
    public var destinationDefaults: DestinationDefaults
    /// The LDAP client certificate.
    public var ldap: LDAPSettings
    /// URL filtering and the web security client certificate.
    public var webSecurity: WebSecuritySettings
    /// SMTP listeners with their certificates, Host Access Tables and Recipient Access Tables.
    public var listeners: KeyedList<Listener>
    /// Limits for all listeners (listenerconfig SETUP).
    public var listenerSettings: ListenerSettings
    /// Alert recipients.
    public var alerts: AlertSettings
    /// The appliance's users (ssh.md §3); the factory has `admin` only.
    public var users: KeyedList<ApplianceUser>
    public var userPolicy: UserPolicy
    /// Extra fields of the mail log (`tlslogconfig`).
    public var logging: LoggingSettings

    public init(
        hostname: String,
        interfaces: KeyedList<NetworkInterface> = [],
        certificates: KeyedList<CertificateProfileRecord> = [],
        certificateAuthorities: CertificateAuthoritySettings = .init(),
        revocationLists: KeyedList<RevocationListRecord> = [],
        destinations: KeyedList<DestinationEntry> = [],
        destinationDefaults: DestinationDefaults = .init(),
        ldap: LDAPSettings = .init(),
        webSecurity: WebSecuritySettings = .init(),
        listeners: KeyedList<Listener> = [],
        listenerSettings: ListenerSettings = .init(),
        alerts: AlertSettings = .init(),
        users: KeyedList<ApplianceUser> = [ApplianceUser.factoryAdmin],
        userPolicy: UserPolicy = .init(),
        logging: LoggingSettings = .init()
    ) {
        self.hostname = hostname
        self.interfaces = interfaces
        self.certificates = certificates
        self.certificateAuthorities = certificateAuthorities
        self.revocationLists = revocationLists
        self.destinations = destinations
        self.destinationDefaults = destinationDefaults
        self.ldap = ldap
        self.webSecurity = webSecurity
        self.listeners = listeners
        self.listenerSettings = listenerSettings
        self.alerts = alerts
        self.users = users
        self.userPolicy = userPolicy
        self.logging = logging
    }

    private enum CodingKeys: String, CodingKey {
        case hostname, interfaces, certificates, certificateAuthorities, revocationLists, destinations
        case destinationDefaults
        case ldap, webSecurity, listeners, listenerSettings, alerts, users, userPolicy, logging
    }

    /// Decodes revisions written by any earlier version: sections added later take their factory value.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hostname = try c.decode(String.self, forKey: .hostname)
        interfaces = try c.decodeIfPresent(KeyedList<NetworkInterface>.self, forKey: .interfaces) ?? []
        certificates = try c.decodeIfPresent(KeyedList<CertificateProfileRecord>.self, forKey: .certificates) ?? []
        certificateAuthorities =
            try c.decodeIfPresent(CertificateAuthoritySettings.self, forKey: .certificateAuthorities) ?? .init()
        revocationLists = try c.decodeIfPresent(KeyedList<RevocationListRecord>.self, forKey: .revocationLists) ?? []
        destinations = try c.decodeIfPresent(KeyedList<DestinationEntry>.self, forKey: .destinations) ?? []
        destinationDefaults = try c.decodeIfPresent(DestinationDefaults.self, forKey: .destinationDefaults) ?? .init()
        ldap = try c.decodeIfPresent(LDAPSettings.self, forKey: .ldap) ?? .init()
        webSecurity = try c.decodeIfPresent(WebSecuritySettings.self, forKey: .webSecurity) ?? .init()
        listeners = try c.decodeIfPresent(KeyedList<Listener>.self, forKey: .listeners) ?? []
        listenerSettings = try c.decodeIfPresent(ListenerSettings.self, forKey: .listenerSettings) ?? .init()
        alerts = try c.decodeIfPresent(AlertSettings.self, forKey: .alerts) ?? .init()
        // Revisions stored before users existed hold the factory admin.
        users = try c.decodeIfPresent(KeyedList<ApplianceUser>.self, forKey: .users) ?? [ApplianceUser.factoryAdmin]
        userPolicy = try c.decodeIfPresent(UserPolicy.self, forKey: .userPolicy) ?? .init()
        logging = try c.decodeIfPresent(LoggingSettings.self, forKey: .logging) ?? .init()
    }
}

extension ApplianceConfiguration {
    /// The name of the certificate profile every service uses on a new appliance.
    public static let demoProfileName = "Demo"
    /// The host name of a new appliance.
    public static let factoryHostname = "ironport.example.com"

    /// The factory configuration (revision 1). `demo` is the Demo profile generated at first start,
    /// or nil when the caller has no certificate module (then nothing is bound).
    public static func factory(demo: CertificateProfileRecord?) -> ApplianceConfiguration {
        let demoName = demo?.name
        return ApplianceConfiguration(
            hostname: factoryHostname,
            interfaces: [
                NetworkInterface(
                    name: "Management",
                    address: "192.168.42.42",
                    prefixLength: 24,
                    hostname: factoryHostname,
                    sshPort: 22,
                    httpsPort: 443,
                    httpsCertificate: demoName
                )
            ],
            certificates: KeyedList(demo.map { [$0] } ?? []),
            destinationDefaults: DestinationDefaults(outboundCertificate: demoName),
            ldap: LDAPSettings(certificate: demoName),
            listeners: [
                Listener(
                    name: "IncomingMail",
                    kind: .public,
                    interface: "Management",
                    port: 25,
                    certificate: demoName,
                    hostAccess: .publicDefault,
                    recipientAccess: [RecipientAccessEntry(pattern: "ALL", accept: false)]
                )
            ]
        )
    }

    /// The certificate profile with this name, ignoring case.
    public func certificate(named name: String) -> CertificateProfileRecord? {
        certificates[ProfileName(name)]
    }

    /// The certificate profile a reference names.
    public func certificate(named name: ProfileName) -> CertificateProfileRecord? { certificates[name] }

    /// The interface with this name, ignoring case (a listener's `interface`).
    public func interface(named name: String) -> NetworkInterface? {
        interfaces[InterfaceName(name)]
    }

    /// The interface a reference names (a listener's `interface`).
    public func interface(named name: InterfaceName) -> NetworkInterface? { interfaces[name] }

    /// The listener with this name, ignoring case.
    public func listener(named name: String) -> Listener? {
        listeners[ListenerName(name)]
    }
}
