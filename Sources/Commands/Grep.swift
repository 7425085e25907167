import FoundationEssentials
import Shell

/// `grep`: the lines of a log that match a regular expression (gateway-commands.md §3).
/// Batch: `grep -e {regexp} [-c] [-C {n}] [-i] [-t] {log}` or `grep [-i] "{regexp}" {log}`.
public struct GrepCommand: DeclaredCommand {
    /// With `-t`, only this many last lines are searched.
    static let tailLines = 1000

    /// The words after `grep`, read by the body: the appliance's single-dash options do not fit the
    /// kit's `--option` parser.
    static let words = (1...9).map { Positional.optional("word\($0)", .text("{word}")) }

    public let grammar = Grammar(
        CommandConfiguration("grep", summary: "Search for text in a log file."),
        notes: ["grep [-i] \"{regexp}\" {log}"],
        interactive: { session in try GrepCommand.dialog(session) },
        Form(
            usage: "grep -e {regexp} [-c] [-C {n}] [-i] [-t] {log}",
            .argument(GrepCommand.words[0]),
            .argument(GrepCommand.words[1]),
            .argument(GrepCommand.words[2]),
            .argument(GrepCommand.words[3]),
            .argument(GrepCommand.words[4]),
            .argument(GrepCommand.words[5]),
            .argument(GrepCommand.words[6]),
            .argument(GrepCommand.words[7]),
            .argument(GrepCommand.words[8])
        ) { values, session in
            let words = GrepCommand.words.compactMap { values[$0] }
            try GrepCommand.search(try Search(words), session)
        }
    )

    /// What to search for, where, and how.
    struct Search {
        var pattern = ""
        var log = ApplianceLog.mailLogs
        var countOnly = false
        var context = 0
        var ignoreCase = false
        var tailOnly = false
        var paginate = false

        init() {}

        init(_ words: [String]) throws(ShellError) {
            var pattern: String?
            var rest: [String] = []
            var index = 0
            func usage(_ problem: String) -> ShellError {
                .invalidInput(
                    "Usage: grep -e {regexp} [-c] [-C {n}] [-i] [-t] {log} | grep [-i] \"{regexp}\" {log}\n\(problem)"
                )
            }
            while index < words.count {
                let word = words[index]
                index += 1
                switch word {
                case "-e":
                    guard index < words.count else { throw usage("Option \"-e\" needs a regular expression.") }
                    pattern = words[index]
                    index += 1
                case "-c": countOnly = true
                case "-i": ignoreCase = true
                case "-t": tailOnly = true
                case "-C":
                    guard index < words.count, let lines = Int(words[index]), (0...1000).contains(lines) else {
                        throw usage("Option \"-C\" needs a number of lines from 0 to 1000.")
                    }
                    context = lines
                    index += 1
                default:
                    if word.hasPrefix("-") && word.count > 1 && pattern != nil {
                        throw usage("Unknown option \"\(TerminalSafe.escaped(word))\".")
                    }
                    rest.append(word)
                }
            }
            if pattern == nil, !rest.isEmpty { pattern = rest.removeFirst() }
            guard let pattern else { throw usage("Missing {regexp}.") }
            guard let logName = rest.first else { throw usage("Missing {log}.") }
            guard rest.count == 1 else { throw usage("Unexpected argument \"\(TerminalSafe.escaped(rest[1]))\".") }
            guard let log = ApplianceLog(rawValue: logName) else {
                throw .actionFailed(
                    "Unable to grep \(TerminalSafe.escaped(logName)): no such log (mail_logs, system_logs, cli_logs)."
                )
            }
            self.pattern = pattern
            self.log = log
        }
    }

    static func dialog(_ session: Session) throws {
        let dialog = session.dialog
        var search = Search()
        let index = try dialog.choose(["Currently configured logs:"], items: ApplianceLog.listItems, default: 0)
        search.log = ApplianceLog.allCases[index]
        guard
            let pattern = try dialog.askText(
                ["Enter the regular expression to grep."],
                help: "A regular expression, such as \"status=(bounced|deferred)\"."
            )
        else { return }
        search.pattern = pattern
        search.ignoreCase = try dialog.yesNo("Do you want this search to be case insensitive?", default: true)
        search.tailOnly = try dialog.yesNo("Do you want to tail the logs?", default: false)
        search.paginate = try dialog.yesNo("Do you want to paginate the output?", default: false)
        session.console.write("\n")
        try self.search(search, session)
    }

    static func search(_ search: Search, _ session: Session) throws {
        var regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(search.pattern)
        } catch {
            throw ShellError.actionFailed(
                "Unable to grep \(search.log.rawValue): \"\(TerminalSafe.escaped(search.pattern))\" is not a valid regular expression."
            )
        }
        if search.ignoreCase { regex = regex.ignoresCase() }
        let file = try LogFile(
            path: search.log.path(in: session.environment.dataDirectory),
            log: search.log,
            verb: "grep"
        )
        let lines = search.tailOnly ? file.lastLines(tailLines) : file.allLines()
        var shown = [Bool](repeating: false, count: lines.count)
        var matches = 0
        for (index, line) in lines.enumerated() where line.contains(regex) {
            matches += 1
            let low = max(0, index - search.context)
            let high = min(lines.count - 1, index + search.context)
            for context in low...high { shown[context] = true }
        }
        guard matches > 0 else {
            session.console.write("No results were found\n")
            return
        }
        if search.countOnly {
            session.console.write("\(matches)\n")
            return
        }
        var output: [String] = []
        var previous: Int?
        for index in lines.indices where shown[index] {
            if search.context > 0, let previous, index > previous + 1 { output.append("--") }
            output.append(TerminalSafe.escaped(lines[index]))
            previous = index
        }
        let text = output.joined(separator: "\n")
        if search.paginate {
            session.page(text)
        } else {
            session.console.write(text + "\n")
        }
    }
}
