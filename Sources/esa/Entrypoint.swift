import ArgumentParser
import Commands
import FoundationEssentials
import Shell

#if canImport(Glibc)
import Glibc
#endif

/// The `esa` binary: parses its options, picks the console, wires the session. Synchronous: a shell
/// run starts no Swift concurrency thread pool. `esa serve` is another program, `esa-serve`.
@main
struct Esa: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "esa",
        abstract: "An appliance-style administration shell for the TLS side of an email gateway.",
        discussion: """
            Without -c or --script, esa reads commands from standard input: interactively with line \
            editing on a terminal, as a script otherwise. Exit status: 0 success, 1 internal error, \
            2 I/O error, 3 an action failed, 4 invalid input, 64 a bad option.
            """,
        version: "esa \(ApplianceInfo.version)",
        subcommands: [ServeHandoff.self, SSHAuthorizedKeys.self]
    )

    /// `esa serve …` (and `esa --data-dir D serve …`) becomes `esa-serve …` before any parsing, so
    /// `esa serve --help` shows the serve options of `esa-serve` itself.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let serve = ServeHandoff.serveArguments(arguments) { ServeHandoff.exec(serve) }
        // The runs every login, `ssh host "cmd"` and script make (no help, no subcommand, nothing
        // invalid) are parsed here, without swift-argument-parser's reflection, whose first use
        // touches about 1 MiB of code and metadata (issue 13). Everything else is parsed by
        // ArgumentParser, which gives the help, versions and errors it always gave.
        if let options = Options(quick: arguments) { Glibc.exit(options.launch().start().rawValue) }
        main(nil)
    }

    @OptionGroup var data: DataDirectoryOption
    var dataDir: String? { data.dataDir }

    @Option(
        name: .long,
        help:
            "The appliance user this session acts as, with that user's role (default: the local operator, full rights, recorded by login name)."
    )
    var user: String?

    @Option(name: .customShort("c"), help: "Run the commands of one line, separated by ';'.")
    var commands: String?

    @Option(name: .long, help: "Run the commands of a file, as if piped on standard input.")
    var script: String?

    @Flag(name: .long, help: "Keep going after a failing command instead of stopping.")
    var continueOnError = false

    @Option(name: .long, help: "Idle timeout of interactive sessions, in minutes.")
    var idleTimeout: Int = 30

    @Flag(name: .long, help: "Check every kept revision of the configuration store, then exit.")
    var verifyStore = false

    func validate() throws {
        if commands != nil && script != nil { throw ValidationError("Use either -c or --script, not both.") }
        if let user {
            if user.unicodeScalars.contains(where: TerminalSafe.isControl) {
                throw ValidationError("The user name must not hold control characters.")
            }
            if user.utf8.count > 64 { throw ValidationError("The user name must be at most 64 bytes.") }
        }
        guard (1...1440).contains(idleTimeout) else {
            throw ValidationError("The idle timeout must be from 1 to 1440 minutes.")
        }
    }

    func run() throws {
        let options = Options(
            dataDir: dataDir,
            user: user,
            commands: commands,
            script: script,
            continueOnError: continueOnError,
            idleTimeout: idleTimeout,
            verifyStore: verifyStore
        )
        throw ExitCode(options.launch().start().rawValue)
    }
}

/// `esa`'s options as parsed, by ArgumentParser (``Esa``) or by ``init(quick:)``.
struct Options {
    var dataDir: String?
    var user: String?
    var commands: String?
    var script: String?
    var continueOnError = false
    var idleTimeout = 30
    var verifyStore = false

    /// The options of a run that ArgumentParser would parse the same way without a word to say: each
    /// of `esa`'s options at most once (`--name value`, `--name=value`, `-c value`), values that do not
    /// begin with `-`, and valid (``Esa/validate()``). Nil for anything else — help, `--version`, a
    /// subcommand, an unknown or repeated option, a missing or invalid value — which ArgumentParser
    /// then parses and reports as it always has.
    init?(quick arguments: [String]) {
        var seen = Set<String>()
        var index = 0
        while index < arguments.count {
            var name = arguments[index]
            var value: String?
            index += 1
            if name.hasPrefix("--"), let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
                guard value?.isEmpty == false else { return nil }
            }
            guard seen.insert(name).inserted else { return nil }
            switch name {
            case "--continue-on-error", "--verify-store":
                guard value == nil else { return nil }
                if name == "--verify-store" { verifyStore = true } else { continueOnError = true }
            case "--data-dir", "--user", "-c", "--script", "--idle-timeout":
                if value == nil, index < arguments.count {
                    value = arguments[index]
                    index += 1
                }
                guard let value, !value.hasPrefix("-") else { return nil }
                switch name {
                case "--data-dir": dataDir = value
                case "--user": user = value
                case "-c": commands = value
                case "--script": script = value
                default:
                    guard let minutes = Int(value) else { return nil }
                    idleTimeout = minutes
                }
            default: return nil
            }
        }
        if commands != nil && script != nil { return nil }
        if let user, user.unicodeScalars.contains(where: TerminalSafe.isControl) || user.utf8.count > 64 {
            return nil
        }
        guard (1...1440).contains(idleTimeout) else { return nil }
    }

    init(
        dataDir: String?,
        user: String?,
        commands: String?,
        script: String?,
        continueOnError: Bool,
        idleTimeout: Int,
        verifyStore: Bool
    ) {
        self.dataDir = dataDir
        self.user = user
        self.commands = commands
        self.script = script
        self.continueOnError = continueOnError
        self.idleTimeout = idleTimeout
        self.verifyStore = verifyStore
    }

    /// Under a forced command (`command=` of `esa ssh-authorized-keys`, `ForceCommand`) sshd runs
    /// `esa --user NAME` and passes what the client asked for in `SSH_ORIGINAL_COMMAND`: run it like
    /// `-c` (scp included). An interactive login has none.
    var forcedCommand: String? {
        guard script == nil, let original = ProcessInfo.processInfo.environment["SSH_ORIGINAL_COMMAND"],
            !original.isEmpty
        else { return nil }
        return original
    }

    func launch() -> Launch {
        Launch(
            dataDirectory: dataDir,
            user: user,
            commands: commands ?? forcedCommand,
            script: script,
            continueOnError: continueOnError,
            idleTimeoutMinutes: idleTimeout,
            verifyStore: verifyStore
        )
    }
}

/// `--data-dir` (`esa --data-dir D serve` hands it on to `esa-serve`).
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .long, help: "The data directory (default: $XDG_DATA_HOME/esa).")
    var dataDir: String?
}
