import ApplianceConfig
import Testing

/// Every HAT parameter takes the values of its kind, and refuses the others with the problem a
/// PRINT/IMPORT line or a `--key=value` option reports, leaving the parameters as they were.
@Suite struct MailFlowParameterTests {
    @Test(arguments: MailFlowParameters.Key.allCases)
    func eachKeyKeepsWhatItAcceptsAndRefusesTheRest(key: MailFlowParameters.Key) throws {
        var parameters = MailFlowParameters()
        if let range = key.range {
            #expect(key.words == nil)
            for number in [range.lowerBound, range.upperBound] {
                #expect(parameters.set(key, .number(number)) == nil)
                #expect(parameters.value(key) == .number(number))
            }
            let before = parameters
            #expect(parameters.set(key, .number(range.upperBound + 1)) == .outOfRange(key))
            #expect(parameters.set(key, .number(range.lowerBound - 1)) == .outOfRange(key))
            #expect(parameters.set(key, .word("on")) == .numberExpected(key))
            #expect(parameters == before)
        } else {
            let words = try #require(key.words)
            #expect(!words.isEmpty)
            for word in words {
                #expect(parameters.set(key, .word(word)) == nil)
                #expect(parameters.value(key) == .word(word))
            }
            let before = parameters
            #expect(parameters.set(key, .word("sometimes")) == .unknownWord(key))
            #expect(parameters.set(key, .number(1)) == .wordExpected(key))
            #expect(parameters == before)
        }
        #expect(parameters.set(key, nil) == nil)
        #expect(parameters.value(key) == nil)
        #expect(parameters.isEmpty)
    }

    /// Each key reads and writes its own field: setting one changes no other.
    @Test func eachKeyHasAFieldOfItsOwn() {
        for key in MailFlowParameters.Key.allCases {
            var parameters = MailFlowParameters()
            let value: MailFlowParameters.Value =
                key.range.map { .number($0.upperBound) } ?? .word(key.words?.last ?? "")
            #expect(parameters.set(key, value) == nil)
            #expect(MailFlowParameters.Key.allCases.filter { parameters.value($0) != nil } == [key])
        }
        #expect(MailFlowParameters.factoryDefaults.value(.tls) == .word("off"))
        #expect(MailFlowParameters.factoryDefaults.value(.maxMessageSize) == .number(10 * 1_048_576))
        #expect(MailFlowParameters.factoryDefaults.value(.spamCheck) == .word("on"))
    }
}
