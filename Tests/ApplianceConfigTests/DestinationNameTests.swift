import ApplianceConfig
import DomainNames
import Shell
import Testing

/// A destination entry's domain is a `HostName`: stored and compared exactly, found ignoring case.
/// destconfig stores domains in lower case, but an entry stored in another case (an older revision)
/// that an import or loadconfig brings to lower case has changed, and shows so.
@Suite struct DestinationNameTests {
    private let file = """
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

        [Partner.EXAMPLE]
        use_tls = 2

        """

    private func base() -> ApplianceConfiguration {
        var config = ApplianceConfiguration.factory(
            demo: CertificateProfileRecord(name: "Demo", certificatePEM: "CERT", privateKeyPEM: "KEY")
        )
        config.destinations = [
            DestinationEntry(domain: "Partner.Example", tls: .required),
            DestinationEntry(domain: ".Sub.Example", tls: .preferred),
        ]
        return config
    }

    @Test func anImportThatOnlyChangesADomainsCaseShowsAndSurvivesARebase() throws {
        let base = base()
        let tables = try DestinationINI.decode(file, globals: base.destinationDefaults)
        // destconfig stores the section's domain in lower case.
        #expect(tables.entries.map(\.domain.text) == ["partner.example"])
        var mine = base
        mine.destinations = DestinationINI.ordered(tables.entries, like: base.destinations)
        #expect(
            mine.changes(since: base).map(ChangeWording.line) == [
                "- destconfig: .Sub.Example",
                "destconfig: partner.example domain: Partner.Example -> partner.example",
            ]
        )
        var theirs = base
        theirs.hostname = "mail.example.com"
        let merged = try mine.rebased(from: base, onto: theirs).get()
        #expect(merged.destinations.map(\.domain.text) == ["partner.example"])
        #expect(merged.hostname == "mail.example.com")
    }

    @Test func loadconfigOfTheSameTableInAnotherCaseIsAChange() throws {
        let base = base()
        var mine = base
        mine.destinations = KeyedList(try DestinationINI.decode(file, globals: base.destinationDefaults).entries)
        mine.destinations.append(DestinationEntry(domain: ".sub.example", tls: .preferred))
        #expect(mine != base)
        #expect(
            mine.changes(since: base).map(ChangeWording.line) == [
                "destconfig: partner.example domain: Partner.Example -> partner.example",
                "destconfig: .sub.example domain: .Sub.Example -> .sub.example",
            ]
        )
    }

    @Test func entriesAreFoundInAnyCase() {
        let config = base()
        #expect(config.destinations[HostName("PARTNER.example")]?.domain.text == "Partner.Example")
        #expect(config.destinations.index(of: "partner.example") == 0)
        #expect(config.destinationEntry(forDomain: "mail.SUB.example")?.domain.text == ".Sub.Example")
        #expect(config.destinationSettings(forDomain: "partner.EXAMPLE").tls == .required)
        // Exact equality tells the stored forms apart; `names` does not.
        let domain = HostName("Partner.Example")
        #expect(domain != "partner.example" && domain.names("partner.example"))
    }

    @Test func theBounceProfileIsFoundInAnyCaseAndKeptAsWritten() throws {
        var entry = DestinationEntry(domain: "example.com")
        entry.bounceProfile = "DEFAULT"
        var config = base()
        config.destinations.append(entry)
        #expect(config.validate().isEmpty)
        entry.bounceProfile = "Other"
        config.destinations[2] = entry
        #expect(config.validate().map(\.code) == [.missingBounceProfile("Other")])
        // An import names the profile in any case and stores the profile's own name.
        let tables = try DestinationINI.decode(file + "bounce_profile = default\n", globals: DestinationDefaults())
        #expect(tables.entries.first?.bounceProfile?.text == "Default")
    }
}
