/// Word wrapping for terminal output.
public enum TextWrap {
    /// `line` cut between words into lines of at most `width` characters (a word longer than that
    /// stays whole on a line of its own). Spaces at a cut are dropped; a line that fits is kept as is.
    public static func wrap(_ line: String, width: Int) -> [String] {
        guard line.count > width, width > 0 else { return [line] }
        var result: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                result.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
