import ApplianceConfig
import DomainNames

/// What a typed parser and a completion see besides the word: the configuration the session works on
/// (names that must exist) and the command names (`help {command}`).
public struct ArgumentContext: Sendable {
    /// The configuration names are looked up in (read when a parser first asks for it).
    public var configuration: ApplianceConfiguration { source.value }
    private let source: ConfigurationSource
    public let commandNames: [String]
    /// The words typed after the command name (before the one being completed), so that a name can
    /// be offered from the object an earlier word chose (a listener's sender groups).
    public var words: [String]

    public init(configuration: ApplianceConfiguration, commandNames: [String] = [], words: [String] = []) {
        self.source = ConfigurationSource(value: configuration)
        self.commandNames = commandNames
        self.words = words
    }

    /// A context whose configuration is read only if a parser looks a name up in it, so a command whose
    /// words name nothing configured (`help`) never reads the session's configuration (issue 13).
    public init(
        reading load: @escaping () -> ApplianceConfiguration,
        commandNames: [String] = [],
        words: [String] = []
    ) {
        self.source = ConfigurationSource(load: load)
        self.commandNames = commandNames
        self.words = words
    }
}

/// The configuration of an ``ArgumentContext``, given or read on first use. A context lives for one
/// parse on the session's thread, so the unsynchronised cache is never shared between threads.
private final class ConfigurationSource: @unchecked Sendable {
    private var loaded: ApplianceConfiguration?
    private let load: () -> ApplianceConfiguration

    init(value: ApplianceConfiguration) {
        loaded = value
        load = { value }
    }

    init(load: @escaping () -> ApplianceConfiguration) {
        self.load = load
    }

    var value: ApplianceConfiguration {
        if let loaded { return loaded }
        let value = load()
        loaded = value
        return value
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

extension ValueParser {
    /// A word from a fixed set of names (Tab offers `candidates`): `lookup` finds its value, and a
    /// word it does not know is invalid input worded by `complaint`.
    public static func named(
        _ placeholder: String,
        candidates: [String],
        lookup: @escaping @Sendable (String) -> Value?,
        complaint: @escaping @Sendable (String) -> String
    ) -> ValueParser<Value> {
        let parse: @Sendable (String, ArgumentContext) throws(ShellError) -> Value = { text, _ throws(ShellError) in
            guard let value = lookup(text) else { throw .invalidInput(complaint(text)) }
            return value
        }
        return ValueParser(placeholder, candidates: { _ in candidates }, parse: parse)
    }

    /// One of a few words, ignoring case, each standing for its value (`["on": true, "yes": true,
    /// "off": false, "no": false]`, keys in lower case). Tab offers the words the placeholder names
    /// (`{on|off}`: on, off); a word not listed is invalid input worded by `complaint`.
    public static func words(
        _ placeholder: String,
        _ values: [String: Value],
        complaint: @escaping @Sendable (String) -> String
    ) -> ValueParser<Value> {
        let offered = placeholder.filter { $0 != "{" && $0 != "}" }.split(separator: "|").map(String.init)
        return named(placeholder, candidates: offered, lookup: { values[$0.lowercased()] }, complaint: complaint)
    }
}

extension ValueParser where Value == String {
    /// The word as typed (checked later, against what other words chose); Tab offers `candidates`.
    public static func text(
        _ placeholder: String,
        candidates: @escaping @Sendable (ArgumentContext) -> [String] = { _ in [] }
    ) -> ValueParser<String> {
        ValueParser(placeholder, candidates: candidates) { text, _ throws(ShellError) in text }
    }

    /// One of the names `names` lists, compared as names of `kind` (`ListenerName.self`: ignoring
    /// case); the value is the name as listed, and a name not listed is refused with `missing(word)`.
    /// Tab offers the names.
    public static func existing<Kind>(
        _ placeholder: String,
        _ kind: Name<Kind>.Type,
        _ names: @escaping @Sendable (ArgumentContext) -> [String],
        missing: @escaping @Sendable (String) -> String
    ) -> ValueParser<String> {
        ValueParser(placeholder, candidates: names) { text, context throws(ShellError) in
            guard let name = names(context).first(named: Name<Kind>(text), by: { $0 }) else {
                throw .actionFailed(missing(text))
            }
            return name
        }
    }

    /// `existing` for names kept as text and compared by their key (`MailAddress.self`).
    public static func existing<Kind>(
        _ placeholder: String,
        _ kind: FoldedName<Kind>.Type,
        _ names: @escaping @Sendable (ArgumentContext) -> [String],
        missing: @escaping @Sendable (String) -> String
    ) -> ValueParser<String> {
        existing(placeholder, Name<Kind>.self, names, missing: missing)
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
    let isRest: Bool
    let missing: String

    /// A required word; `missing` completes `Missing {missing}.` (default: the placeholder).
    public init(_ key: String, _ parser: ValueParser<Value>, missing: String? = nil) {
        self.key = key
        self.parser = parser
        self.isOptional = false
        self.isRest = false
        self.missing = missing ?? parser.placeholder
    }

    /// A word that may be left out.
    public static func optional(_ key: String, _ parser: ValueParser<Value>) -> OptionalPositional<Value> {
        OptionalPositional(
            argument: Positional(key: key, parser: parser, isOptional: true, isRest: false)
        )
    }

    /// The words after the form's last positional word, each parsed (none at all is fine).
    public static func remaining(_ key: String, _ parser: ValueParser<Value>) -> RemainingWords<Value> {
        RemainingWords(argument: Positional(key: key, parser: parser, isOptional: true, isRest: true))
    }

    private init(key: String, parser: ValueParser<Value>, isOptional: Bool, isRest: Bool) {
        self.key = key
        self.parser = parser
        self.isOptional = isOptional
        self.isRest = isRest
        self.missing = parser.placeholder
    }

    var erased: AnyArgument {
        let parser = self.parser
        return AnyArgument(
            key: key,
            isOptional: isOptional,
            isRest: isRest,
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

/// The words after a form's last positional word (`Positional.remaining`); reads back as an array.
public struct RemainingWords<Value: Sendable>: Sendable {
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
    let isRest: Bool
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

/// A fixed word of a form after its subcommand (`listenerconfig edit {name} hostaccess new …`):
/// forms of one subcommand are told apart by their keywords, matched ignoring case and by unique
/// prefix. `missing` and `unknown` are the complaints when the word is left out or matches none of
/// the keywords the forms allow there (the first form's wording counts).
public struct Keyword: Sendable {
    let words: [String]
    let missing: String?
    let unknown: (@Sendable (String) -> String)?
}

/// One declared part of a form, for the form's initializer: an argument, a keyword or an option.
public struct FormPart: Sendable {
    let argument: AnyArgument?
    let option: AnyOption?
    let keyword: Keyword?

    public static func argument<Value>(_ argument: Positional<Value>) -> FormPart {
        FormPart(argument: argument.erased, option: nil, keyword: nil)
    }

    public static func argument<Value>(_ argument: OptionalPositional<Value>) -> FormPart {
        FormPart(argument: argument.argument.erased, option: nil, keyword: nil)
    }

    public static func argument<Value>(_ words: RemainingWords<Value>) -> FormPart {
        FormPart(argument: words.argument.erased, option: nil, keyword: nil)
    }

    public static func option<Value>(_ option: BatchOption<Value>) -> FormPart {
        FormPart(argument: nil, option: option.erased, keyword: nil)
    }

    /// A fixed word (or one of its spellings) at this place of the form.
    public static func keyword(
        _ words: String...,
        missing: String? = nil,
        unknown: (@Sendable (String) -> String)? = nil
    ) -> FormPart {
        FormPart(argument: nil, option: nil, keyword: Keyword(words: words, missing: missing, unknown: unknown))
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

    /// The remaining words, parsed.
    public subscript<Value>(_ words: RemainingWords<Value>) -> [Value] { values[words.argument.key] as? [Value] ?? [] }

    /// The value of an option, nil when it was not given.
    public subscript<Value>(_ option: BatchOption<Value>) -> Value? { values["--" + option.name] as? Value }

    /// Whether a flag was given.
    public func has(_ flag: BatchOption<Bool>) -> Bool { values["--" + flag.name] != nil }

    /// Whether any option was given.
    public var hasOptions: Bool { values.keys.contains { $0.hasPrefix("--") } }
}

/// One batch form of a command: its subcommand word (none for a command with a single form), its
/// usage line (the **exact** text of `help` and of `Usage:` messages; forms may share one), its
/// positional words, keywords and options, and its body, which receives the parsed values.
public struct Form: Sendable {
    enum Slot: Sendable {
        case keyword(Keyword)
        case argument(AnyArgument)

        var keyword: Keyword? {
            if case .keyword(let keyword) = self { return keyword }
            return nil
        }
    }

    public let name: String?
    public let aliases: [String]
    public let usage: String
    /// The line `help` shows (the usage line unless it says more, such as its aliases).
    public let help: String
    let slots: [Slot]
    let options: [AnyOption]
    let body: @Sendable (BatchValues, Session) throws -> Void
    /// Derived once from `slots` and `options` (asked for every batch line).
    let arguments: [AnyArgument]
    let valuedOptions: Set<String>
    let flagOptions: Set<String>

    public init(
        _ name: String? = nil,
        aliases: [String] = [],
        usage: String,
        help: String? = nil,
        _ parts: FormPart...,
        body: @escaping @Sendable (BatchValues, Session) throws -> Void
    ) {
        self.init(name, aliases: aliases, usage: usage, help: help, parts: parts, body: body)
    }

    /// A form whose parts are built as a list (a family of options declared from a table).
    public init(
        _ name: String? = nil,
        aliases: [String] = [],
        usage: String,
        help: String? = nil,
        parts: [FormPart],
        body: @escaping @Sendable (BatchValues, Session) throws -> Void
    ) {
        self.name = name
        self.aliases = aliases
        self.usage = usage
        self.help = help ?? usage
        self.slots = parts.compactMap { part in
            if let keyword = part.keyword { return .keyword(keyword) }
            return part.argument.map { .argument($0) }
        }
        self.options = parts.compactMap(\.option)
        self.body = body
        self.arguments = slots.compactMap { slot in
            if case .argument(let argument) = slot { return argument }
            return nil
        }
        self.valuedOptions = Set(options.filter { !$0.isFlag }.map(\.name))
        self.flagOptions = Set(options.filter(\.isFlag).map(\.name))
    }

    func keyword(at slot: Int) -> Keyword? { slot < slots.count ? slots[slot].keyword : nil }
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

    /// The grammar's own complaints, as templates: a command keeps the exact wording it always had.
    public struct Wording: Sendable {
        /// No subcommand typed.
        public var missingSubcommand: String
        /// A subcommand that matches none (gets the word as typed).
        public var unknownSubcommand: @Sendable (String) -> String
        /// The usage line shown before an unknown or missing subcommand (default:
        /// `{command} {a|b|…} …`).
        public var subcommandUsage: String?
        /// An option that another form takes (gets the option's name and the subcommand); nil:
        /// `Unknown option`.
        public var foreignOption: (@Sendable (String, String) -> String)?
        /// Whether option names are matched ignoring case (`--TLS=on`).
        public var caseInsensitiveOptions: Bool

        public init(
            missingSubcommand: String = "Missing subcommand.",
            unknownSubcommand: @escaping @Sendable (String) -> String = { "Unknown subcommand \"\($0)\"." },
            subcommandUsage: String? = nil,
            foreignOption: (@Sendable (String, String) -> String)? = nil,
            caseInsensitiveOptions: Bool = false
        ) {
            self.missingSubcommand = missingSubcommand
            self.unknownSubcommand = unknownSubcommand
            self.subcommandUsage = subcommandUsage
            self.foreignOption = foreignOption
            self.caseInsensitiveOptions = caseInsensitiveOptions
        }
    }

    /// The command's header: its name (in usage lines and errors), summary, access and the rest.
    public let configuration: CommandConfiguration
    /// The command's name.
    public var command: String { configuration.name }
    public let forms: [Form]
    /// Help lines printed after the forms' usage lines (option lists).
    public let notes: [String]
    public let style: UsageStyle
    public let wording: Wording
    /// Runs when the command is typed alone (the interactive dialog); nil when a form takes no words.
    let interactive: (@Sendable (Session) throws -> Void)?

    public init(
        _ configuration: CommandConfiguration,
        style: UsageStyle = .form,
        notes: [String] = [],
        wording: Wording = Wording(),
        interactive: (@Sendable (Session) throws -> Void)? = nil,
        _ forms: Form...
    ) {
        self.configuration = configuration
        self.forms = forms
        self.notes = notes
        self.style = style
        self.wording = wording
        self.interactive = interactive
    }

    /// The syntax lines of `help CMD` and `CMD ?` (a usage line shared by several forms once).
    public var syntax: [String] {
        var seen = Set<String>()
        return forms.map(\.help).filter { seen.insert($0).inserted } + notes
    }

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
        if let custom = wording.subcommandUsage { return custom }
        var names: [String] = []
        for form in forms {
            for name in [form.name].compactMap({ $0 }) + form.aliases where !names.contains(name) {
                names.append(name)
            }
        }
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
        let context = ArgumentContext(
            reading: { session.configuration },
            commandNames: session.registry.allNames,
            words: words
        )
        let arguments = try parse(rest, form, context)
        do {
            try form.body(arguments, session)
        } catch let misuse as Misuse {
            throw usage(form, misuse.problem)
        }
    }

    /// Thrown by a form's body for a problem the declaration cannot state (options that exclude each
    /// other, at least one option needed): shown under the form's `Usage:` line.
    public struct Misuse: Error {
        public let problem: String

        public init(_ problem: String) { self.problem = problem }
    }

    /// The form of the subcommand `words` start with, told apart from the subcommand's other forms by
    /// its keywords, and the words after the subcommand.
    private func choose(_ words: [String]) throws(ShellError) -> (Form, [String]) {
        guard let single = forms.first else {
            // No batch form: the command takes no words at all.
            throw .invalidInput("Usage: \(command)\nUnexpected argument \"\(words.first ?? "")\".")
        }
        guard hasSubcommands else { return (single, words) }
        guard let typed = words.first else {
            throw usage(nil, wording.missingSubcommand)
        }
        var names: [String] = []
        var owners: [[Int]] = []
        for (index, form) in forms.enumerated() {
            for name in [form.name].compactMap({ $0 }) + form.aliases {
                if let known = names.firstIndex(of: name) {
                    owners[known].append(index)
                } else {
                    names.append(name)
                    owners.append([index])
                }
            }
        }
        switch Dialog.match(typed, among: names) {
        case .found(let index):
            let rest = Array(words.dropFirst())
            return (try select(owners[index].map { forms[$0] }, rest), rest)
        case .ambiguous(let candidates):
            throw usage(nil, "Ambiguous subcommand \"\(typed)\": \(candidates.joined(separator: ", ")).")
        case .none:
            throw usage(nil, wording.unknownSubcommand(typed))
        }
    }

    /// The one of `candidates` whose keywords match the positional words of `words`.
    private func select(_ candidates: [Form], _ words: [String]) throws(ShellError) -> Form {
        var remaining = candidates
        let positional = positionalWords(words, of: candidates)
        let longest = candidates.map(\.slots.count).max() ?? 0
        for slot in 0..<longest {
            let keyed = remaining.filter { $0.keyword(at: slot) != nil }
            guard let first = keyed.first, let keyword = first.keyword(at: slot) else { continue }
            guard slot < positional.count else {
                let all = keyed.flatMap { $0.keyword(at: slot)?.words ?? [] }
                throw usage(first, keyword.missing ?? "Missing {\(Self.unique(all).joined(separator: "|"))}.")
            }
            let typed = positional[slot]
            let words = Self.unique(keyed.flatMap { $0.keyword(at: slot)?.words ?? [] })
            switch Dialog.match(typed, among: words) {
            case .found(let index):
                remaining = keyed.filter { $0.keyword(at: slot)?.words.contains(words[index]) ?? false }
            case .ambiguous(let names):
                throw usage(first, "Ambiguous word \"\(typed)\": \(names.joined(separator: ", ")).")
            case .none:
                throw usage(first, keyword.unknown?(typed) ?? "Unexpected argument \"\(typed)\".")
            }
        }
        return remaining.first ?? candidates[0]
    }

    private static func unique(_ words: [String]) -> [String] {
        var seen = Set<String>()
        return words.filter { seen.insert($0.lowercased()).inserted }
    }

    /// The words of `words` that are not options (nor the value of an option given as `--name value`).
    private func positionalWords(_ words: [String], of forms: [Form]) -> [String] {
        let valued = forms.count == 1 ? forms[0].valuedOptions : Set(forms.flatMap(\.valuedOptions))
        var positional: [String] = []
        var index = 0
        while index < words.count {
            let word = normalized(words[index])
            index += 1
            guard word.hasPrefix("--"), word.count > 2 else {
                positional.append(word)
                continue
            }
            if !word.contains("="), valued.contains(String(word.dropFirst(2))) { index += 1 }
        }
        return positional
    }

    /// The word with its option name in lower case when options ignore case.
    private func normalized(_ word: String) -> String {
        guard wording.caseInsensitiveOptions, word.hasPrefix("--") else { return word }
        let name = word.utf8.prefix { $0 != UInt8(ascii: "=") }
        // Most option names are typed in lower case already: no new string then.
        guard name.contains(where: { $0 >= 0x80 || (0x41...0x5A).contains($0) }) else { return word }
        guard let equals = word.firstIndex(of: "=") else { return word.lowercased() }
        return word[..<equals].lowercased() + word[equals...]
    }

    private func parse(_ words: [String], _ form: Form, _ context: ArgumentContext) throws(ShellError) -> BatchValues {
        let words = words.map(normalized)
        var valued = form.valuedOptions
        var flags = form.flagOptions
        if wording.foreignOption != nil {
            valued.formUnion(forms.flatMap(\.valuedOptions))
            flags.formUnion(forms.flatMap(\.flagOptions))
        }
        let split: BatchArguments
        do {
            split = try BatchArguments(words, valued: valued, flags: flags)
        } catch {
            throw usage(form, error.message)
        }
        if let foreign = wording.foreignOption {
            let given = Set(split.options.keys).union(split.flags)
            let own = Set(form.options.map(\.name))
            if let option = given.subtracting(own).sorted().first {
                throw usage(form, foreign(option, form.name ?? command))
            }
        }
        // Keywords were matched when the form was chosen; the other words are its arguments.
        let texts = split.positional.enumerated().filter { form.keyword(at: $0.offset) == nil }.map(\.element)
        let arguments = form.arguments
        // A word too many is named before any word's value is checked.
        if texts.count > arguments.count, arguments.last?.isRest != true {
            throw usage(form, "Unexpected argument \"\(texts[arguments.count])\".")
        }
        var values: [String: any Sendable] = [:]
        for (index, argument) in arguments.enumerated() {
            if argument.isRest {
                var parsed: [any Sendable] = []
                for text in texts.dropFirst(index) {
                    parsed.append(
                        try checked(form, standalone: argument.standalone) { () throws(ShellError) -> any Sendable in
                            try argument.parse(text, context)
                        }
                    )
                }
                values[argument.key] = parsed
                continue
            }
            guard index < texts.count else {
                if argument.isOptional { continue }
                throw usage(form, "Missing \(argument.missing).")
            }
            let text = texts[index]
            values[argument.key] = try checked(form, standalone: argument.standalone) {
                () throws(ShellError) -> any Sendable in
                try argument.parse(text, context)
            }
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

    /// Completion of the word being typed (`partial`) after the words before it: subcommands,
    /// keywords, options, and the names the arguments' parsers offer from `context`.
    public func complete(after words: [String], partial: String, in context: ArgumentContext) -> [String] {
        var context = context
        context.words = words
        let lower = partial.lowercased()
        func matching(_ candidates: [String]) -> [String] {
            Self.unique(candidates).filter { $0.lowercased().hasPrefix(lower) }
        }
        var rest = words
        var candidates: [Form]
        if hasSubcommands {
            guard let typed = rest.first else {
                return matching(forms.flatMap { [$0.name].compactMap { $0 } + $0.aliases })
            }
            let names = forms.map { [$0.name].compactMap { $0 } + $0.aliases }
            let all = Self.unique(names.flatMap { $0 })
            guard case .found(let index) = Dialog.match(typed, among: all) else { return [] }
            candidates = forms.enumerated().filter { names[$0.offset].contains(all[index]) }.map(\.element)
            rest.removeFirst()
        } else {
            candidates = Array(forms.prefix(1))
        }
        let positional = positionalWords(rest, of: candidates)
        for (slot, typed) in positional.enumerated() {
            candidates = candidates.filter { form in
                guard let keyword = form.keyword(at: slot) else { return slot < form.slots.count }
                guard case .found = Dialog.match(typed, among: keyword.words) else { return false }
                return true
            }
        }
        if partial.hasPrefix("--") {
            let options = candidates.flatMap(\.options)
            if let equals = partial.firstIndex(of: "=") {
                let name = String(partial[partial.index(partial.startIndex, offsetBy: 2)..<equals]).lowercased()
                guard let option = options.first(where: { $0.name == name }) else { return [] }
                let prefix = String(partial[...equals])
                return option.candidates(context).map { prefix + $0 }.filter {
                    $0.lowercased().hasPrefix(lower)
                }
            }
            return matching(options.map { $0.isFlag ? "--" + $0.name : "--" + $0.name + "=" })
        }
        let slot = positional.count
        return matching(
            candidates.flatMap { form -> [String] in
                guard slot < form.slots.count else { return [] }
                switch form.slots[slot] {
                case .keyword(let keyword): return keyword.words
                case .argument(let argument): return argument.candidates(context)
                }
            }
        )
    }
}

/// A command declared by its grammar: its header (the grammar's `CommandConfiguration`), its batch
/// syntax, its parsing and its completion follow from it. Write `run` only to do something the
/// grammar cannot (it defaults to running the grammar).
public protocol DeclaredCommand: ShellCommand {
    var grammar: Grammar { get }
}

extension DeclaredCommand {
    /// The header the grammar carries.
    public var configuration: CommandConfiguration { grammar.configuration }
    public var name: String { configuration.name }
    public var aliases: [String] { configuration.aliases }
    public var summary: String { configuration.summary }
    public var requiresCommit: Bool { configuration.requiresCommit }
    public var access: CommandAccess { configuration.access }
    public var viewingForms: Set<String> { configuration.viewingForms }
    public var writesDataDirectory: Bool { configuration.writesDataDirectory }
    public var hidden: Bool { configuration.hidden }
    public var batchSyntax: [String] { grammar.syntax }

    public func run(_ arguments: [String], in session: Session) throws {
        try grammar.run(arguments, in: session)
    }
}
