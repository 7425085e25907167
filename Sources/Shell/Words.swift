/// Splitting of command lines: words with quotes, `;`-separated command lists, and `--name=value` options.
public enum Words {
    /// Splits a line into words. Double and single quotes group words and are removed; a backslash
    /// escapes the next character inside double quotes and outside quotes.
    /// Returns nil when a quote is not closed.
    ///
    /// The line is read scalar by scalar, not by `Character`: a quote, backslash or blank followed by
    /// a combining mark is one grapheme cluster, and must still act as the quote, escape or separator.
    public static func split(_ line: String) -> [String]? {
        // On the UTF-8 bytes: every byte that means something here is ASCII, and a byte below 0x80 is
        // never part of a longer scalar, so this is the scalar-by-scalar reading, only without
        // building each word a scalar at a time (every line of a script passes here twice).
        var words: [String] = []
        var current: [UInt8] = []
        var inWord = false
        var quote: UInt8?
        var escaped = false
        let backslash = UInt8(ascii: "\\")
        let doubleQuote = UInt8(ascii: "\"")
        let singleQuote = UInt8(ascii: "'")
        for byte in line.utf8 {
            if escaped {
                current.append(byte)
                escaped = false
                continue
            }
            if let q = quote {
                if byte == backslash && q == doubleQuote {
                    escaped = true
                } else if byte == q {
                    quote = nil
                } else {
                    current.append(byte)
                }
                continue
            }
            switch byte {
            case doubleQuote, singleQuote:
                quote = byte
                inWord = true
            case backslash:
                escaped = true
                inWord = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                if inWord {
                    words.append(String(decoding: current, as: UTF8.self))
                    current.removeAll(keepingCapacity: true)
                    inWord = false
                }
            default:
                current.append(byte)
                inWord = true
            }
        }
        if quote != nil || escaped { return nil }
        if inWord { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    /// Splits a one-line command list on `;` outside quotes (`esa -c "cmd1; cmd2"`). Empty parts are dropped.
    /// Read scalar by scalar, like `split`.
    public static func commandList(_ line: String) -> [String] {
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var quote: Unicode.Scalar?
        var escaped = false
        for ch in line.unicodeScalars {
            if escaped {
                current.append(ch)
                escaped = false
                continue
            }
            if ch == "\\" {
                current.append(ch)
                escaped = true
                continue
            }
            if let q = quote {
                if ch == q { quote = nil }
                current.append(ch)
                continue
            }
            if ch == "\"" || ch == "'" {
                quote = ch
                current.append(ch)
            } else if ch == ";" {
                parts.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(ch)
            }
        }
        parts.append(String(current))
        return parts.map { $0.trimmingSpaces }.filter { !$0.isEmpty }
    }
}

/// The arguments of a batch command: positional words and `--name=value` / `--name value` options.
public struct BatchArguments: Sendable, Equatable {
    public var positional: [String]
    public var options: [String: String]
    /// Flags given without value (`--check`).
    public var flags: Set<String>

    /// Parses `arguments`. `valued` names the options that take a value (so `--name value` works);
    /// `flags` names the options that take none. Any other `--option` is an error naming it.
    public init(
        _ arguments: [String],
        valued: Set<String> = [],
        flags allowedFlags: Set<String> = []
    ) throws(ShellError) {
        positional = []
        options = [:]
        flags = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard word.hasPrefix("--"), word.count > 2 else {
                positional.append(word)
                continue
            }
            let body = word.dropFirst(2)
            if let eq = body.firstIndex(of: "=") {
                let name = String(body[..<eq])
                guard valued.contains(name) else { throw .invalidInput("Unknown option \"--\(name)\".") }
                options[name] = String(body[body.index(after: eq)...])
            } else {
                let name = String(body)
                if allowedFlags.contains(name) {
                    flags.insert(name)
                } else if valued.contains(name) {
                    guard index < arguments.count else { throw .invalidInput("Option \"--\(name)\" needs a value.") }
                    options[name] = arguments[index]
                    index += 1
                } else {
                    throw .invalidInput("Unknown option \"--\(name)\".")
                }
            }
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    public var trimmingSpaces: String {
        // On the UTF-8 bytes: the four blanks are ASCII, and a byte below 0x80 is never part of a
        // longer scalar, so the slice between them is whole scalars (a script's every line
        // passes here; the scalar-by-scalar copy this replaced was a seventh of a 10,000-line run).
        let text = Substring(self)
        let bytes = text.utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        func blank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        while start < end, blank(bytes[start]) { start = bytes.index(after: start) }
        while end > start, blank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return String(text.unicodeScalars[start..<end])
    }
}
