import ApplianceConfig

/// What a typed parser and a completion see besides the word: the configuration the session works on
/// (names that must exist) and the command names (`help {command}`).
public struct ArgumentContext: Sendable {
    public let configuration: ApplianceConfiguration
    public let commandNames: [String]

    public init(configuration: ApplianceConfiguration, commandNames: [String] = []) {
        self.configuration = configuration
        self.commandNames = commandNames
    }
}

/// A typed parser of one word of a batch command (a revision number, a profile name, a port). It owns
/// the word's validation and error text: an `.invalidInput` error is shown under the command's
/// `Usage:` line, any other (a name that does not exist, `.actionFailed`) alone.
public struct ValueParser<Value: Sendable>: Sendable {
    /// How usage lines name the word: `{revision}`.
    public let placeholder: String
    /// Whether its complaints stand alone, without the `Usage:` line (an **exact** message of the
    /// spec that is the same in the dialog and the batch form).
    public let standalone: Bool
    let parse: @Sendable (String, ArgumentContext) throws(ShellError) -> Value
    let candidates: @Sendable (ArgumentContext) -> [String]

    public init(
        _ placeholder: String,
        standalone: Bool = false,
        candidates: @escaping @Sendable (ArgumentContext) -> [String] = { _ in [] },
        parse: @escaping @Sendable (String, ArgumentContext) throws(ShellError) -> Value
    ) {
        self.placeholder = placeholder
        self.standalone = standalone
        self.parse = parse
        self.candidates = candidates
    }

    /// Parses one word (for a parser built on another).
    public func value(of text: String, in context: ArgumentContext) throws(ShellError) -> Value {
        try parse(text, context)
    }
}

extension ValueParser where Value == String {
    /// The word as typed.
    public static func text(_ placeholder: String) -> ValueParser<String> {
        ValueParser(placeholder) { text, _ throws(ShellError) in text }
    }

    /// One of `words` (ignoring case, unique prefixes accepted), returned as declared.
    public static func keyword(
        _ words: [String],
        complaint: @escaping @Sendable (String) -> String
    )
        -> ValueParser<String>
    {
        let parse: @Sendable (String, ArgumentContext) throws(ShellError) -> String = { text, _ throws(ShellError) in
            guard case .found(let index) = Dialog.match(text, among: words) else {
                throw .invalidInput(complaint(text))
            }
            return words[index]
        }
        return ValueParser("{" + words.joined(separator: "|") + "}", candidates: { _ in words }, parse: parse)
    }

    /// The name of a command of the registry (`help {command}`).
    public static var commandName: ValueParser<String> {
        ValueParser("{command}", candidates: { $0.commandNames }, parse: { text, _ throws(ShellError) in text })
    }
}

extension ValueParser where Value == Int {
    /// A whole number in `range`; `complaint` gets the word as typed.
    public static func number(
        _ placeholder: String,
        _ range: ClosedRange<Int>,
        complaint: @escaping @Sendable (String) -> String
    ) -> ValueParser<Int> {
        ValueParser(placeholder) { text, _ throws(ShellError) in
            guard let value = Int(text), range.contains(value) else { throw .invalidInput(complaint(text)) }
            return value
        }
    }

    /// A revision number (1 or more): `Not a revision number: "{word}".`
    public static let revision = ValueParser("{revision}") { text, _ throws(ShellError) in
        guard let number = Int(text), number > 0 else { throw .invalidInput("Not a revision number: \"\(text)\".") }
        return number
    }
}

/// A positional word of a batch form, with its typed parser. The value is read back with
/// `arguments[argument]`.
public struct Positional<Value: Sendable>: Sendable {
    let key: String
    let parser: ValueParser<Value>
    let isOptional: Bool
    let missing: String

    /// A required word; `missing` completes `Missing {missing}.` (default: the placeholder).
    public init(_ key: String, _ parser: ValueParser<Value>, missing: String? = nil) {
        self.key = key
        self.parser = parser
        self.isOptional = false
        self.missing = missing ?? parser.placeholder
    }

    /// A word that may be left out.
    public static func optional(_ key: String, _ parser: ValueParser<Value>) -> OptionalPositional<Value> {
        OptionalPositional(
            argument: Positional(key: key, parser: parser, isOptional: true, missing: parser.placeholder)
        )
    }

    private init(key: String, parser: ValueParser<Value>, isOptional: Bool, missing: String) {
        self.key = key
        self.parser = parser
        self.isOptional = isOptional
        self.missing = missing
    }

    var erased: AnyArgument {
        let parser = self.parser
        return AnyArgument(
            key: key,
            isOptional: isOptional,
            standalone: parser.standalone,
            missing: missing,
            candidates: parser.candidates,
            parse: { (text: String, context: ArgumentContext) throws(ShellError) -> any Sendable in
                try parser.parse(text, context)
            }
        )
    }
}

/// A positional word that may be left out (the last ones of a form); reads back as nil then.
public struct OptionalPositional<Value: Sendable>: Sendable {
    let argument: Positional<Value>
}

/// An option of a batch form: `--name` (a flag) or `--name=value` / `--name value` with a typed parser.
public struct BatchOption<Value: Sendable>: Sendable {
    let name: String
    let parser: ValueParser<Value>?
    let isRequired: Bool

    /// An option with a value; a `required` one missing is `The option "--{name}" is required.`
    public init(_ name: String, _ parser: ValueParser<Value>, required: Bool = false) {
        self.name = name
        self.parser = parser
        self.isRequired = required
    }

    var erased: AnyOption {
        let parser = self.parser
        var candidates: @Sendable (ArgumentContext) -> [String] = { _ in [] }
        if let parser { candidates = parser.candidates }
        return AnyOption(
            name: name,
            isFlag: parser == nil,
            isRequired: isRequired,
            standalone: parser?.standalone ?? false,
            candidates: candidates,
            parse: { (text: String, context: ArgumentContext) throws(ShellError) -> any Sendable in
                guard let parser else { return true }
                return try parser.parse(text, context)
            }
        )
    }
}

extension BatchOption where Value == Bool {
    /// A flag without value (`--check`); reads back as true when given.
    public static func flag(_ name: String) -> BatchOption<Bool> {
        BatchOption(name: name)
    }

    private init(name: String) {
        self.name = name
        self.parser = nil
        self.isRequired = false
    }
}

struct AnyArgument: Sendable {
    let key: String
    let isOptional: Bool
    let standalone: Bool
    let missing: String
    let candidates: @Sendable (ArgumentContext) -> [String]
    let parse: @Sendable (String, ArgumentContext) throws(ShellError) -> any Sendable
}

struct AnyOption: Sendable {
    let name: String
    let isFlag: Bool
    let isRequired: Bool
    let standalone: Bool
    let candidates: @Sendable (ArgumentContext) -> [String]
    let parse: @Sendable (String, ArgumentContext) throws(ShellError) -> any Sendable
}

/// One declared part of a form, for the form's initializer: an argument or an option.
public struct FormPart: Sendable {
    let argument: AnyArgument?
    let option: AnyOption?

    public static func argument<Value>(_ argument: Positional<Value>) -> FormPart {
        FormPart(argument: argument.erased, option: nil)
    }

    public static func argument<Value>(_ argument: OptionalPositional<Value>) -> FormPart {
        FormPart(argument: argument.argument.erased, option: nil)
    }

    public static func option<Value>(_ option: BatchOption<Value>) -> FormPart {
        FormPart(argument: nil, option: option.erased)
    }
}

/// The parsed, typed values of one batch line, handed to the form's body.
public struct BatchValues: Sendable {
    var values: [String: any Sendable]

    /// The value of a required positional word (the grammar refused the line without it).
    public subscript<Value>(_ argument: Positional<Value>) -> Value {
        // Parsing stores a value of this type under this key before any body runs.
        values[argument.key] as! Value  // swift-format-ignore: NeverForceUnwrap
    }

    /// The value of an optional positional word, nil when it was left out.
    public subscript<Value>(_ argument: OptionalPositional<Value>) -> Value? {
        values[argument.argument.key] as? Value
    }

    /// The value of an option, nil when it was not given.
    public subscript<Value>(_ option: BatchOption<Value>) -> Value? { values["--" + option.name] as? Value }

    /// Whether a flag was given.
    public func has(_ flag: BatchOption<Bool>) -> Bool { values["--" + flag.name] != nil }
}

/// One batch form of a command: its subcommand word (none for a command with a single form), its
/// usage line (the **exact** text of `help` and of `Usage:` messages), its positional words and
/// options, and its body, which receives the parsed values.
public struct Form: Sendable {
    public let name: String?
    public let aliases: [String]
    public let usage: String
    let arguments: [AnyArgument]
    let options: [AnyOption]
    let body: @Sendable (BatchValues, Session) throws -> Void

    public init(
        _ name: String? = nil,
        aliases: [String] = [],
        usage: String,
        _ parts: FormPart...,
        body: @escaping @Sendable (BatchValues, Session) throws -> Void
    ) {
        self.name = name
        self.aliases = aliases
        self.usage = usage
        self.arguments = parts.compactMap(\.argument)
        self.options = parts.compactMap(\.option)
        self.body = body
    }
}

/// A command's batch grammar, declared once: its forms, the help lines after them, and how its
/// `Usage:` message is laid out. `help CMD`, `CMD ?`, Tab completion and the grammar errors
/// (`Unknown subcommand`, `Unexpected argument`, `Missing …`, `Unknown option`) come from it.
public struct Grammar: Sendable {
    /// How the `Usage:` line of a grammar error is written (the appliance's exact layouts).
    public enum UsageStyle: Sendable {
        /// `Usage: {the form's usage line}` (one form, or per subcommand).
        case form
        /// `Usage: {line 1} | {line 2} | …`, every syntax line (commit).
        case joined
        /// `Usage:` and every line indented by two spaces (interfaceconfig).
        case block
    }

    public let command: String
    public let forms: [Form]
    /// Help lines printed after the forms' usage lines (option lists).
    public let notes: [String]
    public let style: UsageStyle
    /// Runs when the command is typed alone (the interactive dialog); nil when a form takes no words.
    let interactive: (@Sendable (Session) throws -> Void)?

    public init(
        _ command: String,
        style: UsageStyle = .form,
        notes: [String] = [],
        interactive: (@Sendable (Session) throws -> Void)? = nil,
        _ forms: Form...
    ) {
        self.command = command
        self.forms = forms
        self.notes = notes
        self.style = style
        self.interactive = interactive
    }

    /// The syntax lines of `help CMD` and `CMD ?`.
    public var syntax: [String] { forms.map(\.usage) + notes }

    private var hasSubcommands: Bool { forms.contains { $0.name != nil } }

    /// The `Usage:` message for a problem with `form` (nil: the subcommand is not known yet).
    public func usage(_ form: Form?, _ problem: String) -> ShellError {
        let head: String
        switch style {
        case .form:
            head = "Usage: " + (form?.usage ?? subcommandsUsage)
        case .joined:
            head = "Usage: " + syntax.joined(separator: " | ")
        case .block:
            head = (["Usage:"] + syntax.map { "  " + $0 }).joined(separator: "\n")
        }
        return .invalidInput(head + "\n" + problem)
    }

    /// `{command} {new|edit|…} …` when no subcommand could be chosen.
    private var subcommandsUsage: String {
        let names = forms.compactMap(\.name)
        return "\(command) {\(names.joined(separator: "|"))} …"
    }

    // MARK: Running

    /// Parses `words` against the forms and runs the chosen body.
    public func run(_ words: [String], in session: Session) throws {
        if words.isEmpty, let interactive {
            try interactive(session)
            return
        }
        let (form, rest) = try choose(words)
        let context = ArgumentContext(configuration: session.configuration, commandNames: session.registry.allNames)
        let arguments = try parse(rest, form, context)
        try form.body(arguments, session)
    }

    private func choose(_ words: [String]) throws(ShellError) -> (Form, [String]) {
        guard let single = forms.first else {
            // No batch form: the command takes no words at all.
            throw .invalidInput("Usage: \(command)\nUnexpected argument \"\(words.first ?? "")\".")
        }
        guard hasSubcommands else { return (single, words) }
        guard let typed = words.first else {
            throw usage(nil, "Missing subcommand.")
        }
        var names: [String] = []
        var owners: [Int] = []
        for (index, form) in forms.enumerated() {
            for name in [form.name].compactMap({ $0 }) + form.aliases {
                names.append(name)
                owners.append(index)
            }
        }
        switch Dialog.match(typed, among: names) {
        case .found(let index):
            return (forms[owners[index]], Array(words.dropFirst()))
        case .ambiguous(let candidates):
            throw usage(nil, "Ambiguous subcommand \"\(typed)\": \(candidates.joined(separator: ", ")).")
        case .none:
            throw usage(nil, "Unknown subcommand \"\(typed)\".")
        }
    }

    private func parse(_ words: [String], _ form: Form, _ context: ArgumentContext) throws(ShellError) -> BatchValues {
        let valued = Set(form.options.filter { !$0.isFlag }.map(\.name))
        let flags = Set(form.options.filter(\.isFlag).map(\.name))
        let split: BatchArguments
        do {
            split = try BatchArguments(words, valued: valued, flags: flags)
        } catch {
            throw usage(form, error.message)
        }
        var values: [String: any Sendable] = [:]
        for (index, argument) in form.arguments.enumerated() {
            guard index < split.positional.count else {
                if argument.isOptional { continue }
                throw usage(form, "Missing \(argument.missing).")
            }
            let text = split.positional[index]
            values[argument.key] = try checked(form, standalone: argument.standalone) {
                () throws(ShellError) -> any Sendable in
                try argument.parse(text, context)
            }
        }
        if split.positional.count > form.arguments.count {
            throw usage(form, "Unexpected argument \"\(split.positional[form.arguments.count])\".")
        }
        for option in form.options {
            if option.isFlag {
                if split.flags.contains(option.name) { values["--" + option.name] = true }
            } else if let text = split.options[option.name] {
                values["--" + option.name] = try checked(form, standalone: option.standalone) {
                    () throws(ShellError) -> any Sendable in
                    try option.parse(text, context)
                }
            } else if option.isRequired {
                throw usage(form, "The option \"--\(option.name)\" is required.")
            }
        }
        return BatchValues(values: values)
    }

    /// A parser's invalid input goes under the usage line; a refusal stands alone.
    private func checked<T>(
        _ form: Form,
        standalone: Bool,
        _ body: () throws(ShellError) -> T
    ) throws(ShellError) -> T {
        do {
            return try body()
        } catch {
            if error.code == .invalidInput && !standalone { throw usage(form, error.message) }
            throw error
        }
    }

    // MARK: Completion

    /// Completion of the word being typed (`partial`) after the words before it.
    public func complete(after words: [String], partial: String, in context: ArgumentContext) -> [String] {
        let lower = partial.lowercased()
        func matching(_ candidates: [String]) -> [String] {
            candidates.filter { $0.lowercased().hasPrefix(lower) }
        }
        var rest = words
        let form: Form
        if hasSubcommands {
            guard !rest.isEmpty else { return matching(forms.compactMap(\.name)) }
            guard let found = try? choose(rest).0 else { return [] }
            form = found
            rest.removeFirst()
        } else {
            guard let single = forms.first else { return [] }
            form = single
        }
        if partial.hasPrefix("--") {
            if let equals = partial.firstIndex(of: "=") {
                let name = String(partial[partial.index(partial.startIndex, offsetBy: 2)..<equals])
                guard let option = form.options.first(where: { $0.name == name }) else { return [] }
                let prefix = String(partial[...equals])
                return option.candidates(context).map { prefix + $0 }.filter {
                    $0.lowercased().hasPrefix(lower)
                }
            }
            return matching(form.options.map { $0.isFlag ? "--" + $0.name : "--" + $0.name + "=" })
        }
        let position = rest.filter { !$0.hasPrefix("--") }.count
        guard position < form.arguments.count else { return [] }
        return matching(form.arguments[position].candidates(context))
    }
}

/// A command declared by its grammar: its batch syntax, its parsing and its completion follow from
/// it. Write `run` only to do something the grammar cannot (it defaults to running the grammar).
public protocol DeclaredCommand: ShellCommand {
    var grammar: Grammar { get }
}

extension DeclaredCommand {
    public var batchSyntax: [String] { grammar.syntax }

    public func run(_ arguments: [String], in session: Session) throws {
        try grammar.run(arguments, in: session)
    }
}
