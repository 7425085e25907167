import ApplianceConfig
import DomainNames
import Shell
import Testing

/// A name or a reference that only changes case is a change an admin sees and keeps: stored names
/// compare exactly, lookups ignore case (issue 9 step 4).
@Suite struct NameChangeTests {
    private func base() -> ApplianceConfiguration {
        ApplianceConfiguration.factory(
            demo: CertificateProfileRecord(name: "Demo", certificatePEM: "CERT", privateKeyPEM: "KEY")
        )
    }

    @Test func aCaseOnlyChangeOfACertificateReferenceShowsAndSurvivesARebase() throws {
        let base = base()
        let listener = try #require(base.listeners.first)
        #expect(listener.certificate?.text == "Demo")
        var mine = base
        mine.listeners[0].certificate = "demo"
        #expect(
            mine.changes(since: base).map(ChangeWording.line) == [
                "listenerconfig: listener \"\(listener.name)\" certificate: Demo -> demo"
            ]
        )
        var theirs = base
        theirs.hostname = "mail.example.com"
        let merged = try mine.rebased(from: base, onto: theirs).get()
        #expect(merged.listeners[0].certificate?.text == "demo")
        #expect(merged.hostname == "mail.example.com")
        // The reference still finds its profile.
        #expect(merged.certificates[merged.listeners[0].certificate]?.name == "Demo")
        #expect(merged.validate().isEmpty)
    }
}
