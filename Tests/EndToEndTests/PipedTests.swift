import Foundation
import TestSupport
import Testing

/// The built binary driven the way automation drives it: piped stdin, `--script`, `-c`.
@Suite struct PipedTests {
    @Test func pipedScriptPrintsATranscriptAndCommits() throws {
        let data = try TemporaryDirectory()
        let result = try EsaProcess.run(
            ["--data-dir", data.url.path],
            input: "sethostname mail.example.com\ncommit\nfirst\nY\n",
            environment: EsaProcess.environment(user: "ops")
        )
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout.hasPrefix("ironport.example.com> sethostname mail.example.com\n"))
        #expect(result.stdout.contains("\nPlease enter some comments describing your changes:\n[]> first\n"))
        #expect(result.stdout.contains("\nChanges committed: "))
        #expect(result.stdout.hasSuffix("mail.example.com> "))
        #expect(!result.stdout.contains("Welcome"))

        let history = try EsaProcess.run(["--data-dir", data.url.path, "-c", "commithistory 1"])
        #expect(history.status == 0)
        #expect(history.stdout.contains("ops     script       yes       first"))
    }

    @Test func oneShotRunsEachCommandAndRecordsMethodExec() throws {
        let data = try TemporaryDirectory()
        let result = try EsaProcess.run(
            ["--data-dir", data.url.path, "-c", #"sethostname mail.example.com; commit "via exec"; commithistory 1"#]
        )
        #expect(result.status == 0)
        #expect(result.stdout.contains("mail.example.com> commithistory 1"))
        #expect(result.stdout.contains("exec         yes       via exec"))
    }

    @Test func scriptFileOption() throws {
        let data = try TemporaryDirectory()
        let script = try data.write("commands.txt", "sethostname mail.example.com\ncommit \"from file\"\n")
        let result = try EsaProcess.run(["--data-dir", data.url.path, "--script", script])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Changes committed: "))
    }

    @Test(arguments: [
        ("frobnicate\n", Int32(4), "line 1: Unknown command or missing feature key: frobnicate\n"),
        (
            "sethostname bad_name\n", Int32(4),
            "line 1: Invalid hostname \"bad_name\". Enter a fully qualified host name, such as mail.example.com.\n"
        ),
        ("rollbackconfig 42\n", Int32(3), "line 1: Revision 42 does not exist or is no longer kept.\n"),
        ("sethostname a.example.com\ncommit\n", Int32(2), "line 2: input ended during a dialog\n"),
    ])
    func eachErrorClassHasItsStatus(_ input: String, _ status: Int32, _ message: String) throws {
        let data = try TemporaryDirectory()
        let result = try EsaProcess.run(["--data-dir", data.url.path], input: input)
        #expect(result.status == status)
        #expect(result.stderr == message)
    }

    @Test func firstErrorStopsTheScriptAndDiscardsChanges() throws {
        let data = try TemporaryDirectory()
        let result = try EsaProcess.run(
            ["--data-dir", data.url.path],
            input: "sethostname mail.example.com\nbogus\ncommit \"never\"\n"
        )
        #expect(result.status == 4)
        #expect(!result.stdout.contains("never"))
        let check = try EsaProcess.run(["--data-dir", data.url.path, "-c", "commithistory"])
        #expect(!check.stdout.contains("never"))
        #expect(check.stdout.contains("  1  "))
        #expect(!check.stdout.contains("  2  "))
    }

    @Test func invalidUTF8AndNULAreRefusedWithAClearError() throws {
        let data = try TemporaryDirectory()
        let bad = try EsaProcess.run(["--data-dir", data.url.path], input: [0x76, 0x65, 0x72, 0xff, 0x0a])
        #expect(bad.status == 4)
        #expect(bad.stderr == "line 1: Invalid input: the line is not valid UTF-8 text.\n")
        let nul = try EsaProcess.run(["--data-dir", data.url.path], input: [0x76, 0x00, 0x0a])
        #expect(nul.status == 4)
        #expect(nul.stderr == "line 1: Invalid input: the line is not valid UTF-8 text.\n")
    }

    @Test func overLongLineIsRefused() throws {
        let data = try TemporaryDirectory()
        let line = String(repeating: "x", count: 70_000) + "\nversion\n"
        let result = try EsaProcess.run(["--data-dir", data.url.path], input: line)
        #expect(result.status == 4)
        #expect(result.stderr == "line 1: Input too long.\n")
    }

    @Test func uncommittedChangesAtTheEndAreReported() throws {
        let data = try TemporaryDirectory()
        let result = try EsaProcess.run(["--data-dir", data.url.path], input: "sethostname mail.example.com\n")
        #expect(result.status == 0)
        #expect(result.stderr == "Warning: the session ended with uncommitted changes; they have been discarded.\n")
    }

    @Test func badOptionExits64() throws {
        let result = try EsaProcess.run(["--no-such-option"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--no-such-option"))
    }

    @Test func versionOption() throws {
        let result = try EsaProcess.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "esa 1.0.0-001\n")
    }

    @Test func unwritableDataDirectoryIsAnIOError() throws {
        let result = try EsaProcess.run(["--data-dir", "/proc/esa-cannot-exist"], input: "version\n")
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("esa: The data directory /proc/esa-cannot-exist cannot be created"))
    }

    @Test func dataDirectoryDefaultsUnderXDGDataHome() throws {
        let home = try TemporaryDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_DATA_HOME"] = home.url.path
        let result = try EsaProcess.run(["-c", "version"], input: [], environment: environment)
        #expect(result.status == 0)
        #expect(FileManager.default.fileExists(atPath: home.url.appendingPathComponent("esa/config.db").path))
    }

    @Test func everyTopLevelLineIsAudited() throws {
        let data = try TemporaryDirectory()
        _ = try EsaProcess.run(
            ["--data-dir", data.url.path],
            input: "version\nbogus\n",
            environment: EsaProcess.environment(user: "auditor")
        )
        let log = try String(contentsOf: data.url.appendingPathComponent("logs/audit.log"), encoding: .utf8)
        let lines = log.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix(" user=auditor mode=script status=0 command=version"))
        #expect(lines[1].hasSuffix(" user=auditor mode=script status=4 command=bogus"))
    }

    @Test func aDamagedStoreIsRefusedAtStartAndLeftAlone() throws {
        let data = try TemporaryDirectory()
        #expect(try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"]).status == 0)
        let store = data.url.appendingPathComponent("config.db")
        let garbage = Data(String(repeating: "garbage ", count: 4000).utf8)
        try garbage.write(to: store)
        let result = try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"])
        #expect(result.status == 2)
        #expect(result.stderr == "esa: The configuration store \(store.path) is not a readable database.\n")
        #expect(try Data(contentsOf: store) == garbage)
    }
}
