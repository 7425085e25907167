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

    @Test func aCaseOnlyChangeOfAListenersInterfaceShowsAndStillFindsTheInterface() throws {
        let base = base()
        let listener = try #require(base.listeners.first)
        var mine = base
        mine.listeners[0].interface = InterfaceName(listener.interface.text.uppercased())
        #expect(
            mine.changes(since: base).map(ChangeWording.line) == [
                "listenerconfig: listener \"\(listener.name)\" interface: \(listener.interface.text) -> "
                    + listener.interface.text.uppercased()
            ]
        )
        #expect(mine.interfaces[mine.listeners[0].interface]?.name == listener.interface)
        #expect(mine.validate().isEmpty)
    }

    /// Renaming an object of a keyed section in another case only (`Demo` → `demo`) is a change:
    /// showchanges lists it, a rebase onto another session's commit keeps it, the section still
    /// holds one object (its id folds case), and a lookup in any case finds it under its new name.
    @Test func aCaseOnlyRenameOfAProfileListenerOrInterfaceShowsAndSurvivesARebase() throws {
        let base = base()
        var mine = base
        mine.certificates[0].name = "demo"
        mine.listeners[0].name = "incomingmail"
        mine.interfaces[0].name = "MANAGEMENT"
        #expect(
            mine.changes(since: base).map(ChangeWording.line) == [
                "interfaceconfig: interface \"MANAGEMENT\" name: Management -> MANAGEMENT",
                "certconfig: certificate profile \"demo\" name: Demo -> demo",
                "listenerconfig: listener \"incomingmail\" name: IncomingMail -> incomingmail",
            ]
        )
        var theirs = base
        theirs.hostname = "mail.example.com"
        let merged = try mine.rebased(from: base, onto: theirs).get()
        #expect(merged.hostname == "mail.example.com")
        #expect(merged.certificates.map(\.name) == ["demo"])
        #expect(merged.listeners.map(\.name) == ["incomingmail"])
        #expect(merged.interfaces.map(\.name) == ["MANAGEMENT"])
        #expect(merged.certificates[ProfileName("DEMO")]?.name == "demo")
        #expect(merged.listeners[ListenerName("IncomingMail")]?.name == "incomingmail")
        #expect(merged.interfaces[merged.listeners[0].interface]?.name == "MANAGEMENT")
        #expect(merged.changes(since: theirs).count == 3)
        #expect(merged.validate().isEmpty)
    }
}
