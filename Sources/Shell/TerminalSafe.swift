/// Text from a certificate, a file or the store on its way to a terminal or a log: control
/// characters are shown as escapes (`\x1b`, `\u{202e}`) so that an escape sequence, a carriage
/// return or a line feed in someone else's text can neither drive the reader's terminal nor forge a
/// line. The one escaping function of the shell; every print site of such text uses it.
public enum TerminalSafe {
    /// Whether `scalar` is a character this shell never lets through raw: C0 controls (TAB
    /// included), DEL, C1 controls, the line and paragraph separators and the bidirectional
    /// overrides and isolates.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `text` with every control character replaced by its escape; text without any is returned as is.
    public static func escaped(_ text: String) -> String {
        escaping(text, keepingLineFeeds: false)
    }

    /// `text` escaped with its line feeds kept (multi-line output such as a table printed from the
    /// configuration).
    public static func escapedLines(_ text: String) -> String {
        escaping(text, keepingLineFeeds: true)
    }

    private static func escaping(_ text: String, keepingLineFeeds: Bool) -> String {
        func escapes(_ scalar: Unicode.Scalar) -> Bool { isControl(scalar) && !(keepingLineFeeds && scalar == "\n") }
        guard text.unicodeScalars.contains(where: escapes) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard escapes(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            result += scalar.value < 0x80 ? "\\x" + (hex.count == 1 ? "0" + hex : hex) : "\\u{\(hex)}"
        }
        return result
    }

    /// The first control character an admin typed, other than TAB (a typed line is refused with it).
    public static func typedControl(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { $0 != "\t" && isControl($0) }
    }
}
