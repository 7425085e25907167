/// What a Tab press does to the line, decided from the completer's candidates (pure logic, no libedit).
enum CompletionAction: Equatable {
    /// Nothing matches: beep.
    case none
    /// Replace the last `deleting` characters (Unicode scalars) before the cursor with `text`.
    case replace(deleting: Int, with: String)
    /// Several candidates and nothing more to insert: beep now, list on the next Tab.
    case ambiguous
    /// Show the candidates, then redraw the prompt and the line.
    case list([String])
}

enum Completion {
    /// The word being completed: the text after the last space or tab.
    static func lastWord(of text: String) -> Substring {
        if let space = text.lastIndex(where: { $0 == " " || $0 == "\t" }) {
            return text[text.index(after: space)...]
        }
        return text[...]
    }

    /// Decides a Tab press. `repeated` is true when the previous key was a Tab that left the line as it is.
    static func action(textBeforeCursor text: String, candidates raw: [String], repeated: Bool) -> CompletionAction {
        var seen = Set<String>()
        let candidates = raw.filter { !$0.isEmpty && seen.insert($0).inserted }
        let word = lastWord(of: text)
        let wordLength = word.unicodeScalars.count
        guard let first = candidates.first else { return .none }
        if candidates.count == 1 {
            return .replace(deleting: wordLength, with: first + " ")
        }
        let prefix = commonPrefix(candidates)
        if prefix.unicodeScalars.count > wordLength {
            return .replace(deleting: wordLength, with: prefix)
        }
        return repeated ? .list(candidates) : .ambiguous
    }

    /// The longest prefix shared by all candidates, compared case-insensitively, spelled as in the
    /// first candidate.
    static func commonPrefix(_ candidates: [String]) -> String {
        guard let first = candidates.first else { return "" }
        var length = first.count
        let firstCharacters = Array(first.lowercased())
        for other in candidates.dropFirst() {
            let characters = Array(other.lowercased())
            var shared = 0
            while shared < min(length, characters.count) && characters[shared] == firstCharacters[shared] {
                shared += 1
            }
            length = shared
        }
        // lowercased() may change lengths for a few scripts; fall back to an exact comparison then.
        guard firstCharacters.count == first.count else {
            return exactCommonPrefix(candidates)
        }
        return String(first.prefix(length))
    }

    private static func exactCommonPrefix(_ candidates: [String]) -> String {
        guard let first = candidates.first else { return "" }
        var prefix = first[...]
        for other in candidates.dropFirst() {
            while !other.hasPrefix(prefix) { prefix = prefix.dropLast() }
        }
        return String(prefix)
    }

    /// Candidates laid out in columns for a terminal `width` characters wide, ordered down the columns.
    /// Each line ends with `\n`.
    static func columns(_ candidates: [String], width: Int) -> String {
        guard !candidates.isEmpty else { return "" }
        let cell = (candidates.map(\.count).max() ?? 0) + 2
        let columnCount = max(1, min(candidates.count, max(width, cell) / cell))
        let rowCount = (candidates.count + columnCount - 1) / columnCount
        var lines: [String] = []
        for row in 0..<rowCount {
            var line = ""
            for column in 0..<columnCount {
                let index = column * rowCount + row
                guard index < candidates.count else { break }
                let item = candidates[index]
                let isLast = column == columnCount - 1 || (column + 1) * rowCount + row >= candidates.count
                line += isLast ? item : item + String(repeating: " ", count: cell - item.count)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Decodes UTF-8 from the input one character at a time, as libedit's read function needs it, and
/// notes bytes that are not text (invalid UTF-8, NUL).
enum UTF8Input {
    /// The number of continuation bytes a lead byte announces, or nil for a byte that cannot start a
    /// character.
    static func continuationCount(lead: UInt8) -> Int? {
        switch lead {
        case 0x00...0x7F: return 0
        case 0xC2...0xDF: return 1
        case 0xE0...0xEF: return 2
        case 0xF0...0xF4: return 3
        default: return nil
        }
    }

    /// The scalar encoded by exactly these bytes, or nil when they are not one valid UTF-8 character
    /// (overlong forms and surrogates included).
    static func scalar(_ bytes: [UInt8]) -> Unicode.Scalar? {
        guard let text = String(validating: bytes, as: UTF8.self), text.unicodeScalars.count == 1 else { return nil }
        return text.unicodeScalars.first
    }
}
