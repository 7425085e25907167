import DomainNames
import Foundation

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
            let body = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            let indented = raw.first == " " || raw.first == "\t"
            if body.isEmpty || (!indented && body.hasPrefix("#")) { continue }
            lastLine = line
            if indented {
                guard open != nil else {
                    let problem =
                        entries.last.map { "unexpected line after the action of \"\($0.pattern)\"" }
                        ?? "\"\(body)\" must follow a domain"
                    throw HostAccessTextError(line: line, problem: problem)
                }
                switch body.uppercased() {
                case "ACCEPT": entries[entries.count - 1].accept = true
                case "REJECT": entries[entries.count - 1].accept = false
                default:
                    throw HostAccessTextError(line: line, problem: "unknown action \"\(body)\" (ACCEPT or REJECT)")
                }
                open = nil
                continue
            }
            if let start = open {
                throw HostAccessTextError(
                    line: start,
                    problem: "\"\(entries[entries.count - 1].pattern)\" has no ACCEPT or REJECT"
                )
            }
            if entries.last?.pattern == "ALL" {
                throw HostAccessTextError(line: line, problem: "nothing may follow the ALL entry")
            }
            let domain = body.hasPrefix(".") ? String(body.dropFirst()) : body
            guard body == "ALL" || HostnameRules.isFQDN(domain) else {
                throw HostAccessTextError(line: line, problem: "invalid domain \"\(body)\"")
            }
            if entries.contains(named: AccessPattern(body), by: \.pattern) {
                throw HostAccessTextError(line: line, problem: "duplicate entry \"\(body)\"")
            }
            entries.append(RecipientAccessEntry(pattern: body, accept: false))
            open = line
        }
        if let start = open {
            throw HostAccessTextError(
                line: start,
                problem: "\"\(entries[entries.count - 1].pattern)\" has no ACCEPT or REJECT"
            )
        }
        guard entries.last?.pattern == "ALL" else {
            throw HostAccessTextError(line: max(lastLine, 1), problem: "the table does not end with an ALL entry")
        }
        return entries
    }
}
