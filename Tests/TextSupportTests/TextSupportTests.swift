import Foundation
import Testing
import TextSupport

/// The helpers replace Foundation's (ICU-backed) string functions in the shell's modules: each is
/// compared with the Foundation call it replaced, so the shell's output stays byte for byte the same.
@Suite struct TextSupportTests {
    /// Every Unicode scalar: the trimming classes are exactly Foundation's character sets.
    @Test func characterClassesMatchFoundationForEveryScalar() {
        var mismatches: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if scalar.isWhitespace != CharacterSet.whitespaces.contains(scalar) { mismatches.append("ws \(value)") }
            if scalar.isWhitespaceOrNewline != CharacterSet.whitespacesAndNewlines.contains(scalar) {
                mismatches.append("wsnl \(value)")
            }
            // Foundation's letters are of an older Unicode version: newer letters are only ours.
            let old = scalar.properties.age.map { $0.major < 9 } ?? true
            if CharacterSet.letters.contains(scalar) ? !scalar.isLetterOrMark : old && scalar.isLetterOrMark {
                mismatches.append("letter \(value)")
            }
        }
        #expect(mismatches.prefix(20) == [])
    }

    @Test func trimmingMatchesFoundation() {
        let samples = [
            "", " ", "\t a b \t", "\n x \r\n", " \u{301}x ", "\u{00A0}name\u{3000}", "\u{2028}line\u{85}",
            "x\u{200B}", "  é  ", "\r\n", "a\n", "\u{1680}\u{2003}ok\u{202F}",
        ]
        for text in samples {
            #expect(
                text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces),
                "\(Array(text.unicodeScalars))"
            )
            #expect(
                text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(Array(text.unicodeScalars))"
            )
            #expect(Substring(text).trimmingWhitespace() == Substring(text).trimmingCharacters(in: .whitespaces))
        }
        #expect(
            "1admin2".trimming(where: { !$0.isLetterOrMark })
                == "1admin2".trimmingCharacters(in: CharacterSet.letters.inverted)
        )
        #expect("--Zoë!!".trimming(where: { !$0.isLetterOrMark }) == "Zoë")
    }

    @Test func replacingScalarsMatchesFoundationAndFindsEveryScalar() {
        for text in ["", "plain", "a \"quoted\" b", "x]]>y]]>", "tab\there", "ü\"ö\"", "]]]>>"] {
            for (target, replacement) in [("\"", "&quot;"), ("]]>", "]]]]><![CDATA[>"), ("\t", "&#9;")] {
                #expect(
                    text.replacingScalars(target, with: replacement)
                        == text.replacingOccurrences(of: target, with: replacement)
                )
            }
        }
        // Where Foundation and the standard library compare characters, an XML parser reads scalars.
        #expect("a\r\nb".replacingScalars("\n", with: "&#10;") == "a\r&#10;b")
        #expect("x\"\u{301}".replacingScalars("\"", with: "&quot;") == "x&quot;\u{301}")
        #expect("]]>\u{301}".replacingScalars("]]>", with: "]]]]><![CDATA[>") == "]]]]><![CDATA[>\u{301}")
    }

    @Test func paddingMatchesFoundation() {
        for (text, width) in [("Queued", 22), ("", 3), ("exactly", 7), ("longer than", 4), ("x", 0)] {
            #expect(text.padded(to: width) == text.padding(toLength: width, withPad: " ", startingAt: 0))
        }
    }

    @Test func caseInsensitiveEqualityMatchesFoundation() {
        for (a, b) in [
            ("Default", "DEFAULT"), ("straße", "STRASSE"), ("mail.example.com", "Mail.Example.COM"), ("a", "b"),
        ] {
            #expect(a.equalsIgnoringCase(b) == (a.caseInsensitiveCompare(b) == .orderedSame), "\(a) \(b)")
        }
    }

    @Test func pathHelpersMatchNSString() {
        for path in ["a.pem", "a.b.pem", ".hidden", "file.", "dir/x.pem", "noext", "a..b", "x/.y", "/a.b/c", "a.pem/"] {
            #expect(path.deletingPathExtension == (path as NSString).deletingPathExtension, "\(path)")
        }
        // NSString's results, written out: corelibs-foundation traps on one of these in a test process.
        let folders = ["/a/b/c": "/a/b", "/a/b/": "/a", "c": "", "/c": "/", "/": "/", "a/b": "a"]
        for (path, folder) in folders {
            #expect(path.deletingLastPathComponent == folder, "\(path)")
        }
    }

    @Test func printfMatchesStringFormat() {
        for value in [0.0, 0.125, 1.005, 12.5, 963.456, -3.14159, 1e10] {
            #expect(String(printf: "%.2f", value) == String(format: "%.2f", value))
        }
        for byte in [UInt8(0), 7, 0xAB, 0xFF] {
            #expect(String(printf: "%02X", byte) == String(format: "%02X", byte))
        }
        let long = String(printf: "%0300d", 5)
        #expect(long.count == 300 && long.hasSuffix("05"))
    }
}
