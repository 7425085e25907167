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
