import ApplianceConfig

/// A configuration that touches every section and every name-bearing field, built the same way
/// before and after the typed model (issue 9): its encodings from before are kept in
/// `LegacyFormatTests`, and must keep decoding to it.
enum LegacyFixture {
    /// The factory configuration the fixture starts from.
    static func factory() -> ApplianceConfiguration {
        ApplianceConfiguration.factory(demo: demo)
    }

    static let demo = CertificateProfileRecord(
        name: "Demo",
        certificatePEM: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"
    )

    static func configuration() -> ApplianceConfiguration {
        var configuration = ApplianceConfiguration.factory(
            demo: CertificateProfileRecord(
                name: "Demo",
                certificatePEM: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"
            )
        )
        configuration.certificates.append(
            CertificateProfileRecord(
                name: "Partner",
                certificatePEM: "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n",
                privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nMIIF\n-----END PRIVATE KEY-----",
                intermediatesPEM: ["-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----\n"]
            )
        )
        configuration.interfaces.append(
            NetworkInterface(
                name: "Data 1",
                address: "10.0.0.1",
                prefixLength: 8,
                hostname: "d.example.com",
                httpsPort: 8443,
                httpsCertificate: "partner"
            )
        )
        var listener = configuration.listeners[0]
        listener.name = "Outgoing"
        listener.kind = .private
        listener.interface = "data 1"
        listener.port = 587
        listener.certificate = "PARTNER"
        listener.recipientAccess = [
            RecipientAccessEntry(pattern: "Example.com", accept: true),
            RecipientAccessEntry(pattern: "ALL", accept: false),
        ]
        configuration.listeners.append(listener)
        var entry = DestinationEntry(domain: "partner.example", tls: .requiredVerify)
        entry.maxConcurrency = 10
        entry.limitType = .mxIP
        entry.recipientLimit = 100
        entry.recipientLimitPeriod = 1
        entry.bounceVerification = true
        var subdomains = DestinationEntry(domain: ".partner.example")
        subdomains.ipPreference = .ipv6Preferred
        subdomains.limitApplies = .virtualGateway
        subdomains.maxMessagesPerConnection = 7
        subdomains.bounceProfile = "Default"
        configuration.destinations = [entry, subdomains, DestinationEntry(domain: "plain.example")]
        configuration.destinationDefaults.tls = .preferred
        configuration.destinationDefaults.maxConcurrency = 250
        configuration.destinationDefaults.requiredTLSAlert = true
        configuration.revocationLists = [
            RevocationListRecord(name: "Root CRL", pem: "-----BEGIN X509 CRL-----\nMIIA\n-----END X509 CRL-----\n")
        ]
        configuration.alerts.recipients = [
            AlertRecipient(address: "Ops@Example.com", alertClass: .system, severity: .critical)
        ]
        configuration.users.append(
            ApplianceUser(
                name: "oper",
                fullName: "An Operator",
                role: .operator,
                passphraseHash: "$y$x",
                keys: ["ssh-ed25519 AAAA x"]
            )
        )
        configuration.ldap.certificate = "Partner"
        configuration.webSecurity = WebSecuritySettings(urlFiltering: true, clientCertificate: "partner")
        configuration.logging.tlsFields = true
        return configuration
    }
}
