#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// String helpers for what `FoundationEssentials` lacks and full Foundation (with ICU) offered:
// trimming by a character class, padding to a width, fixed-width numbers. They reproduce Foundation's
// results for the cases our modules use (Tests/TextSupportTests compares them with Foundation's).

extension Unicode.Scalar {
    /// Foundation's `CharacterSet.whitespaces`: a space separator (General Category Zs), a tab, or
    /// U+200B ZERO WIDTH SPACE (a space separator in Foundation's older Unicode data).
    public var isWhitespace: Bool {
        value == 0x09 || value == 0x200B || properties.generalCategory == .spaceSeparator
    }

    /// Foundation's `CharacterSet.newlines`: U+000A–U+000D, U+0085, U+2028 and U+2029.
    public var isNewlineCharacter: Bool {
        (0x0A...0x0D).contains(value) || value == 0x85 || value == 0x2028 || value == 0x2029
    }

    /// Foundation's `CharacterSet.whitespacesAndNewlines`.
    public var isWhitespaceOrNewline: Bool { isWhitespace || isNewlineCharacter }

    /// Foundation's `CharacterSet.letters`: General Category L* or M* (of the standard library's
    /// Unicode version: letters assigned since Foundation's data was made count as letters too).
    public var isLetterOrMark: Bool {
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark:
            true
        default:
            false
        }
    }
}

extension StringProtocol {
    /// The text without the leading and trailing Unicode scalars for which `isTrimmed` holds
    /// (scalar by scalar, like Foundation's `trimmingCharacters(in:)`).
    public func trimming(where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, isTrimmed(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, isTrimmed(last) { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Without leading and trailing whitespace: `trimmingCharacters(in: .whitespaces)`.
    public func trimmingWhitespace() -> String { trimming(where: \.isWhitespace) }

    /// Without leading and trailing whitespace and line breaks:
    /// `trimmingCharacters(in: .whitespacesAndNewlines)`.
    public func trimmingWhitespaceAndNewlines() -> String { trimming(where: \.isWhitespaceOrNewline) }

    /// Cut or padded with spaces to `width` characters: `padding(toLength:withPad: " ", startingAt: 0)`.
    public func padded(to width: Int) -> String {
        let count = self.count
        if count >= width { return String(prefix(width)) }
        return String(self) + String(repeating: " ", count: width - count)
    }

    /// Equal to `other` ignoring case (both sides case-folded by full upper- then lower-case mapping,
    /// so `STRASSE` matches `straße` as with `caseInsensitiveCompare`).
    public func equalsIgnoringCase(_ other: some StringProtocol) -> Bool {
        uppercased().lowercased() == other.uppercased().lowercased()
    }
}

extension String {
    /// Every occurrence of `target` replaced, matched scalar by scalar (byte by byte in UTF-8): a `"`
    /// or a line feed is found even when a combining mark follows it or it ends a CR LF pair, as an
    /// XML parser sees them. (`replacingOccurrences(of:with:)` missed the first case and the standard
    /// library's `replacing(_:with:)`, which compares characters, misses both.)
    public func replacingScalars(_ target: String, with replacement: String) -> String {
        let pattern = Array(target.utf8)
        guard let first = pattern.first else { return self }
        let bytes = Array(utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            if bytes[index] == first, bytes.count - index >= pattern.count,
                bytes[index..<(index + pattern.count)].elementsEqual(pattern)
            {
                out += replacement.utf8
                index += pattern.count
                changed = true
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : self
    }

    /// A path without the extension of its last component (`a.b.pem` → `a.b`; `.hidden` stays):
    /// `NSString.deletingPathExtension`.
    public var deletingPathExtension: String {
        var path = Substring(self)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        let componentStart = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        guard let dot = path[componentStart...].lastIndex(of: "."), dot != componentStart else { return String(path) }
        return String(path[..<dot])
    }

    /// The folder part of a path (`/a/b/c` → `/a/b`, `c` → ``, `/c` → `/`).
    public var deletingLastPathComponent: String {
        var path = Substring(self)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

extension String {
    /// C's `printf` formatting of numbers (`%02X`, `%.2f`, `%5d`) through `vsnprintf`: what
    /// `String(format:)` gave for them. Objects (`%@`) are not supported; interpolate strings instead.
    public init(printf format: String, _ arguments: any CVarArg...) {
        self = Self.printf(format, arguments)
    }

    private static func printf(_ format: String, _ arguments: [any CVarArg]) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        var length = withVaList(arguments) { Int(vsnprintf(&buffer, buffer.count, format, $0)) }
        if length >= buffer.count {
            buffer = [CChar](repeating: 0, count: length + 1)
            length = withVaList(arguments) { Int(vsnprintf(&buffer, buffer.count, format, $0)) }
        }
        return String(decoding: buffer.prefix(Swift.max(0, length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
