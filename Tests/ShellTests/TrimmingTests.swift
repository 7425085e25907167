import Shell
import Testing

@Suite struct TrimmingTests {
    /// Every line of a script is trimmed: spaces, tabs, CR and LF go at both ends, nothing else.
    @Test(arguments: [
        ("  destconfig list \r\n", "destconfig list"),
        ("\t\tcommit\t", "commit"),
        ("no blanks", "no blanks"),
        (" \r\n\t ", ""),
        ("", ""),
        ("  caf\u{E9}  ", "caf\u{E9}"),
        ("\u{00A0}kept\u{00A0}", "\u{00A0}kept\u{00A0}"),
        ("x \u{301}", "x \u{301}"),
        ("  \u{1F600}\r", "\u{1F600}"),
    ])
    func trimmingSpacesRemovesOnlyTheFourBlanks(_ line: String, _ trimmed: String) {
        #expect(line.trimmingSpaces == trimmed)
        #expect(Array(line.trimmingSpaces.unicodeScalars) == Array(trimmed.unicodeScalars))
        #expect(line[...].trimmingSpaces == trimmed)
    }

    /// A combining mark after a leading space stays (the space goes, the mark is not a blank).
    @Test func aCombiningMarkAfterALeadingSpaceIsKept() {
        #expect(Array(" \u{301}a".trimmingSpaces.unicodeScalars) == ["\u{301}", "a"])
    }

    /// Splitting reads scalars, not characters: a quote or blank followed by a combining mark still
    /// acts as one, and characters outside ASCII (escaped, quoted or bare) arrive whole.
    @Test func splittingKeepsCharactersOutsideASCIIWhole() {
        #expect(
            Words.split("commit \"caf\u{E9} \u{1F600}\" na\u{EF}ve") == ["commit", "caf\u{E9} \u{1F600}", "na\u{EF}ve"]
        )
        #expect(Words.split("a \\\u{E9}b") == ["a", "\u{E9}b"])
        #expect(Words.split("\"\u{301}x\" y") == ["\u{301}x", "y"])
        #expect(Words.split("a \u{301}b") == ["a", "\u{301}b"])
        #expect(Words.split("'\u{E9}") == nil)
    }
}
