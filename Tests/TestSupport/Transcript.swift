/// Compares a whole transcript with its golden text and describes the first differences line by line.
public enum Transcript {
    /// nil when equal; otherwise a readable line diff (`-` expected, `+` actual).
    public static func difference(expected: String, actual: String) -> String? {
        if expected == actual { return nil }
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let got = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var report: [String] = []
        for index in 0..<max(want.count, got.count) {
            let a = index < want.count ? want[index] : nil
            let b = index < got.count ? got[index] : nil
            if a == b {
                report.append("  \(a ?? "")")
            } else {
                if let a { report.append("- \(visible(a))") }
                if let b { report.append("+ \(visible(b))") }
            }
        }
        return report.joined(separator: "\n")
    }

    /// Shows trailing spaces and control characters, which matter in prompts.
    static func visible(_ line: String) -> String {
        var out = ""
        for scalar in line.unicodeScalars {
            switch scalar {
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out.hasSuffix(" ") ? out + "⏎" : out
    }
}
