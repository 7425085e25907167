import Shell
import Testing

/// Inputs found by the fuzz targets of Fuzz/ (Docs/Fuzzing.md), kept as tests once fixed.
@Suite struct FuzzRegressionTests {
    /// FuzzCommandLine: a quote followed by a combining mark (U+05AD) is one grapheme cluster; the
    /// splitter read characters, so it did not see the quote and refused the line as unbalanced.
    @Test func aQuoteFollowedByACombiningMarkStillQuotes() {
        #expect(Words.split("\"\u{5AD}\"") == ["\u{5AD}"])
        #expect(Words.split("sethostname \"\u{301}mail\" x") == ["sethostname", "\u{301}mail", "x"])
        #expect(Words.split("'\u{301}") == nil)
    }

    /// FuzzCommandLine: a blank, backslash or `;` followed by a combining mark kept its meaning.
    @Test func blanksEscapesAndSemicolonsBeforeACombiningMarkKeepTheirMeaning() {
        #expect(Words.split("help \u{301}x") == ["help", "\u{301}x"])
        #expect(Words.split("a\\\u{301}b") == ["a\u{301}b"])
        #expect(Words.commandList("help;\u{301}x") == ["help", "\u{301}x"])
    }
}
