import ApplianceConfig
import Foundation

/// A configuration that exercises every row of gateway.md §2's mapping table.
enum RenderFixture {
    static func pem(_ label: String, _ body: String) -> String {
        "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
    }

    static let mailProfile = CertificateProfileRecord(
        name: "mail_example",
        certificatePEM: pem("CERTIFICATE", "bWFpbC1sZWFm"),
        privateKeyPEM: pem("PRIVATE KEY", "bWFpbC1rZXk="),
        intermediatesPEM: [pem("CERTIFICATE", "aW50ZXJtZWRpYXRl")]
    )

    static let outboundProfile = CertificateProfileRecord(
        name: "outbound",
        certificatePEM: pem("CERTIFICATE", "b3V0Ym91bmQ="),
        privateKeyPEM: pem("PRIVATE KEY", "b3V0Ym91bmQta2V5")
    )

    /// Two listeners (public with every kind of sender group member and TLS level, private relay),
    /// destinations at each level, the custom CA list on.
    static var configuration: ApplianceConfiguration {
        var table = HostAccessTable.publicDefault
        table.policies.append(
            MailFlowPolicy(name: "TLS_REQUIRED", action: .accept, parameters: MailFlowParameters(tls: .required))
        )
        table.policies.append(
            MailFlowPolicy(name: "TLS_VERIFY", action: .accept, parameters: MailFlowParameters(tls: .requireVerify))
        )
        table.policies.append(
            MailFlowPolicy(name: "TLS_PREFERRED", action: .accept, parameters: MailFlowParameters(tls: .on))
        )
        table.entries[0].members = ["10.1.1.10-20", "mail.partner.example"]
        table.entries[1].members = ["203.0.113.0/24", "192.0.2.77/30", ".spam.example", "sbrs[-10:-3]"]
        table.entries.insert(
            HostAccessEntry(
                name: "MUST_TLS",
                members: ["198.51.100.", "2001:db8::1:2/64"],
                behavior: .policy("TLS_REQUIRED")
            ),
            at: 0
        )
        table.entries.insert(
            HostAccessEntry(name: "MUST_VERIFY", members: ["198.18.0.5"], behavior: .policy("TLS_VERIFY")),
            at: 1
        )
        table.entries.append(HostAccessEntry(name: nil, members: ["192.0.2.1"], behavior: .action(.tcpRefuse)))
        table.entries.append(HostAccessEntry(name: "SKIP", members: ["192.0.2.2"], behavior: .action(.continue)))
        table.all = .policy("TLS_PREFERRED")
        let inbound = Listener(
            name: "IncomingMail",
            kind: .public,
            interface: "Management",
            port: 25,
            certificate: "mail_example",
            hostAccess: table,
            recipientAccess: [
                RecipientAccessEntry(pattern: "example.com", accept: true),
                RecipientAccessEntry(pattern: ".example.com", accept: true),
                RecipientAccessEntry(pattern: "blocked.example.com", accept: false),
                RecipientAccessEntry(pattern: "ALL", accept: false),
            ]
        )
        let relay = Listener(
            name: "OutgoingMail",
            kind: .private,
            interface: "Loop6",
            port: 587,
            certificate: nil,
            maxConnections: 20,
            hostAccess: .privateDefault(relayHosts: ["::1", "10.0.0."]),
            recipientAccess: [RecipientAccessEntry(pattern: "ALL", accept: true)]
        )
        var defaults = DestinationDefaults(outboundCertificate: "outbound")
        defaults.tls = .preferred
        var destinations = [
            DestinationEntry(domain: "none.example", tls: .no),
            DestinationEntry(domain: "may.example", tls: .preferred),
            DestinationEntry(domain: ".encrypt.example", tls: .required),
            DestinationEntry(domain: "mayverify.example", tls: .preferredVerify),
            DestinationEntry(domain: "secure.example", tls: .requiredVerify),
        ]
        destinations.append(DestinationEntry(domain: "limits-only.example"))
        return ApplianceConfiguration(
            hostname: "gw.example.com",
            interfaces: [
                NetworkInterface(
                    name: "Management",
                    address: "127.0.0.1",
                    prefixLength: 8,
                    hostname: "mail.example.com"
                ),
                NetworkInterface(name: "Loop6", address: "::1", prefixLength: 128, hostname: "relay.example.com"),
            ],
            certificates: [mailProfile, outboundProfile],
            certificateAuthorities: CertificateAuthoritySettings(
                systemListEnabled: true,
                customListEnabled: true,
                customCertificatesPEM: [pem("CERTIFICATE", "Y3VzdG9tLWNh")]
            ),
            destinations: KeyedList(destinations),
            destinationDefaults: defaults,
            listeners: [inbound, relay]
        )
    }
}
