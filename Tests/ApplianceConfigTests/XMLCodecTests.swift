import ApplianceConfig
import Foundation
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
    defaults.limitType = "ip"
    defaults.limitApplies = "virtual gateway"
    defaults.tls = .preferred
    defaults.bounceVerification = true
    defaults.bounceProfile = "Rückläufer \"日本\""
    defaults.ipPreference = "IPv4 Only"
    defaults.requiredTLSAlert = true
    config.destinationDefaults = defaults
    var partner = DestinationEntry(domain: "partner.example.org", tls: .requiredVerify)
    partner.maxConcurrency = 5
    partner.bounceVerification = false
    partner.ipPreference = "IPv6 Only"
    var full = DestinationEntry(domain: ".example.net", tls: .no)
    full.maxConcurrency = 1
    full.maxMessagesPerConnection = 2
    full.recipientLimit = 3
    full.recipientLimitPeriod = 4
    full.limitType = "host"
    full.limitApplies = "system"
    full.bounceVerification = true
    full.bounceProfile = "Default"
    full.ipPreference = "IPv4 Preferred"
    config.destinations = [partner, DestinationEntry(domain: "plain.example.com"), full]
    config.ldap = LDAPSettings(certificate: "mail")
    config.webSecurity = WebSecuritySettings(urlFiltering: true, interactionTracking: true, clientCertificate: "mail")
    return config
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
        config.destinationDefaults.ipPreference = "IPv6 Preferred"
        let text = try XMLCodec.encode(config, header: header, secrets: .mask)
        // Up to </destconfig>: sections without an element layout follow as JSON.
        let lines = text.split(separator: "\n").drop { $0 != "<config>" }
        let body = (lines.prefix { $0 != "  </destconfig>" } + ["  </destconfig>", "</config>"]).joined(separator: "\n")
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
                  <destconfig>
                    <global>
                      <required_tls_alert>0</required_tls_alert>
                    </global>
                    <default>
                      <ip_preference>IPv6 Preferred</ip_preference>
                      <max_concurrency>500</max_concurrency>
                      <max_messages_per_connection>50</max_messages_per_connection>
                      <recipient_limit>0</recipient_limit>
                      <recipient_limit_period>60</recipient_limit_period>
                      <limit_type>host</limit_type>
                      <limit_applies>system</limit_applies>
                      <tls>no</tls>
                      <bounce_verification>0</bounce_verification>
                      <bounce_profile>Default</bounce_profile>
                    </default>
                  </destconfig>
                </config>
                """
        )
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
        #expect(text.contains("<bounce_profile>R&#252;ckl&#228;ufer \"&#26085;&#26412;\"</bounce_profile>"))
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
        #expect(error.description == XMLConfigError.maskedMessage)
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

    @Test func invalidConfigurationsNameTheLine() throws {
        let good = try XMLCodec.encode(rich(), header: header, secrets: .encrypt(seal: fakeSeal))

        let dangling = good.replacingOccurrences(of: "<ldap_certificate>mail<", with: "<ldap_certificate>gone<")
        let reference = try #require(decodeError(dangling))
        #expect(reference.code == .invalid)
        #expect(
            reference.description
                == "Error: line \(line(of: "<ldap_certificate>", in: good)): LDAP: certificate profile \"gone\" does not exist"
        )

        let unknown = good.replacingOccurrences(of: "<tls>preferred</tls>", with: "<tls>maybe</tls>")
        let level = try #require(decodeError(unknown))
        #expect(level.line == line(of: "<tls>preferred</tls>", in: good))
        #expect(level.problem.hasPrefix("invalid TLS level \"maybe\""))

        let extra = good.replacingOccurrences(of: "<sshd_port>22</sshd_port>", with: "<telnet>23</telnet>")
        let element = try #require(decodeError(extra))
        #expect(
            element.description
                == "Error: line \(line(of: "<telnet>", in: extra)): unknown element <telnet> in <interface>"
        )

        let port = good.replacingOccurrences(of: "<httpsd_port>443<", with: "<httpsd_port>70000<")
        #expect(decodeError(port)?.problem == "<httpsd_port> must be a number from 1 to 65535, not \"70000\"")

        let host = good.replacingOccurrences(of: "<hostname>mail.example.com<", with: "<hostname>mail<")
        #expect(
            decodeError(host)?.description == "Error: line \(line(of: "<hostname>", in: good)): mail: invalid host name"
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
}
