import ApplianceConfig
import Foundation
import Shell
import TestSupport
import Testing

private let header = XMLHeader(
    product: "esa Email Security Appliance Shell",
    model: "esa",
    version: "1.0.0-001",
    serialNumber: "42A1B2C3D4E5F60718293A4B5C6D7E8F",
    cpuCount: 2,
    memoryGB: 8,
    currentTime: "Tue Sep 22 09:00:00 2026"
)

private func pem(_ label: String, _ body: String) -> String {
    "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
}

/// Every section with non-default values, optional values both set and unset, and awkward text.
private func rich() -> ApplianceConfiguration {
    var config = ApplianceConfiguration(hostname: "mail.example.com")
    config.interfaces = [
        NetworkInterface(
            name: "Management",
            address: "192.168.42.42",
            prefixLength: 24,
            hostname: "mail.example.com",
            sshPort: 22,
            httpsPort: 443,
            httpsCertificate: "Démo & <Co>"
        ),
        NetworkInterface(name: "Data 1", address: "2001:db8::25", prefixLength: 64, hostname: "mx.example.com"),
        NetworkInterface(name: "Data2", address: "10.0.0.1", prefixLength: 0, hostname: "mx2.example.com"),
    ]
    config.certificates = [
        CertificateProfileRecord(
            name: "Démo & <Co>",
            certificatePEM: pem("CERTIFICATE", "MIIBdemo"),
            privateKeyPEM: pem("PRIVATE KEY", "MIIEkey"),
            intermediatesPEM: [pem("CERTIFICATE", "MIIint1"), pem("CERTIFICATE", "MIIint2")],
            signingRequestPEM: pem("CERTIFICATE REQUEST", "MIIcsr")
        ),
        CertificateProfileRecord(
            name: "mail",
            certificatePEM: pem("CERTIFICATE", "MIImail") + "\r\n",
            privateKeyPEM: pem("EC PRIVATE KEY", "MHckey")
        ),
    ]
    config.certificateAuthorities = CertificateAuthoritySettings(
        systemListEnabled: false,
        customListEnabled: true,
        customCertificatesPEM: [pem("CERTIFICATE", "MIIca1"), pem("CERTIFICATE", "MIIca2")]
    )
    var defaults = DestinationDefaults(outboundCertificate: "mail")
    defaults.maxConcurrency = 250
    defaults.maxMessagesPerConnection = 10
    defaults.recipientLimit = 1000
    defaults.recipientLimitPeriod = 30
    defaults.limitType = .mxIP
    defaults.limitApplies = .virtualGateway
    defaults.tls = .preferred
    defaults.bounceVerification = true
    defaults.ipPreference = .ipv6Required
    defaults.requiredTLSAlert = true
    config.destinationDefaults = defaults
    var partner = DestinationEntry(domain: "partner.example.org", tls: .requiredVerify)
    partner.maxConcurrency = 5
    partner.bounceVerification = false
    partner.ipPreference = .ipv6Preferred
    var full = DestinationEntry(domain: ".example.net", tls: .no)
    full.maxConcurrency = 1
    full.maxMessagesPerConnection = 2
    full.recipientLimit = 3
    full.recipientLimitPeriod = 4
    full.limitType = .host
    full.limitApplies = .system
    full.bounceVerification = true
    full.bounceProfile = "Default"
    full.ipPreference = .ipv4Required
    // Not in alphabetical order: the file keeps the configuration's order.
    config.destinations = [partner, DestinationEntry(domain: "plain.example.com"), full]
    config.revocationLists = [
        RevocationListRecord(name: "Root CRL", pem: pem("X509 CRL", "MIIcrl1")),
        RevocationListRecord(name: "Zwischen-CA ä", pem: pem("X509 CRL", "MIIcrl2") + pem("X509 CRL", "MIIcrl3")),
    ]
    config.alerts = AlertSettings(
        recipients: [
            AlertRecipient(address: "admin@example.com", alertClass: .all, severity: .all),
            AlertRecipient(address: "ops@example.com", alertClass: .system, severity: .critical),
            AlertRecipient(address: "ops@example.com", alertClass: .directoryHarvest, severity: .information),
        ],
        initialDuplicateSeconds: 60,
        maximumDuplicateSeconds: 7200
    )
    config.listenerSettings = ListenerSettings(
        maxConcurrentConnections: 500,
        connectionTimeoutSeconds: 120,
        maxConnectionSeconds: 1800
    )
    config.listeners = [richPublicListener(), richPrivateListener(), strictListener()]
    config.ldap = LDAPSettings(certificate: "mail")
    config.webSecurity = WebSecuritySettings(urlFiltering: true, interactionTracking: true, clientCertificate: "mail")
    return config
}

/// A public listener with changed HAT defaults, a policy with overrides, members, inline entries
/// (one with a policy, one with an action) and comments that need escaping.
private func richPublicListener() -> Listener {
    var hat = HostAccessTable.publicDefault
    hat.defaults.tls = .on
    hat.defaults.maxMessageSize = 5 * 1_048_576
    hat.defaults.smtpAuth = .on
    hat.defaults.dhapLimit = 0
    hat.policies.append(
        MailFlowPolicy(
            name: "PARTNER_TLS",
            action: .accept,
            parameters: MailFlowParameters(maxRecipientsPerHour: -1, tls: .required, smtpAuthRequireTLS: true)
        )
    )
    hat.entries[0].members = ["10.1.1.0/24", ".partner.example.org", "sbrs[7.0:10.0]", "2001:db8::/32"]
    hat.entries[2].members = ["dnslist[bl.example.net]", "10.2.3."]
    hat.entries[3].comment = "Noch unentschieden – später prüfen"
    hat.entries.insert(
        HostAccessEntry(
            name: nil,
            members: ["192.168.1.5"],
            behavior: .action(.relay),
            comment: "Backup MX ]]> & <relay>"
        ),
        at: 1
    )
    hat.entries.append(HostAccessEntry(name: nil, members: ["10.9.9.1-20"], behavior: .policy("PARTNER_TLS")))
    hat.entries.append(HostAccessEntry(name: "EMPTY_GROUP", members: [], behavior: .action(.continue)))
    return Listener(
        name: "IncomingMail",
        kind: .public,
        interface: "Management",
        port: 25,
        certificate: "Démo & <Co>",
        maxConnections: 75,
        hostAccess: hat,
        recipientAccess: [
            RecipientAccessEntry(pattern: "example.com", accept: true),
            RecipientAccessEntry(pattern: ".example.org", accept: true),
            RecipientAccessEntry(pattern: "blocked.example.com", accept: false),
            RecipientAccessEntry(pattern: "ALL", accept: false),
        ]
    )
}

private func richPrivateListener() -> Listener {
    Listener(
        name: "Outgoing.Mail-1",
        kind: .private,
        interface: "Data2",
        port: 587,
        certificate: nil,
        hostAccess: .privateDefault(relayHosts: ["10.0.0.0/8", "app.example.com"]),
        recipientAccess: [RecipientAccessEntry(pattern: "ALL", accept: true)]
    )
}

/// No policies at all: every entry and ALL carry a bare action.
private func strictListener() -> Listener {
    Listener(
        name: "Partners",
        kind: .public,
        interface: "Data 1",
        port: 2525,
        certificate: "mail",
        maxConnections: 1,
        hostAccess: HostAccessTable(
            defaults: MailFlowParameters.factoryDefaults,
            policies: [],
            entries: [HostAccessEntry(name: "OK", members: ["mx.partner.example"], behavior: .action(.accept))],
            all: .action(.tcpRefuse)
        ),
        recipientAccess: [RecipientAccessEntry(pattern: "ALL", accept: true)]
    )
}

/// A reversible stand-in for the appliance secret.
private func fakeSeal(_ text: String) throws -> String { Data(("sealed:" + text).utf8).base64EncodedString() }
private struct CannotOpen: Error {}
private func fakeOpen(_ sealed: String) throws -> String {
    guard let data = Data(base64Encoded: sealed), let text = String(data: data, encoding: .utf8),
        text.hasPrefix("sealed:")
    else { throw CannotOpen() }
    return String(text.dropFirst("sealed:".count))
}

private func decodeError(_ text: String, open: (String) throws -> String = fakeOpen) -> XMLConfigError? {
    do {
        _ = try XMLCodec.decode(Data(text.utf8), open: open)
        return nil
    } catch {
        return error
    }
}

/// The 1-based number of the first line containing `fragment`.
private func line(of fragment: String, in text: String) -> Int {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return (lines.firstIndex { $0.contains(fragment) } ?? -1) + 1
}

@Suite struct XMLCodecTests {
    @Test func headerIsExact() throws {
        let text = try XMLCodec.encode(rich(), header: header, secrets: .mask)
        let expected = """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <!DOCTYPE config SYSTEM "config.dtd">

            <!--
              Product: esa Email Security Appliance Shell
              Model Number: esa
              Version: 1.0.0-001
              Serial Number: 42A1B2C3D4E5F60718293A4B5C6D7E8F
              Number of CPUs: 2
              Memory (GB): 8
              Current Time: Tue Sep 22 09:00:00 2026
            -->
            <config>

            """
        #expect(text.hasPrefix(expected))
        #expect(text.hasSuffix("</config>\n"))
    }

    @Test func bodyUsesTheSpecElementNames() throws {
        var config = ApplianceConfiguration.factory(demo: nil)
        config.destinationDefaults.ipPreference = .ipv6Preferred
        let text = try XMLCodec.encode(config, header: header, secrets: .mask)
        let body = text.split(separator: "\n").drop { $0 != "<config>" }.joined(separator: "\n")
        #expect(
            body == """
                <config>
                  <hostname>ironport.example.com</hostname>
                  <interfaces>
                    <interface>
                      <interface_name>Management</interface_name>
                      <ip>192.168.42.42</ip>
                      <netmask>255.255.255.0</netmask>
                      <interface_hostname>ironport.example.com</interface_hostname>
                      <sshd_port>22</sshd_port>
                      <httpsd_port>443</httpsd_port>
                    </interface>
                  </interfaces>
                  <certificates>
                  </certificates>
                  <ca_lists>
                    <system_ca_list>1</system_ca_list>
                    <custom_ca_list>0</custom_ca_list>
                  </ca_lists>
                  <websecurity>
                    <url_filtering>0</url_filtering>
                    <interaction_tracking>0</interaction_tracking>
                  </websecurity>
                  <crls>
                  </crls>
                  <alerts>
                    <initial_duplicate_seconds>300</initial_duplicate_seconds>
                    <maximum_duplicate_seconds>3600</maximum_duplicate_seconds>
                  </alerts>
                  <listener_settings>
                    <max_concurrent_connections>300</max_concurrent_connections>
                    <connection_timeout_seconds>300</connection_timeout_seconds>
                    <max_connection_seconds>900</max_connection_seconds>
                  </listener_settings>
                  <listeners>
                    <listener>
                      <name>IncomingMail</name>
                      <type>public</type>
                      <interface>Management</interface>
                      <port>25</port>
                      <max_connections>50</max_connections>
                      <hat_defaults>
                        <spam_check>on</spam_check>
                        <max_msgs_per_session>10</max_msgs_per_session>
                        <max_concurrency>10</max_concurrency>
                        <max_rcpts_per_msg>50</max_rcpts_per_msg>
                        <max_rcpts_per_hour>-1</max_rcpts_per_hour>
                        <dhap_limit>25</dhap_limit>
                        <virus_check>on</virus_check>
                        <max_message_size>10485760</max_message_size>
                        <use_sb>on</use_sb>
                        <tls>off</tls>
                        <smtp_auth>off</smtp_auth>
                        <smtp_auth_require_tls>off</smtp_auth_require_tls>
                      </hat_defaults>
                      <hat><![CDATA[
                \(SpecTexts.factoryHAT)]]></hat>
                      <rat><![CDATA[
                ALL
                    REJECT
                ]]></rat>
                    </listener>
                  </listeners>
                  <destconfig>
                    <global>
                      <required_tls_alert>0</required_tls_alert>
                    </global>
                    <destinations><![CDATA[
                [DEFAULT]
                ip_sort_pref = PREFER_V6
                max_host_concurrency = 500
                max_messages_per_connection = 50
                recipient_minutes = 60
                recipient_limit = 0
                limit_type = host
                limit_apply = system
                use_tls = 0
                bounce_validation = 0
                ]]></destinations>
                  </destconfig>
                  <users>
                    <user_policy>
                      <max_failed_logins>5</max_failed_logins>
                      <min_passphrase_length>8</min_passphrase_length>
                    </user_policy>
                    <user>
                      <username>admin</username>
                      <full_name>Administrator</full_name>
                      <role>Administrator</role>
                      <status>available</status>
                      <passphrase>*****</passphrase>
                      <passphrase_change_required>1</passphrase_change_required>
                    </user>
                  </users>
                </config>
                """
        )
    }

    @Test func usersRoundTripWithTheirHashSealedAndMaskedHashesAreRefused() throws {
        var original = rich()
        original.users.append(
            ApplianceUser(
                name: "ops",
                fullName: "Night <Ops> & Co",
                role: .readOnlyOperator,
                passphraseHash: "$y$j9T$abc$def",
                locked: true,
                keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG ops@host"]
            )
        )
        original.userPolicy = UserPolicy(maximumFailures: 3, minimumLength: 10)
        let sealed = try XMLCodec.encode(original, header: header, secrets: .encrypt(seal: fakeSeal))
        #expect(!sealed.contains("$y$j9T$abc$def"))
        #expect(sealed.contains("<role>Read-Only Operator</role>"))
        #expect(try XMLCodec.decode(Data(sealed.utf8), open: fakeOpen) == original)
        var withoutKeys = original
        withoutKeys.certificates = []
        let masked = try XMLCodec.encode(withoutKeys, header: header, secrets: .mask)
        #expect(!masked.contains("$y$"))
        let error = decodeError(masked)
        #expect(error?.code == .maskedSecrets)
        #expect(error?.line == line(of: "<passphrase>", in: masked))
    }

    @Test func richConfigurationRoundTripsWithEncryptedSecrets() throws {
        let original = rich()
        let text = try XMLCodec.encode(original, header: header, secrets: .encrypt(seal: fakeSeal))
        #expect(text.contains("<key encrypted=\"yes\">"))
        #expect(!text.contains("MIIEkey"))
        #expect(try XMLCodec.decode(Data(text.utf8), open: fakeOpen) == original)
        #expect(try XMLCodec.decode(text: text, open: fakeOpen) == original)
    }

    @Test func outputIsASCIIWithCharacterReferences() throws {
        let text = try XMLCodec.encode(rich(), header: header, secrets: .mask)
        #expect(text.utf8.allSatisfy { $0 < 0x80 })
        #expect(text.contains("<https_certificate>D&#233;mo &amp; &lt;Co&gt;</https_certificate>"))
        // In CDATA, "]]>" and non-ASCII characters step out of the section and back in.
        #expect(text.contains("    RELAY (Backup MX ]]]]><![CDATA[> & <relay>)\n"))
        #expect(
            text.contains(
                "$ACCEPTED (Noch unentschieden ]]>&#8211;<![CDATA[ sp]]>&#228;<![CDATA[ter pr]]>&#252;<![CDATA[fen)\n"
            )
        )
        #expect(text.contains("<name>Zwischen-CA &#228;</name>"))
        #expect(text.contains("-----END CERTIFICATE-----\n&#13;\n</certificate>"))
        #expect(text.contains("<netmask>64</netmask>"))
        #expect(text.contains("<netmask>0.0.0.0</netmask>"))
    }

    @Test func maskedSecretsAreWrittenAsStarsAndRefused() throws {
        let text = try XMLCodec.encode(rich(), header: header, secrets: .mask)
        #expect(text.contains("<key>*****</key>"))
        #expect(!text.contains("PRIVATE KEY"))
        let error = try #require(decodeError(text))
        #expect(error.code == .maskedSecrets)
        #expect(error.description == "The file contains masked passphrases and cannot be loaded.")
    }

    @Test func secretsThatCannotBeOpenedAreRefusedLikeMaskedOnes() throws {
        let text = try XMLCodec.encode(rich(), header: header, secrets: .encrypt(seal: fakeSeal))
        let error = try #require(decodeError(text, open: { _ in throw CannotOpen() }))
        #expect(error.code == .maskedSecrets)
        #expect(error.description == ErrorPresenter.maskedSecretsMessage)
    }

    @Test func malformedXMLIsRefusedWithItsLine() throws {
        let good = try XMLCodec.encode(rich(), header: header, secrets: .encrypt(seal: fakeSeal))
        let bad = good.replacingOccurrences(of: "</interface_hostname>", with: "</interface_hostnam>")
        let error = try #require(decodeError(bad))
        let expectedLine = line(of: "</interface_hostnam>", in: bad)
        #expect(error.code == .syntax)
        #expect(error.line == expectedLine)
        #expect(
            error.description.hasPrefix(
                "Error: line \(expectedLine): the closing tag does not match <interface_hostname>"
            )
        )

        let truncated = String(good.prefix(through: good.range(of: "<certificates>")!.upperBound))
        let end = try #require(decodeError(truncated))
        #expect(end.code == .syntax)
        #expect(end.description.hasPrefix("Error: line "))

        let entity = try #require(decodeError(good.replacingOccurrences(of: "&amp;", with: "&")))
        #expect(entity.code == .syntax)
        #expect(entity.line == line(of: "<https_certificate>", in: good))
    }

    /// A file without any element is named for what it is, not as text after the end of `<config>`.
    @Test(arguments: [
        ("", "Error: line 1: the file is empty"),
        ("  \n\n", "Error: line 1: the file is empty"),
        ("notes\n", "Error: line 1: the file is not XML: it does not start with a tag"),
        ("?", "Error: line 1: the file is not XML: it does not start with a tag"),
        ("<?xml version=\"1.0\"?>\n", "Error: line 1: the file holds no <config> element"),
        ("<!-- saved by hand -->\n", "Error: line 1: the file holds no <config> element"),
        ("<config/>\ntrailing", "Error: line 2: text after the end of <config>"),
    ])
    func aFileWithoutAnElementSaysSo(_ text: String, _ message: String) throws {
        let error = try #require(decodeError(text))
        #expect(error.code == .syntax)
        #expect(error.description == message)
    }

    @Test func invalidConfigurationsNameTheLine() throws {
        let good = try XMLCodec.encode(rich(), header: header, secrets: .encrypt(seal: fakeSeal))

        let dangling = good.replacingOccurrences(of: "<ldap_certificate>mail<", with: "<ldap_certificate>gone<")
        let reference = try #require(decodeError(dangling))
        #expect(reference.code == .invalid)
        #expect(
            reference.description
                == "Error: line \(line(of: "<ldap_certificate>", in: good)): LDAP: certificate profile \"gone\" does not exist"
        )

        let unknown = good.replacingOccurrences(of: "use_tls = 4", with: "use_tls = 9")
        let level = try #require(decodeError(unknown))
        #expect(
            level.description
                == "Error: line \(line(of: "use_tls = 4", in: good)): use_tls must be a number from 0 to 4, not \"9\""
        )

        let extra = good.replacingOccurrences(of: "<sshd_port>22</sshd_port>", with: "<telnet>23</telnet>")
        let element = try #require(decodeError(extra))
        #expect(
            element.description
                == "Error: line \(line(of: "<telnet>", in: extra)): unknown element <telnet> in <interface>"
        )

        let port = good.replacingOccurrences(of: "<httpsd_port>443<", with: "<httpsd_port>70000<")
        #expect(
            decodeError(port).map { ErrorPresenter.problem($0.problem) }
                == "<httpsd_port> must be a number from 1 to 65535, not \"70000\""
        )

        let host = good.replacingOccurrences(of: "<hostname>mail.example.com<", with: "<hostname>mail<")
        #expect(
            decodeError(host)?.description == "Error: line \(line(of: "<hostname>", in: good)): mail: invalid host name"
        )
    }

    @Test func aSecondObjectWithATakenNameIsRefusedAtItsElement() throws {
        let good = try XMLCodec.encode(rich(), header: header, secrets: .encrypt(seal: fakeSeal))
        let interface = good.replacingOccurrences(of: "<interface_name>Data2<", with: "<interface_name>DATA 1<")
        #expect(
            decodeError(interface)?.description
                == "Error: line \(line(of: "<interface_name>Data2<", in: good) - 1): interface \"DATA 1\": duplicate interface name"
        )
        // The first profile's name, as the file spells it ("Démo & <Co>").
        let opening = try #require(good.range(of: "<certificate_profile>"))
        let start = try #require(good.range(of: "<name>", range: opening.upperBound..<good.endIndex))
        let end = try #require(good.range(of: "</name>", range: start.upperBound..<good.endIndex))
        let profile = good.replacingOccurrences(
            of: "<name>mail</name>",
            with: "<name>" + good[start.upperBound..<end.lowerBound] + "</name>"
        )
        #expect(
            decodeError(profile)?.description
                == "Error: line \(line(of: "<name>mail</name>", in: good) - 1): D\u{E9}mo & <Co>: duplicate profile name"
        )
    }

    @Test func handWrittenFilesMayOmitSectionsAndUseOtherNetmaskForms() throws {
        let text = """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <config>
              <hostname>mail.example.com</hostname>
              <interfaces>
                <interface>
                  <interface_name>A</interface_name><ip>10.0.0.1</ip><netmask>0xffffff00</netmask>
                  <interface_hostname>a.example.com</interface_hostname>
                </interface>
                <interface>
                  <interface_name>B</interface_name><ip>10.0.1.1</ip><netmask>16</netmask>
                  <interface_hostname>b.example.com</interface_hostname>
                </interface>
              </interfaces>
            </config>
            """
        let config = try XMLCodec.decode(Data(text.utf8), open: fakeOpen)
        #expect(config.hostname == "mail.example.com")
        #expect(config.interfaces.map(\.prefixLength) == [24, 16])
        #expect(config.interfaces[0].sshPort == nil)
        #expect(config.destinationDefaults == DestinationDefaults())
        #expect(config.certificates.isEmpty)

        let unknown = text.replacingOccurrences(of: "</config>", with: "<gadgets format=\"json\">[]</gadgets></config>")
        #expect(decodeError(unknown)?.description == "Error: line 14: unknown element <gadgets> in <config>")
        let notJSON = text.replacingOccurrences(of: "</config>", with: "<gadgets format=\"json\">{</gadgets></config>")
        #expect(decodeError(notJSON)?.description == "Error: line 14: <gadgets> does not hold valid JSON")
        let structured = text.replacingOccurrences(
            of: "</config>",
            with: "<hostname format=\"json\">1</hostname></config>"
        )
        #expect(decodeError(structured)?.code == .invalid)

        let bad = text.replacingOccurrences(of: "0xffffff00", with: "255.0.255.0")
        #expect(decodeError(bad)?.description == "Error: line 6: invalid netmask \"255.0.255.0\"")
        #expect(decodeError("")?.code == .syntax)
        #expect(decodeError("<other/>")?.description == "Error: line 1: the root element is <other>, not <config>")
    }

    @Test func listenersAndDestinationsTravelAsTheirTextFormats() throws {
        let text = try XMLCodec.encode(rich(), header: header, secrets: .mask)
        let hat = HostAccessText.print(richPrivateListener().hostAccess)
        #expect(text.contains("      <hat><![CDATA[\n\(hat)]]></hat>\n"))
        #expect(
            text.contains(
                "      <rat><![CDATA[\nexample.com\n    ACCEPT\n.example.org\n    ACCEPT\nblocked.example.com\n"
                    + "    REJECT\nALL\n    REJECT\n]]></rat>\n"
            )
        )
        #expect(text.contains("        <tls>on</tls>\n        <smtp_auth>on</smtp_auth>\n"))
        let ini = DestinationINI.encode(
            defaults: rich().destinationDefaults,
            entries: rich().destinations.elements,
            sorted: false
        )
        #expect(text.contains("    <destinations><![CDATA[\n\(ini)]]></destinations>\n"))
        // The configuration's order, not the alphabetical one of EXPORT.
        let order = ["[partner.example.org]", "[plain.example.com]", "[.example.net]"].map { line(of: $0, in: text) }
        #expect(order == order.sorted() && !order.contains(0))
        #expect(!text.contains("format=\"json\""))
    }

    @Test func errorsInsideTheEmbeddedTextsNameTheLineOfTheFile() throws {
        let good = try XMLCodec.encode(rich(), header: header, secrets: .encrypt(seal: fakeSeal))
        func expectError(_ old: String, _ new: String, line expected: Int, _ problem: String) {
            #expect(good.contains(old))
            let error = decodeError(good.replacingOccurrences(of: old, with: new))
            #expect(error?.code == .invalid)
            #expect(error?.description == "Error: line \(expected): \(problem)")
        }
        expectError(
            "    RELAY (Backup MX",
            "    BOUNCE (Backup MX",
            line: line(of: "    RELAY (Backup MX", in: good),
            "unknown action \"BOUNCE\""
        )
        expectError(
            "10.9.9.1-20\n    $PARTNER_TLS",
            "10.9.9.1-20\n    $MISSING",
            line: line(of: "10.9.9.1-20", in: good) + 1,
            "policy \"$MISSING\" is not defined"
        )
        expectError(
            "blocked.example.com\n    REJECT",
            "blocked.example.com\n    DROP",
            line: line(of: "blocked.example.com", in: good) + 1,
            "unknown action \"DROP\" (ACCEPT or REJECT)"
        )
        expectError(
            "example.com\n    ACCEPT\n.example.org\n    ACCEPT\n",
            "example.com\n    ACCEPT\n.example.org\n",
            line: (good.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == ".example.org" }
                ?? -9) + 1,
            "\".example.org\" has no ACCEPT or REJECT"
        )
        expectError(
            "[plain.example.com]",
            "[plain..example.com]",
            line: line(of: "[plain.example.com]", in: good),
            "invalid domain name \"plain..example.com\""
        )
        expectError(
            "<tls>on</tls>",
            "<tls>sometimes</tls>",
            line: line(of: "<tls>on</tls>", in: good),
            "<hat_defaults>: the value of \"tls\" must be one of \"off\", \"on\", \"required\", \"on_verify\", "
                + "\"require_verify\""
        )
        expectError(
            "<class>System</class>",
            "<class>Weather</class>",
            line: line(of: "<class>System</class>", in: good),
            "unknown alert class \"Weather\" (All, System, Hardware, Updater, Outbreak Filters, Anti-Virus, "
                + "Anti-Spam, Directory Harvest Attack Prevention)"
        )
        expectError(
            "<interface>Data2</interface>",
            "<interface>Data3</interface>",
            line: line(of: "<name>Outgoing.Mail-1</name>", in: good) - 1,
            "listener \"Outgoing.Mail-1\": interface \"Data3\" does not exist"
        )
    }

    @Test func handWrittenListenersAndDestinationsAreRead() throws {
        let text = """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <config>
              <hostname>mail.example.com</hostname>
              <interfaces>
                <interface>
                  <interface_name>A</interface_name><ip>10.0.0.1</ip><netmask>24</netmask>
                  <interface_hostname>a.example.com</interface_hostname>
                </interface>
              </interfaces>
              <alerts>
                <recipient><address>ops@example.com</address><class>anti-virus</class><severity>warning</severity></recipient>
              </alerts>
              <listeners>
                <listener>
                  <name>In</name><type>Public</type><interface>A</interface><port>25</port>
                  <hat_defaults><tls>required</tls></hat_defaults>
                  <hat>
                    <![CDATA[$OK
                ACCEPT
            ALL
                $OK
            ]]>
                  </hat>
                  <rat><![CDATA[Example.COM
                ACCEPT
            ALL
                REJECT]]></rat>
                </listener>
              </listeners>
              <destconfig>
                <destinations><![CDATA[
            [DEFAULT]
            ip_sort_pref = PREFER_V4
            max_host_concurrency = 500
            max_messages_per_connection = 50
            recipient_minutes = 60
            recipient_limit = 0
            limit_type = host
            limit_apply = system
            use_tls = 0
            bounce_validation = 0

            [Partner.Example.ORG]
            use_tls = 2
            ]]></destinations>
              </destconfig>
            </config>
            """
        let config = try XMLCodec.decode(Data(text.utf8), open: fakeOpen)
        // destconfig looks domains up in lower case.
        #expect(config.destinations.map(\.domain) == ["partner.example.org"])
        #expect(config.destinations.first?.tls == .required)
        #expect(config.destinationDefaults.outboundCertificate == nil)
        #expect(
            config.alerts.recipients == [
                AlertRecipient(address: "ops@example.com", alertClass: .antiVirus, severity: .warning)
            ]
        )
        #expect(config.alerts.initialDuplicateSeconds == 300)
        #expect(config.listenerSettings == ListenerSettings())
        let listener = try #require(config.listeners.first)
        #expect(listener.kind == .public)
        #expect(listener.maxConnections == 50)
        #expect(listener.certificate == nil)
        var defaults = MailFlowParameters.factoryDefaults
        defaults.tls = .required
        #expect(
            listener.hostAccess
                == HostAccessTable(
                    defaults: defaults,
                    policies: [MailFlowPolicy(name: "OK", action: .accept)],
                    entries: [],
                    all: .policy("OK")
                )
        )
        #expect(listener.recipientAccess.map(\.pattern) == ["Example.COM", "ALL"])

        // Text before the CDATA section on the line of <hat> still counts its lines from that tag.
        let missing = text.replacingOccurrences(of: "ALL\n    $OK", with: "ALL\n    $NOT_OK")
        #expect(
            decodeError(missing)?.description
                == "Error: line \(line(of: "$NOT_OK", in: missing)): policy \"$NOT_OK\" is not defined"
        )
        let noAll = text.replacingOccurrences(of: "ALL\n    REJECT]]>", with: "]]>")
        #expect(
            decodeError(noAll)?.description
                == "Error: line \(line(of: "Example.COM", in: noAll) + 1): the table does not end with an ALL entry"
        )
        let noDefault = text.replacingOccurrences(of: "[DEFAULT]", with: "")
        #expect(
            decodeError(noDefault)?.description
                == "Error: line \(line(of: "ip_sort_pref", in: noDefault)): the key \"ip_sort_pref\" is outside any section"
        )
        let json = text.replacingOccurrences(of: "<alerts>", with: "<alerts format=\"json\">")
        #expect(decodeError(json)?.code == .invalid)
    }
}
