import ApplianceConfig
import FoundationEssentials
import Shell
import Testing

/// ApplianceConfig reports problems as codes carrying names; the shell's presenter words them.
@Suite struct ErrorCodeTests {
    @Test func validationReportsACodeWithTheNamesItConcerns() {
        var configuration = ApplianceConfiguration.factory(demo: nil)
        configuration.listeners[0].certificate = "Missing"
        let issues = configuration.validate()
        #expect(
            issues == [
                ValidationIssue(
                    section: "listenerconfig",
                    object: .listener("IncomingMail"),
                    .missingProfile("Missing")
                )
            ]
        )
        #expect(
            issues.map(ErrorPresenter.message) == [
                "Error: listenerconfig: listener \"IncomingMail\": certificate profile \"Missing\" does not exist"
            ]
        )
    }

    /// A Host Access Table that applies a policy it does not define is refused at commit, naming
    /// what applies it; a reference in another case names the policy (as the gateway reads it).
    @Test func aMissingPolicyIsNamedWithWhatAppliesIt() {
        var configuration = ApplianceConfiguration.factory(demo: nil)
        var table = HostAccessTable.publicDefault
        table.entries[0].behavior = .policy("trusted")
        #expect(table.references(toPolicy: "Trusted") == [.senderGroup("WHITELIST")])
        configuration.listeners[0].hostAccess = table
        #expect(configuration.validate().isEmpty)

        table.entries[0].behavior = .policy("PARTNER")
        table.entries.append(HostAccessEntry(name: nil, members: ["10.1.1.1"], behavior: .policy("PARTNER")))
        table.all = .policy("PARTNER")
        configuration.listeners[0].hostAccess = table
        #expect(
            table.references(toPolicy: "partner") == [
                .senderGroup("WHITELIST"), .inlineEntry(members: ["10.1.1.1"]), .all,
            ]
        )
        #expect(
            configuration.validate().map(ErrorPresenter.message) == [
                "Error: listenerconfig: listener \"IncomingMail\": sender group \"WHITELIST\" names a missing policy \"$PARTNER\"",
                "Error: listenerconfig: listener \"IncomingMail\": entry \"10.1.1.1\" names a missing policy \"$PARTNER\"",
                "Error: listenerconfig: listener \"IncomingMail\": ALL names a missing policy \"$PARTNER\"",
            ]
        )
    }

    @Test func aTableErrorCarriesItsLineAndCode() {
        let error = #expect(throws: TextLineError.self) {
            try RecipientAccessText.parse("example.com\n    MAYBE\nALL\n    REJECT\n")
        }
        #expect(error == TextLineError(line: 2, .unknownRecipientAction("MAYBE")))
        #expect(error.map(ErrorPresenter.message) == "Error: line 2: unknown action \"MAYBE\" (ACCEPT or REJECT)")
    }

    @Test func aConfigurationFileErrorCarriesItsLineAndCode() {
        let error = #expect(throws: XMLConfigError.self) {
            try XMLCodec.decode(Data("<other/>".utf8), open: { $0 })
        }
        #expect(error == XMLConfigError(.invalid, line: 1, .rootElement("other")))
    }
}
