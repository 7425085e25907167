import ApplianceConfig
import Foundation
import Testing

/// One type of destination settings and one rule that resolves an entry against the Default entry
/// (issue 9 step 4), used by destconfig, the Postfix renderer, the mail log and hoststatus.
@Suite struct DestinationSettingsTests {
    static func defaults() -> DestinationDefaults {
        var defaults = DestinationDefaults(outboundCertificate: "Demo")
        defaults.tls = .required
        defaults.maxConcurrency = 200
        defaults.limitType = .mxIP
        defaults.ipPreference = .ipv6Preferred
        return defaults
    }

    @Test func anEntrySettingOverridesAndAnUnsetOneInheritsTheDefault() {
        var entry = DestinationEntry(domain: "partner.example", tls: .no)
        entry.maxConcurrency = 10
        let resolved = entry.resolved(against: Self.defaults())
        #expect(resolved.tls == .no)
        #expect(resolved.maxConcurrency == 10)
        #expect(resolved.isOwn(\.maxConcurrency))
        #expect(resolved.limitType == .mxIP)
        #expect(!resolved.isOwn(\.limitType))
        #expect(resolved.ipPreference == .ipv6Preferred)
        #expect(resolved.maxMessagesPerConnection == 50)
        #expect(resolved.bounceProfile == "Default")
    }

    @Test func anEntryWithNothingOfItsOwnIsTheDefaultEntry() {
        let defaults = Self.defaults()
        let resolved = DestinationEntry(domain: "plain.example").resolved(against: defaults)
        #expect(resolved.complete == defaults.controls)
        #expect(resolved.complete == defaults.resolved.complete)
    }

    @Test func theFactoryDefaultEntryHasEverySetting() {
        let factory = DestinationDefaults().controls
        #expect(factory == .factory)
        #expect(factory.resolved(against: DestinationDefaults()).complete == factory)
        let mirror = Mirror(reflecting: factory)
        #expect(mirror.children.count == 10)
        for child in mirror.children {
            #expect("\(child.value)" != "nil", "\(child.label ?? "?") is unset in the factory Default entry")
        }
    }

    @Test func theMostSpecificEntryGovernsADomain() {
        var configuration = ApplianceConfiguration(hostname: "esa.example.com")
        configuration.destinationDefaults = Self.defaults()
        var subdomains = DestinationEntry(domain: ".partner.example", tls: .requiredVerify)
        subdomains.maxConcurrency = 5
        var mail = DestinationEntry(domain: "mail.partner.example")
        mail.maxMessagesPerConnection = 3
        configuration.destinations = [subdomains, mail, DestinationEntry(domain: "partner.example", tls: .preferred)]

        #expect(configuration.destinationSettings(forDomain: "partner.example").tls == .preferred)
        #expect(configuration.destinationSettings(forDomain: "x.partner.example").tls == .requiredVerify)
        #expect(configuration.destinationSettings(forDomain: "X.Partner.Example").maxConcurrency == 5)
        // The most specific entry wins even where it uses Default: its TLS is Default's, not the parent's.
        let governed = configuration.destinationSettings(forDomain: "mail.partner.example")
        #expect(governed.tls == .required)
        #expect(governed.maxConcurrency == 200)
        #expect(governed.maxMessagesPerConnection == 3)
        #expect(configuration.destinationSettings(forDomain: "other.example").tls == .required)
        #expect(configuration.destinationEntry(forDomain: "other.example") == nil)
    }

    @Test func theDefaultEntryIsStoredWithEverySettingAndReadsBackTolerantly() throws {
        var defaults = Self.defaults()
        defaults.controls.bounceVerification = nil
        let json = String(decoding: try JSONEncoder().encode(defaults), as: UTF8.self)
        #expect(json.contains("\"bounceVerification\":false"))
        let partial = #"{"tls":"required","requiredTLSAlert":true}"#
        let decoded = try JSONDecoder().decode(DestinationDefaults.self, from: Data(partial.utf8))
        #expect(decoded.tls == .required)
        #expect(decoded.maxConcurrency == 500)
        #expect(decoded.controls.maxConcurrency == 500)
        #expect(decoded.requiredTLSAlert)
    }
}
