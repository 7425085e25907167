import Foundation
import TestSupport
import Testing

/// `esa`'s options: the common runs are parsed without swift-argument-parser (issue 13: its reflection
/// costs memory at every start), everything else by ArgumentParser. Either way a user sees the same:
/// both spellings of an option run the same, and help and errors are ArgumentParser's, byte for byte.
@Suite struct OptionParsingTests {
    static let usage =
        "Usage: esa [--data-dir <data-dir>] [--user <user>] [-c <c>] [--script <script>] [--continue-on-error] "
        + "[--idle-timeout <idle-timeout>] [--verify-store] <subcommand>\n  See 'esa --help' for more information.\n"

    @Test func everySpellingOfAnOptionRunsTheSame() throws {
        let data = try TemporaryDirectory()
        let path = data.url.path
        let script = data.url.appendingPathComponent("script.txt")
        try Data("exit\n".utf8).write(to: script)
        let runs: [[String]] = [
            ["--data-dir", path, "-c", "exit"],
            ["--data-dir=\(path)", "-c", "exit"],
            ["-c", "exit", "--data-dir", path, "--idle-timeout", "5"],
            ["--data-dir", path, "--idle-timeout=+5", "--continue-on-error", "-c", "exit"],
            ["--data-dir", path, "--script", script.path],
            ["--data-dir", path, "--script=\(script.path)", "--continue-on-error"],
            // Repeated: ArgumentParser takes the last one.
            ["--data-dir", path, "-c", "version", "-c", "exit"],
        ]
        for arguments in runs {
            let run = try EsaProcess.run(arguments, input: "version\n")
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            #expect(run.stdout == "ironport.example.com> exit\n", "\(arguments)")
            #expect(run.stderr == "", "\(arguments)")
        }
        let verify = try EsaProcess.run(["--verify-store", "--data-dir=\(path)"])
        #expect(verify.stdout == "The configuration store is intact: 1 revision checked.\n")
    }

    @Test func helpAndBadOptionsAreArgumentParsersOwn() throws {
        let data = try TemporaryDirectory()
        let path = data.url.path
        #expect(try EsaProcess.run(["--data-dir", path, "-c", "exit"]).status == 0)
        let cases: [(arguments: [String], stderr: String)] = [
            (
                ["--data-dir", path, "--idle-timeout", "0", "-c", "version"],
                "Error: The idle timeout must be from 1 to 1440 minutes.\n" + Self.usage
            ),
            (
                ["--data-dir", path, "-c", "-x"],
                "Error: Missing value for '-c <c>'\nHelp:  -c <c>  Run the commands of one line, separated by ';'.\n"
                    + Self.usage
            ),
            (
                ["--data-dir", path, "--user="],
                "Error: Missing value for '--user <user>'\nHelp:  --user <user>  The appliance user this session "
                    + "acts as, with that user's role (default: the local operator, full rights, recorded by login "
                    + "name).\n" + Self.usage
            ),
            (
                ["--data-dir", path, "-c", "version", "--script", "x"],
                "Error: Use either -c or --script, not both.\n" + Self.usage
            ),
        ]
        for (arguments, stderr) in cases {
            let run = try EsaProcess.run(arguments)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.stdout == "", "\(arguments)")
            #expect(run.stderr == stderr, "\(arguments)")
        }
        let help = try EsaProcess.run(["--data-dir", path, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.hasPrefix("OVERVIEW: An appliance-style administration shell"))
        #expect(help.stdout.contains("  --idle-timeout <idle-timeout>\n"))
        let version = try EsaProcess.run(["--version"])
        #expect(version.stdout.hasPrefix("esa "))
    }

    /// Each help page states an option's default once: ArgumentParser appends `(default: …)` itself,
    /// so a help text that also names it showed it twice (`esa serve --help`'s `--ssh`).
    @Test(arguments: [["--help"], ["serve", "--help"], ["ssh-authorized-keys", "--help"]])
    func everyHelpPageStatesEachDefaultOnce(_ arguments: [String]) throws {
        let help = try EsaProcess.run(arguments)
        #expect(help.status == 0)
        // An option's help may wrap over several lines: join them before counting.
        let options = help.stdout.components(separatedBy: "\n  -").dropFirst().map { option in
            option.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        }
        #expect(!options.isEmpty)
        for option in options {
            #expect(option.components(separatedBy: "(default:").count <= 2, "\(arguments): -\(option)")
        }
        if arguments.first == "serve" {
            #expect(options.contains { $0.hasSuffix("or 'off'. (default: 127.0.0.1:2222)") })
        }
    }
}
