import ApplianceConfig
import DomainNames
import Foundation
import Testing

/// Names fold case by type (issue 9 step 4): profile, listener, interface, sender group, policy,
/// CRL and alert address names are compared through `FoldedName`, shown as stored, and stored as
/// plain text.
@Suite struct FoldedNameTests {
    @Test func aNameNamesItselfInAnyCaseAndShowsAsWritten() {
        let name = ListenerName("IncomingMail")
        #expect(name.key == ListenerName("incomingmail").key)
        #expect(Set([name.key, ListenerName("INCOMINGMAIL").key]).count == 1)
        #expect("\(name)" == "IncomingMail")
        #expect(name.names("INCOMINGMAIL") && name.names(ListenerName("incomingMAIL")))
        #expect(!name.names(nil as String?) && !name.names(nil as ListenerName?))
        #expect(ProfileName("demo").isDemo)
    }

    /// Folding lower-cases every script, and hands back lower-case ASCII unchanged.
    @Test func foldingLowerCasesAnyScript() {
        #expect("Mail.EXAMPLE.com".caseFolded == "mail.example.com")
        #expect("ÉCOLE.example".caseFolded == "école.example")
        #expect("ΣΟΦΙΑ".caseFolded == "ΣΟΦΙΑ".lowercased())
        #expect("mail.example.com".caseFolded == "mail.example.com")
        #expect(HostName("Ünï.Example").key == HostName("ünï.example").key)
    }

    /// A stored name compares exactly: a rename or a reference that only changes case is a change
    /// (the model's `Equatable` drives diff and merge).
    @Test func aStoredNameComparesExactly() {
        #expect(ListenerName("IncomingMail") != ListenerName("incomingmail"))
        #expect(Set([ProfileName("Demo"), ProfileName("demo")]).count == 2)
    }

    @Test func aNameIsStoredAsItsTextAlone() throws {
        let encoded = try JSONEncoder().encode(["a": ProfileName("Partner")])
        #expect(String(decoding: encoded, as: UTF8.self) == #"{"a":"Partner"}"#)
        let decoded = try JSONDecoder().decode([String: ProfileName].self, from: encoded)
        #expect(decoded["a"]?.text == "Partner")
    }

    @Test func aCertificateReferenceIsStoredAsTypedAndFindsItsProfileInAnyCase() throws {
        var configuration = ApplianceConfiguration.factory(demo: nil)
        configuration.certificates = [CertificateProfileRecord(name: "Partner", certificatePEM: "", privateKeyPEM: "")]
        configuration.ldap.certificate = "PARTNER"
        configuration.interfaces[0].httpsCertificate = "partner"
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        #expect(text.contains(#""ldap":{"certificate":"PARTNER"}"#) && text.contains(#""httpsCertificate":"partner""#))
        let decoded = try JSONDecoder().decode(ApplianceConfiguration.self, from: Data(text.utf8))
        #expect(decoded.ldap.certificate?.text == "PARTNER")
        #expect(decoded.certificate(named: try #require(decoded.ldap.certificate))?.name == "Partner")
        #expect(decoded.validate().isEmpty)
    }

    @Test func theConfigurationFindsInterfacesListenersAndProfilesIgnoringCase() {
        var configuration = ApplianceConfiguration.factory(demo: nil)
        configuration.certificates = [CertificateProfileRecord(name: "Partner", certificatePEM: "", privateKeyPEM: "")]
        #expect(configuration.interface(named: "MANAGEMENT")?.name == "Management")
        #expect(configuration.listener(named: "incomingmail")?.name == "IncomingMail")
        #expect(configuration.certificate(named: "pARTNER")?.name == "Partner")
        #expect(configuration.interface(named: "Data 1") == nil)
        // A listener whose interface is written in another case is still on that interface.
        configuration.listeners[0].interface = "management"
        #expect(configuration.validate().isEmpty)
    }

    @Test func alertAddressesFoldCase() {
        var alerts = AlertSettings()
        alerts.set("Ops@Example.com", alertClass: .all, severity: .all)
        alerts.set("ops@example.COM", alertClass: .system, severity: .critical)
        #expect(alerts.addresses == ["Ops@Example.com"])
        #expect(alerts.entries(for: "OPS@EXAMPLE.COM").count == 2)
        alerts.remove("OPS@example.com")
        #expect(alerts.recipients.isEmpty)
    }

    @Test func tablesRefuseADuplicateNameInAnotherCase() throws {
        let hat = HostAccessText.print(.publicDefault)
        let twice = hat.replacingOccurrences(of: "BLACKLIST:", with: "whitelist:")
        #expect(throws: HostAccessTextError.self) { try HostAccessText.parse(twice) }
        #expect(throws: HostAccessTextError.self) {
            try RecipientAccessText.parse("example.com\n    ACCEPT\nEXAMPLE.COM\n    REJECT\nALL\n    REJECT\n")
        }
        let table = HostAccessTable.publicDefault
        #expect(table.policy(named: "$accepted")?.name == "ACCEPTED")
        #expect(table.entryIndex(named: "blacklist") == 1)
    }

    @Test func keywordsFoldOnlyASCIILetters() {
        #expect("default".equalsIgnoringASCIICase("DEFAULT"))
        #expect(!"DEFAULT ".equalsIgnoringASCIICase("DEFAULT"))
        // The Kelvin sign lower-cases to "k" in Unicode; a keyword is ASCII and must be typed as such.
        #expect(!"\u{212A}EY".equalsIgnoringASCIICase("key"))
        #expect(!"stra\u{DF}e".equalsIgnoringASCIICase("STRASSE"))
    }
}
