import ArgumentParser
import Commands
import FoundationEssentials
import Shell

#if canImport(Glibc)
import Glibc
#endif

/// `esa serve`: runs the program `esa-serve` from this program's folder in place of this process
/// (same process id, same standard input and output, the arguments after `serve` handed on), so the
/// shell itself links none of the gateway's and the SSH endpoint's code.
struct ServeHandoff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Run the mail gateway (a private Postfix configured from the committed configuration) and the SSH endpoint.",
        discussion: "Runs the program esa-serve from esa's folder; see esa serve --help."
    )

    @Argument(parsing: .captureForPassthrough, help: "Options of esa serve (see esa serve --help).")
    var arguments: [String] = []

    func run() throws {
        Self.exec(arguments)
    }

    /// The shell's options that take a value: the word after one is never the subcommand.
    private static let valueOptions: Set<String> = ["--data-dir", "--user", "-c", "--script", "--idle-timeout"]

    /// The arguments for `esa-serve` when `arguments` (without the program name) ask for `serve`
    /// (`esa help serve` too), `--data-dir` given before `serve` first; nil for a shell run.
    static func serveArguments(_ arguments: [String]) -> [String]? {
        var dataDirectory: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" { return nil }
            if valueOptions.contains(word) {
                if word == "--data-dir", index + 1 < arguments.count {
                    dataDirectory = ["--data-dir", arguments[index + 1]]
                }
                index += 2
                continue
            }
            if word.hasPrefix("--data-dir=") { dataDirectory = [word] }
            if word.hasPrefix("-") {
                index += 1
                continue
            }
            let rest = Array(arguments[(index + 1)...])
            switch word {
            case "serve": return dataDirectory + rest
            case "help" where rest.first == "serve": return ["--help"]
            default: return nil
            }
        }
        return nil
    }

    /// Replaces this process with `esa-serve`; returns only to exit with a one-line error.
    static func exec(_ arguments: [String]) -> Never {
        let program = Programs.sibling(Programs.serve)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        execv(program, argv)
        let cause = String(cString: strerror(errno))
        let problem = errno == ENOENT ? "is missing" : "cannot be run (\(cause))"
        FileOutput.diagnose(
            "esa: esa serve runs the program \(TerminalSafe.escaped(program)), which \(problem); install esa-serve "
                + "next to esa.\n"
        )
        Glibc.exit(ExitStatus.ioError.rawValue)
    }
}
