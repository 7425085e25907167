/// The dialog engine: every question a command asks goes through one of these methods, so that the
/// appliance's prompt shapes, defaults, answers, Ctrl-C and end-of-input rules hold everywhere.
///
/// On a terminal a rejected answer is explained and asked again; in a script it fails the command
/// (status 4), because nobody is there to answer again (shell.md §13).
public final class Dialog {
    public let console: any Console
    /// Lines consumed from the input so far (for `line N:` messages of scripts).
    public private(set) var linesRead = 0
    /// Completion of command names at the top-level prompt and of operations in menus.
    var commandWords: [String] = []

    public init(console: any Console) {
        self.console = console
    }

    public var isInteractive: Bool { console.isInteractive }

    /// Counts a line read by the interpreter itself (a top-level command line).
    func countLine() { linesRead += 1 }

    // MARK: Output

    /// Every line the dialog engine prints goes out here: control characters in text taken from
    /// the configuration, a certificate or a file are escaped (`TerminalSafe`), line feeds kept.
    private func emit(_ text: String) {
        console.write(TerminalSafe.escapedLines(text))
    }

    /// Prints lines as one block, preceded by one empty line (shell.md §3).
    public func block(_ lines: [String]) {
        emit("\n" + fitted(lines).map { $0 + "\n" }.joined())
    }

    /// On a terminal, `Warning:` and `Note:` lines wider than it are wrapped between words, so a long
    /// warning is not cut mid-word by the terminal. Scripts and pipes get every line whole.
    private func fitted(_ lines: [String]) -> [String] {
        guard console.isInteractive, let width = console.columns, width >= 20 else { return lines }
        return lines.flatMap { line in
            line.hasPrefix("Warning: ") || line.hasPrefix("Note: ") ? TextWrap.wrap(line, width: width) : [line]
        }
    }

    /// Prints lines as one block, preceded by one empty line.
    public func block(_ lines: String...) { block(lines) }

    /// Prints lines with no empty line before them.
    public func lines(_ lines: [String]) {
        emit(fitted(lines).map { $0 + "\n" }.joined())
    }

    /// Prints lines with no empty line before them.
    public func lines(_ lines: String...) { self.lines(lines) }

    // MARK: Reading

    /// A SIGINT taken before a read abandons the dialog; what was typed ahead of it goes too.
    private func abandonIfInterrupted() throws {
        guard Interrupts.take() else { return }
        console.discardTypeAhead()
        throw DialogAbort.interrupted
    }

    /// Reads one line at `prompt`. Interrupt, end of input and idle timeout become `DialogAbort`.
    /// Text that is not valid UTF-8 is refused: asked again on a terminal, an error in a script.
    func readLine(_ prompt: String, kind: InputKind, completer: Completer = .none) throws -> String {
        try abandonIfInterrupted()
        while true {
            let event = console.read(prompt: TerminalSafe.escaped(prompt), kind: kind, completer: completer)
            switch event {
            case .line(let text):
                linesRead += 1
                return text
            case .interrupt:
                throw DialogAbort.interrupted
            case .endOfInput:
                throw isInteractive ? DialogAbort.interrupted : DialogAbort.endOfInput
            case .timedOut:
                throw DialogAbort.timedOut
            case .invalid(let problem):
                linesRead += 1
                let message = Self.message(for: problem)
                if !isInteractive { throw ShellError.invalidInput(message) }
                emit(message + "\n")
            }
        }
    }

    /// The message for a line that could not be taken as text.
    public static func message(for problem: InputProblem) -> String {
        switch problem {
        case .notText: "Invalid input: the line is not valid UTF-8 text."
        case .tooLong: "Input too long."
        case .controlCharacter: "Invalid input: the line holds a control character."
        }
    }

    /// On a terminal prints the complaint so the question can be asked again; in a script throws it.
    private func reject(_ message: String) throws {
        if !isInteractive { throw ShellError.invalidInput(message) }
        emit(message + "\n")
    }

    // MARK: Menus

    /// Shows `Choose the operation you want to perform:` with the items, and returns the chosen
    /// item, or nil on an empty line (leave the menu) or, in a script, at the end of input.
    /// `status` lines are printed as a block before the menu each time it is shown.
    /// `hidden` items are accepted when typed but not listed or completed.
    public func menu(
        status: [String] = [],
        _ items: [MenuItem],
        hidden: [MenuItem] = []
    ) throws -> MenuItem? {
        let accepted = items + hidden
        var showStatus = true
        while true {
            if showStatus && !status.isEmpty { block(status) }
            showStatus = true
            block(["Choose the operation you want to perform:"] + items.map { "- \($0.name) - \($0.description)" })
            let completer = Completer.words(items.map(\.name))
            let answer: String
            do {
                answer = try readLine("[]> ", kind: .answer, completer: completer).trimmingSpaces
            } catch DialogAbort.endOfInput {
                return nil
            }
            if answer.isEmpty { return nil }
            if answer == "?" { continue }
            switch Self.match(answer, among: accepted.map(\.name)) {
            case .found(let index):
                return accepted[index]
            case .ambiguous(let names):
                try reject("Ambiguous operation \"\(answer)\": \(names.joined(separator: ", ")).")
            case .none:
                var message = "Invalid operation \"\(answer)\"."
                let first = answer.split(separator: " ").first.map(String.init)?.lowercased() ?? ""
                if commandWords.contains(first) { message += " Enter an empty line to leave this menu." }
                try reject(message)
            }
            showStatus = false
        }
    }

    /// Result of matching typed text against names: exact (case-insensitive) wins, then a unique prefix.
    public enum Match: Equatable {
        case found(Int)
        case ambiguous([String])
        case none
    }

    /// Exact name first (ignoring case), then unique prefix.
    public static func match(_ typed: String, among names: [String]) -> Match {
        let lower = typed.lowercased()
        if let exact = names.firstIndex(where: { $0.lowercased() == lower }) { return .found(exact) }
        let candidates = names.indices.filter { names[$0].lowercased().hasPrefix(lower) }
        if candidates.count == 1 { return .found(candidates[0]) }
        if candidates.count > 1 { return .ambiguous(candidates.map { names[$0] }) }
        return .none
    }

    // MARK: Questions

    /// Asks a free-text question whose prompt is on the next line: `[]> ` or `[default]> `.
    /// Empty input takes the default; with no default, a required question returns nil (the caller
    /// abandons its operation) and an optional one returns "".
    /// `format` checks the answer (the value or a one-line complaint); `?` alone prints its help and
    /// what Enter alone does, then asks again, unless `questionMarkIsData` (a comment, where `?` is
    /// text like any other; shell.md §15.1).
    public func ask<Value>(
        _ question: [String],
        default defaultValue: String? = nil,
        required: Bool = true,
        questionMarkIsData: Bool = false,
        completer: Completer = .none,
        format: AnswerFormat<Value>
    ) throws -> Value? {
        try ask(
            question,
            default: defaultValue,
            required: required,
            help: format.help + " " + Self.enterAlone(default: defaultValue, required: required),
            questionMarkIsData: questionMarkIsData,
            completer: completer,
            validate: format.check
        )
    }

    /// ``ask(_:default:required:questionMarkIsData:completer:format:)`` whose `?` prints `help` as is
    /// (a numeric question's range, which already says everything).
    func ask<Value>(
        _ question: [String],
        default defaultValue: String? = nil,
        required: Bool = true,
        help: String,
        questionMarkIsData: Bool = false,
        completer: Completer = .none,
        validate: (String) -> Result<Value, ShellError>
    ) throws -> Value? {
        block(question)
        let prompt = "[\(defaultValue ?? "")]> "
        while true {
            var answer = try readLine(prompt, kind: .answer, completer: completer).trimmingSpaces
            if answer == "?" && !questionMarkIsData {
                emit(help + "\n")
                continue
            }
            if answer.isEmpty {
                if let defaultValue {
                    answer = defaultValue
                } else if required {
                    return nil
                }
            }
            switch validate(answer) {
            case .success(let value): return value
            case .failure(let error): try reject(error.message)
            }
        }
    }

    /// What Enter alone does at a free-text question (the second half of its `?` help).
    static func enterAlone(default defaultValue: String?, required: Bool) -> String {
        if let defaultValue {
            "Enter alone keeps \"\(TerminalSafe.escaped(defaultValue))\"."
        } else if required {
            "Enter alone cancels the operation."
        } else {
            "Enter alone leaves it empty."
        }
    }

    /// Asks a free-text question (see ``ask(_:default:required:questionMarkIsData:completer:format:)``)
    /// that takes the text as is; `help` says what to type.
    public func askText(
        _ question: [String],
        help: String,
        default defaultValue: String? = nil,
        required: Bool = true
    ) throws
        -> String?
    {
        try ask(question, default: defaultValue, required: required, format: AnswerFormat(help) { .success($0) })
    }

    /// Asks for a whole number in a range, with the prompt `[default]> `.
    public func askNumber(_ question: [String], range: ClosedRange<Int>, default defaultValue: Int?) throws -> Int? {
        let complaint = "Please enter a number from \(range.lowerBound) to \(range.upperBound)."
        return try ask(question, default: defaultValue.map(String.init), help: complaint) { text in
            guard let number = Int(text), range.contains(number) else { return .failure(.invalidInput(complaint)) }
            return .success(number)
        }
    }

    /// Asks for the number of one of `items` (listed by the caller; `[]> `, Enter alone returns nil)
    /// and returns that item. `items` must not be empty.
    public func pick<Item>(_ question: [String], from items: [Item]) throws -> Item? {
        try askNumber(question, range: 1...items.count, default: nil).map { items[$0 - 1] }
    }

    /// Asks a question whose answer goes on a bare `> ` prompt; an empty answer asks again
    /// (profile names, the NEW subject fields). A default changes the prompt to `[default]> `.
    /// `?` alone prints the format's help and what Enter alone does, and asks again.
    public func askBare(
        _ question: [String],
        default defaultValue: String? = nil,
        format: AnswerFormat<String>
    )
        throws -> String
    {
        block(question)
        let prompt = defaultValue.map { "[\($0)]> " } ?? "> "
        while true {
            var answer = try readLine(prompt, kind: .answer).trimmingSpaces
            if answer == "?" {
                emit(
                    format.help + " "
                        + (defaultValue.map { "Enter alone keeps \"\(TerminalSafe.escaped($0))\"." }
                            ?? "An answer is required.") + "\n"
                )
                continue
            }
            if answer.isEmpty {
                guard let defaultValue else { continue }
                answer = defaultValue
            }
            switch format.check(answer) {
            case .success(let value): return value
            case .failure(let error): try reject(error.message)
            }
        }
    }

    /// An answer that is either a value or one of the extra words a question also accepts
    /// (`default` in a mail flow policy's parameters removes its override).
    public enum Answer<Value> {
        case value(Value)
        case word(String)
    }

    /// Asks a yes/no question on one line: `{question} [Y]> `. `lines` before the last are printed first.
    public func yesNo(_ question: [String], default defaultValue: Bool, spaced: Bool = true) throws -> Bool {
        guard case .value(let answer) = try yesNo(question, default: defaultValue, spaced: spaced, alsoAccepting: [])
        else { return defaultValue }
        return answer
    }

    /// A yes/no question that also accepts `words` (compared ignoring case, returned lower-cased).
    public func yesNo(
        _ question: [String],
        default defaultValue: Bool,
        spaced: Bool = true,
        alsoAccepting words: [String]
    ) throws -> Answer<Bool> {
        emit((spaced ? "\n" : "") + question.dropLast().map { $0 + "\n" }.joined())
        let prompt = (question.last ?? "") + (defaultValue ? " [Y]> " : " [N]> ")
        let extras = words.map { $0.lowercased() }
        let complaint = (["Please answer Y or N"] + extras.map { "\"\($0)\"" }).joined(separator: ", ") + "."
        while true {
            let answer = try readLine(prompt, kind: .answer).trimmingSpaces.lowercased()
            switch answer {
            case "": return .value(defaultValue)
            case "y", "yes": return .value(true)
            case "n", "no": return .value(false)
            case "?": emit("Answer Y or N. Enter alone means \(defaultValue ? "Y" : "N").\n")
            default:
                if extras.contains(answer) { return .word(answer) }
                try reject(extras.isEmpty ? "Please answer Y or N." : complaint)
            }
        }
    }

    /// Asks a yes/no question given as one line.
    public func yesNo(_ question: String, default defaultValue: Bool) throws -> Bool {
        try yesNo([question], default: defaultValue)
    }

    /// Asks a yes/no question that continues the block just printed (no empty line before it).
    public func yesNo(continuing question: String, default defaultValue: Bool) throws -> Bool {
        try yesNo([question], default: defaultValue, spaced: false)
    }

    /// Shows a numbered list under `question` and returns the chosen index (0-based); prompt `[n]> `.
    public func choose(_ question: [String], items: [String], default defaultIndex: Int = 0) throws -> Int {
        guard case .value(let index) = try choose(question, items: items, default: defaultIndex, alsoAccepting: [])
        else { return defaultIndex }
        return index
    }

    /// A numbered choice that also accepts `words` (compared ignoring case, returned lower-cased).
    public func choose(
        _ question: [String],
        items: [String],
        default defaultIndex: Int = 0,
        alsoAccepting words: [String]
    )
        throws -> Answer<Int>
    {
        block(question + items.enumerated().map { "\($0.offset + 1). \($0.element)" })
        let extras = words.map { $0.lowercased() }
        let complaint =
            "Please enter a number from 1 to \(items.count)"
            + (extras.isEmpty ? "." : " or " + extras.map { "\"\($0)\"" }.joined(separator: ", ") + ".")
        let completer = Completer.words(items.indices.map { String($0 + 1) } + extras)
        while true {
            let answer = try readLine("[\(defaultIndex + 1)]> ", kind: .answer, completer: completer).trimmingSpaces
            if answer.isEmpty { return .value(defaultIndex) }
            if answer == "?" {
                emit(complaint + "\n")
                continue
            }
            if let number = Int(answer), (1...items.count).contains(number) { return .value(number - 1) }
            if extras.contains(answer.lowercased()) { return .word(answer.lowercased()) }
            try reject(complaint)
        }
    }

    /// Reads a multi-line paste after `prompt` (printed as a block), ended by a line holding only `.`.
    /// Limits: 64 KiB per line (checked by the console), 1 MiB in all.
    public func paste(_ prompt: String) throws -> String {
        try paste([prompt], until: ".")
    }

    /// Reads a multi-line paste after the lines of `prompt`, ended by a line holding only `end`
    /// (`""`: an empty line, as sshconfig's key paste). Same limits as ``paste(_:)``.
    public func paste(_ prompt: [String], until end: String) throws -> String {
        block(prompt)
        var text = ""
        var total = 0
        while true {
            let line: String
            try abandonIfInterrupted()
            switch console.read(prompt: "", kind: .paste, completer: .none) {
            case .line(let value):
                linesRead += 1
                line = value
            case .interrupt: throw DialogAbort.interrupted
            case .endOfInput: throw isInteractive ? DialogAbort.interrupted : DialogAbort.endOfInput
            case .timedOut: throw DialogAbort.timedOut
            case .invalid(let problem):
                linesRead += 1
                throw ShellError.invalidInput(Self.message(for: problem))
            }
            let trimmed = line.trimmingTrailing(["\r", " ", "\t"])
            if trimmed == end { return text }
            total += line.utf8.count + 1
            if total > 1024 * 1024 { throw ShellError.invalidInput("Input too long.") }
            text += trimmed + "\n"
        }
    }

    /// Reads a secret after `label` (such as `Enter pass phrase for PKCS#12 file: `); never echoed.
    public func secret(_ label: String) throws -> String {
        try readLine(label, kind: .secret)
    }
}

extension String {
    /// The text without the given trailing characters.
    func trimmingTrailing(_ characters: Set<Character>) -> String {
        var s = Substring(self)
        while let last = s.last, characters.contains(last) { s = s.dropLast() }
        return String(s)
    }
}
