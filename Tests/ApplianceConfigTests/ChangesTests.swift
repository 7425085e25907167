import ApplianceConfig
import DomainNames
import Foundation
import Shell
import Testing

private func sample() -> ApplianceConfiguration {
    var config = ApplianceConfiguration.factory(
        demo: CertificateProfileRecord(name: "Demo", certificatePEM: "CERT", privateKeyPEM: "KEY")
    )
    config.destinations = [DestinationEntry(domain: "example.com", tls: .preferred)]
    return config
}

@Suite struct ChangesTests {
    @Test func identicalConfigurationsHaveNoChanges() {
        #expect(sample().changes(since: sample()).isEmpty)
    }

    @Test func settingChangesNameSectionObjectAndValues() {
        var new = sample()
        new.hostname = "mail.example.com"
        new.destinations[0].tls = .required
        let lines = new.changes(since: sample()).map(ChangeWording.line)
        #expect(
            lines == [
                "sethostname: system hostname: ironport.example.com -> mail.example.com",
                "destconfig: example.com tls: preferred -> required",
            ]
        )
    }

    @Test func addedAndRemovedObjectsAreMarked() {
        var new = sample()
        new.destinations = [DestinationEntry(domain: "partner.com")]
        let lines = new.changes(since: sample()).map(ChangeWording.line)
        #expect(lines == ["- destconfig: example.com", "+ destconfig: partner.com"])
    }

    @Test func privateKeysAreMaskedInChanges() {
        var new = sample()
        new.certificates[0].privateKeyPEM = "OTHER KEY"
        let lines = new.changes(since: sample()).map(ChangeWording.line)
        #expect(lines == ["certconfig: certificate profile \"Demo\" private key: ***** -> *****"])
        #expect(!lines.joined().contains("OTHER KEY"))
    }

    @Test func changesInsideALongSectionAreFoundWhereverTheyAre() {
        var old = sample()
        old.destinations = KeyedList((0..<50).map { DestinationEntry(domain: HostName("d\($0).example.com")) })
        var new = old
        new.destinations[10].tls = .required
        new.destinations.remove(at: 20)
        new.destinations.insert(DestinationEntry(domain: "new.example.com"), at: 30)
        new.destinations.append(DestinationEntry(domain: "last.example.com"))
        new.destinations.remove(at: 0)
        #expect(
            new.changes(since: old).map(ChangeWording.line) == [
                "- destconfig: d0.example.com",
                "- destconfig: d20.example.com",
                "destconfig: d10.example.com tls: default -> required",
                "+ destconfig: new.example.com",
                "+ destconfig: last.example.com",
            ]
        )
        #expect(old.changes(since: old).isEmpty)
    }

    @Test func rebaseMergesChangesToDifferentObjects() throws {
        let base = sample()
        var mine = base
        mine.destinations.append(DestinationEntry(domain: "partner.com", tls: .required))
        var theirs = base
        theirs.hostname = "mail.example.com"
        theirs.destinations[0].tls = .no
        let merged = try mine.rebased(from: base, onto: theirs).get()
        #expect(merged.hostname == "mail.example.com")
        #expect(merged.destinations.map(\.domain) == ["example.com", "partner.com"])
        #expect(merged.destinations[0].tls == OutboundTLS.no)
        #expect(merged.destinations[1].tls == .required)
    }

    @Test func rebaseRefusesTheSameSettingChangedDifferently() {
        let base = sample()
        var mine = base
        mine.destinations[0].tls = .required
        var theirs = base
        theirs.destinations[0].tls = .no
        let result = mine.rebased(from: base, onto: theirs)
        guard case .failure(let failure) = result else {
            Issue.record("expected a conflict")
            return
        }
        #expect(failure.conflicts.map(\.description) == ["destconfig: example.com tls"])
    }

    @Test func identicalChangesOnBothSidesDoNotConflict() throws {
        let base = sample()
        var mine = base
        mine.hostname = "mail.example.com"
        let merged = try mine.rebased(from: base, onto: mine).get()
        #expect(merged == mine)
    }

    @Test func deletionByOneSideAndEditByTheOtherConflicts() {
        let base = sample()
        var mine = base
        mine.destinations.removeAll()
        var theirs = base
        theirs.destinations[0].tls = .required
        #expect(throws: RebaseFailure.self) { try mine.rebased(from: base, onto: theirs).get() }
    }

    @Test func codableRoundTripKeepsEverything() throws {
        var config = sample()
        config.webSecurity = WebSecuritySettings(urlFiltering: true, clientCertificate: "Demo")
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(ApplianceConfiguration.self, from: data) == config)
    }

    @Test func revisionsWrittenBeforeASectionExistedStillDecode() throws {
        let old = #"{"hostname":"mail.example.com"}"#
        let config = try JSONDecoder().decode(ApplianceConfiguration.self, from: Data(old.utf8))
        #expect(config.hostname == "mail.example.com")
        #expect(config.destinationDefaults == DestinationDefaults())
    }
}

@Suite struct ValidationTests {
    @Test(arguments: ["mail.example.com", "a.b", "x-1.example.org"])
    func validHostNames(_ name: String) { #expect(HostnameRules.isFQDN(name)) }

    @Test(arguments: ["example", "-a.example.com", "a-.example.com", "a..b", "mail_1.example.com", "", "*.example.com"])
    func invalidHostNames(_ name: String) { #expect(!HostnameRules.isFQDN(name)) }

    @Test func wildcardOnlyWhereAllowed() {
        #expect(HostnameRules.isFQDN("*.example.com", allowWildcard: true))
    }

    @Test func bindingToAMissingProfileIsAnError() {
        var config = sample()
        config.ldap.certificate = "missing"
        #expect(
            config.validate().map(\.description) == [
                "Error: ldapconfig: LDAP: certificate profile \"missing\" does not exist"
            ]
        )
    }

    @Test func factoryConfigurationIsValid() {
        #expect(sample().validate().isEmpty)
    }
}

/// Profile names compare ignoring case everywhere (issue 9): one value type does the folding.
@Suite struct ProfileNameTests {
    @Test func profileNamesFoldCaseButShowAsStored() {
        #expect(ProfileName("DEMO").isDemo)
        #expect(
            ProfileName.demo.names("demo") && !ProfileName.demo.names(nil as String?)
                && !ProfileName.demo.names("Demo2")
        )
        #expect(Set([ProfileName("Mail_Example").key, ProfileName("mail_example").key]).count == 1)
        #expect(ProfileName("Mail_Example").description == "Mail_Example")
        var configuration = ApplianceConfiguration.factory(demo: nil)
        configuration.certificates.append(
            CertificateProfileRecord(name: "Mail_Example", certificatePEM: "", privateKeyPEM: "")
        )
        #expect(configuration.certificate(named: "MAIL_EXAMPLE")?.name == "Mail_Example")
    }
}
