import DomainNames
import FoundationEssentials
import TextSupport

/// The Recipient Access Table as RCPTACCESS PRINT shows it: each pattern on its own line, followed
/// by an indented `ACCEPT` or `REJECT`; `ALL` last.
public enum RecipientAccessText {
    public static func print(_ table: [RecipientAccessEntry]) -> String {
        table.map { "\($0.pattern)\n    \($0.accept ? "ACCEPT" : "REJECT")\n" }.joined()
    }

    /// Reads the text back. Blank lines and `#` comments at the left margin are skipped; errors name
    /// the 1-based line of the text.
    public static func parse(_ text: String) throws(HostAccessTextError) -> [RecipientAccessEntry] {
        var entries: [RecipientAccessEntry] = []
        // The line of the last pattern while it still lacks its action.
        var open: Int?
        var lastLine = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let body = raw.trimmingWhitespaceAndNewlines()
            let indented = raw.first == " " || raw.first == "\t"
            if body.isEmpty || (!indented && body.hasPrefix("#")) { continue }
            lastLine = line
            if indented {
                guard open != nil else {
                    let problem =
                        entries.last.map { TextLineError.Code.lineAfterPatternAction($0.pattern) }
                        ?? .actionWithoutPattern(body)
                    throw HostAccessTextError(line: line, problem)
                }
                switch body.uppercased() {
                case "ACCEPT": entries[entries.count - 1].accept = true
                case "REJECT": entries[entries.count - 1].accept = false
                default:
                    throw HostAccessTextError(line: line, .unknownRecipientAction(body))
                }
                open = nil
                continue
            }
            if let start = open {
                throw HostAccessTextError(line: start, .patternWithoutAction(entries[entries.count - 1].pattern))
            }
            if entries.last?.pattern == "ALL" {
                throw HostAccessTextError(line: line, .nothingAfterAll)
            }
            let domain = body.hasPrefix(".") ? String(body.dropFirst()) : body
            guard body == "ALL" || HostnameRules.isFQDN(domain) else {
                throw HostAccessTextError(line: line, .invalidDomain(body))
            }
            if entries.contains(named: AccessPattern(body), by: \.pattern) {
                throw HostAccessTextError(line: line, .duplicateEntry(body))
            }
            entries.append(RecipientAccessEntry(pattern: body, accept: false))
            open = line
        }
        if let start = open {
            throw HostAccessTextError(line: start, .patternWithoutAction(entries[entries.count - 1].pattern))
        }
        guard entries.last?.pattern == "ALL" else {
            throw HostAccessTextError(line: max(lastLine, 1), .noAllEntry)
        }
        return entries
    }
}
