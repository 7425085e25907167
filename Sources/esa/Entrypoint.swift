import ArgumentParser
import Commands
import FoundationEssentials
import Shell

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
        if let arguments = ServeHandoff.serveArguments(Array(CommandLine.arguments.dropFirst())) {
            ServeHandoff.exec(arguments)
        }
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

    /// Under a forced command (`command=` of `esa ssh-authorized-keys`, `ForceCommand`) sshd runs
    /// `esa --user NAME` and passes what the client asked for in `SSH_ORIGINAL_COMMAND`: run it like
    /// `-c` (scp included). An interactive login has none.
    var forcedCommand: String? {
        guard script == nil, let original = ProcessInfo.processInfo.environment["SSH_ORIGINAL_COMMAND"],
            !original.isEmpty
        else { return nil }
        return original
    }

    func run() throws {
        let launch = Launch(
            dataDirectory: dataDir,
            user: user,
            commands: commands ?? forcedCommand,
            script: script,
            continueOnError: continueOnError,
            idleTimeoutMinutes: idleTimeout,
            verifyStore: verifyStore
        )
        let status = launch.start()
        throw ExitCode(status.rawValue)
    }
}

/// `--data-dir` (`esa --data-dir D serve` hands it on to `esa-serve`).
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .long, help: "The data directory (default: $XDG_DATA_HOME/esa).")
    var dataDir: String?
}
