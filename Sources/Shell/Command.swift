import ApplianceConfig

/// An appliance command. Help, `?` and Tab completion are generated from these properties.
public protocol ShellCommand: Sendable {
    /// The name typed at the prompt, lower case.
    var name: String { get }
    /// Other names (`clear` for `clearchanges`, `quit` for `exit`).
    var aliases: [String] { get }
    /// The one-line description of `help`.
    var summary: String { get }
    /// The syntax lines of the batch form; empty when the command has none.
    var batchSyntax: [String] { get }
    /// Whether the changes it makes need a `commit` (false for read-only commands).
    var requiresCommit: Bool { get }
    /// Words completed after the command name (batch subcommands and options).
    var completions: [String] { get }
    /// Which roles may run it (ssh.md §3).
    var access: CommandAccess { get }
    /// The first words of batch forms that only show (`list`, `print`): they need no more than the
    /// right to view, and run in a read-only data directory, whatever the rest of the command does.
    var viewingForms: Set<String> { get }
    /// Whether it writes to the data directory without staging anything (`commit`, `passwd`,
    /// `saveconfig`): refused, like every command that stages changes, when the data directory is
    /// read-only.
    var writesDataDirectory: Bool { get }
    /// The words after the name as they may be logged: a passphrase given on the command line
    /// replaced by `*****` (audit log, system log).
    func loggable(_ arguments: [String]) -> [String]
    /// Not listed by `help` or completed, found only by its exact name (vendor automation's
    /// `setttymode`).
    var hidden: Bool { get }
    /// Runs the command with the words after its name. Interactive when `arguments` is empty.
    func run(_ arguments: [String], in session: Session) throws
}

extension ShellCommand {
    public var aliases: [String] { [] }
    public var batchSyntax: [String] { [] }
    public var completions: [String] { [] }
    public var hidden: Bool { false }
    public var access: CommandAccess { .configure }
    public var viewingForms: Set<String> { [] }
    public var writesDataDirectory: Bool { false }
    public func loggable(_ arguments: [String]) -> [String] { arguments }
}

/// A command's header, declared once (in the spirit of swift-argument-parser's
/// `CommandConfiguration`): its name and everything `help`, the registry and the access rules read
/// about it. A `DeclaredCommand`'s grammar carries it, and the command's `ShellCommand` properties
/// are read from it: state the name and summary, and only what differs from the defaults.
public struct CommandConfiguration: Sendable, Equatable {
    /// The name typed at the prompt, lower case.
    public var name: String
    /// Other names (`clear` for `clearchanges`, `quit` for `exit`).
    public var aliases: [String]
    /// The one-line description of `help`.
    public var summary: String
    /// Whether the changes it makes need a `commit` (false for read-only commands).
    public var requiresCommit: Bool
    /// Which roles may run it (ssh.md §3).
    public var access: CommandAccess
    /// The first words of batch forms that only show (`list`, `print`).
    public var viewingForms: Set<String>
    /// Whether it writes to the data directory without staging anything (`commit`, `passwd`).
    public var writesDataDirectory: Bool
    /// Not listed by `help` or completed, found only by its exact name (`setttymode`).
    public var hidden: Bool

    public init(
        _ name: String,
        aliases: [String] = [],
        summary: String,
        requiresCommit: Bool = false,
        access: CommandAccess = .configure,
        viewingForms: Set<String> = [],
        writesDataDirectory: Bool = false,
        hidden: Bool = false
    ) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.requiresCommit = requiresCommit
        self.access = access
        self.viewingForms = viewingForms
        self.writesDataDirectory = writesDataDirectory
        self.hidden = hidden
    }
}

/// What a command does, which decides the roles that may run it (ssh.md §3).
public enum CommandAccess: Sendable, Equatable {
    /// Status and the session itself (`help`, `exit`, `version`, `passwd`): every role.
    case status
    /// Shows settings without changing them: not Guests.
    case view
    /// Stages or commits configuration: Administrators and Operators.
    case configure
    /// Manages users: Administrators only.
    case administer
}

extension UserRole {
    /// Whether this role may run commands of that kind.
    public func may(_ access: CommandAccess) -> Bool {
        switch access {
        case .status: true
        case .view: self != .guest
        case .configure: self == .administrator || self == .operator
        case .administer: self == .administrator
        }
    }
}

/// The commands of the shell, looked up by exact name, alias, or unique prefix.
public struct CommandRegistry: Sendable {
    public let commands: [any ShellCommand]
    private let names: [String]
    private let owners: [Int]
    private let hiddenNames: [String: Int]

    public init(_ commands: [any ShellCommand]) {
        self.commands = commands
        var names: [String] = []
        var owners: [Int] = []
        var hiddenNames: [String: Int] = [:]
        for (index, command) in commands.enumerated() {
            if command.hidden {
                for name in [command.name] + command.aliases { hiddenNames[name.lowercased()] = index }
                continue
            }
            for name in [command.name] + command.aliases {
                names.append(name)
                owners.append(index)
            }
        }
        self.names = names
        self.owners = owners
        self.hiddenNames = hiddenNames
    }

    /// The commands `help` lists.
    public var listed: [any ShellCommand] { commands.filter { !$0.hidden } }

    /// Every name and alias, sorted.
    public var allNames: [String] { names.sorted() }

    /// The outcome of looking up a typed command word.
    public enum Lookup {
        case found(any ShellCommand)
        case ambiguous([String])
        case unknown
    }

    /// Exact name or alias (ignoring case) first, then a unique prefix of the names.
    public func lookup(_ word: String) -> Lookup {
        if let hidden = hiddenNames[word.lowercased()] { return .found(commands[hidden]) }
        switch Dialog.match(word, among: names) {
        case .found(let index):
            return .found(commands[owners[index]])
        case .ambiguous(let candidates):
            // Several aliases of one command are not ambiguous.
            let owning = Set(candidates.compactMap { name in names.firstIndex(of: name).map { owners[$0] } })
            if owning.count == 1, let only = owning.first { return .found(commands[only]) }
            return .ambiguous(candidates.sorted())
        case .none:
            return .unknown
        }
    }

    /// Completion at the top-level prompt without configuration names (keywords only).
    public var completer: Completer {
        completer(in: ArgumentContext(configuration: ApplianceConfiguration(hostname: ""), commandNames: allNames))
    }

    /// Completion at the top-level prompt: command names for the first word; after it, a declared
    /// command's grammar (subcommands, options, and names from `context`'s configuration), or an
    /// undeclared command's own words.
    public func completer(in context: ArgumentContext) -> Completer {
        let names = self.allNames
        let registry = self
        return Completer { text in
            let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            if words.count <= 1 {
                let lower = text.lowercased()
                return names.filter { $0.hasPrefix(lower) }
            }
            guard case .found(let command) = registry.lookup(words[0]) else { return [] }
            let partial = words[words.count - 1]
            if let declared = command as? any DeclaredCommand {
                // The words before, as the interpreter will read them ("Read Only" is one word).
                let head = String(text.dropLast(partial.count))
                let before = (Words.split(head) ?? words.dropLast().filter { !$0.isEmpty }).dropFirst()
                return declared.grammar.complete(after: Array(before), partial: partial, in: context)
            }
            let last = partial.lowercased()
            return command.completions.filter { $0.lowercased().hasPrefix(last) }
        }
    }
}
