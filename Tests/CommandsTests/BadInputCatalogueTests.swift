import ApplianceConfig
import Foundation
import Shell
import TestSupport
import Testing

/// Every bad input of the catalogue (BadInputCatalogue.swift) gives its one message on stderr and its
/// exit status, and leaves both the committed configuration and the session's staged changes as they were.
@Suite("Bad-input catalogue")
struct BadInputCatalogueTests {
    /// A shell whose store holds the catalogue's setup (revision 2) and whose /configuration holds its files.
    static func prepared(_ entry: BadInputEntry? = nil) throws -> TestShell {
        let shell = try TestShell()
        let folder = shell.directory.url.appendingPathComponent("configuration")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, bytes) in BadInputCatalogue.files {
            try Data(bytes).write(to: folder.appendingPathComponent(name))
        }
        for (name, target) in BadInputCatalogue.links {
            try FileManager.default.createSymbolicLink(
                atPath: folder.appendingPathComponent(name).path,
                withDestinationPath: target
            )
        }
        for name in BadInputCatalogue.fifos {
            #expect(mkfifo(folder.appendingPathComponent(name).path, 0o600) == 0)
        }
        let setup = try shell.run(entry.map(BadInputCatalogue.setupText(for:)) ?? BadInputCatalogue.setup)
        #expect(setup.status == .success, "setup failed: \(setup.errorOutput)")
        #expect(try shell.store.head().info.number == 2)
        shell.applianceUser = entry?.user
        return shell
    }

    /// The text `showchanges` printed last in a transcript.
    static func lastShowChanges(_ transcript: String) -> String? {
        transcript.components(separatedBy: "> showchanges\n").dropFirst().last
    }

    /// Runs lines as a piped script: through `TestShell` or through the built binary.
    static func run(
        _ shell: TestShell,
        _ bytes: [UInt8],
        on channel: BadInputChannel,
        continueOnError: Bool = false
    )
        throws -> (stdout: String, stderr: String, status: Int32)
    {
        switch channel {
        case .shell:
            let result = try shell.run(String(decoding: bytes, as: UTF8.self), continueOnError: continueOnError)
            return (result.output, result.errorOutput, result.status.rawValue)
        case .binary, .terminal:
            var arguments = ["--data-dir", shell.directory.url.path]
            if let user = shell.applianceUser { arguments += ["--user", user] }
            if continueOnError { arguments.append("--continue-on-error") }
            let result = try EsaProcess.run(arguments, input: bytes, environment: EsaProcess.environment(user: "admin"))
            return (result.stdout, result.stderr, result.status)
        }
    }

    static var piped: [BadInputEntry] { BadInputCatalogue.entries.filter { $0.channel != .terminal } }

    @Test("the message, the exit status, the committed and the staged configuration", arguments: piped)
    func badInput(_ entry: BadInputEntry) throws {
        let shell = try Self.prepared(entry)
        let committed = try shell.store.head()
        let prefix = Array(entry.prefix.utf8)

        // What a piped run shows: exactly one message on stderr and the status.
        let piped = try Self.run(shell, prefix + entry.input, on: entry.channel)
        #expect(piped.stderr == entry.standardError)
        #expect(piped.status == entry.status)
        let lines = (prefix + entry.input).split(separator: 0x0A, omittingEmptySubsequences: false).count - 1
        #expect(entry.line == lines, "the refused line is the last line of the input")

        // Nothing was committed.
        let after = try shell.store.head()
        #expect(after.info == committed.info)
        #expect(after.configuration == committed.configuration)

        // Nothing staged was lost or added: after a staged change, the bad input leaves the session's
        // changes exactly as they are without it.
        let staged = Array(BadInputCatalogue.staged.utf8)
        if !entry.stages {
            // This user cannot stage anything: there is no staged view to keep.
        } else if entry.endsInsideDialog {
            guard entry.channel == .shell else { return }  // the binary's session ends with the input
            let text = String(decoding: entry.input, as: UTF8.self)
            let first = String(text.prefix { $0 != "\n" })
            let answers = String(text.dropFirst(first.count + 1))
            let (session, console, _) = try shell.session(input: answers)
            let interpreter = Interpreter(session: session)
            #expect(interpreter.execute(BadInputCatalogue.staged.trimmingCharacters(in: .newlines)) == .success)
            let before = session.configuration
            #expect(interpreter.execute(first) == .ioError)
            console.flush()
            #expect(session.configuration == before)
            #expect(session.configuration.hostname == "staged.example.com")
        } else {
            let showChanges = Array("showchanges\n".utf8)
            let with = try Self.run(
                shell,
                staged + prefix + entry.input + showChanges,
                on: entry.channel,
                continueOnError: true
            )
            let without = try Self.run(shell, staged + prefix + showChanges, on: entry.channel)
            #expect(with.status == entry.status)
            let expected = try #require(Self.lastShowChanges(without.stdout))
            #expect(expected.contains("staged.example.com"))
            #expect(Self.lastShowChanges(with.stdout) == expected)
        }
        let end = try shell.store.head()
        #expect(end.info == committed.info)
        #expect(end.configuration == committed.configuration)
    }

    @Test("the catalogue has at least 40 distinct entries, numbered in order")
    func catalogueShape() {
        let entries = BadInputCatalogue.entries
        #expect(entries.count >= 40)
        #expect(entries.map(\.id) == Array(1...entries.count))
        #expect(Set(entries.map { $0.prefix.utf8 + $0.input }).count == entries.count)
        #expect(Set(entries.map { $0.command + ": " + $0.badInput }).count == entries.count)
    }

    /// Docs/Errors.md, found from this file's path.
    static var errorsPage: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Docs/Errors.md")
    }

    @Test("the table of Docs/Errors.md is the catalogue")
    func documentation() throws {
        let page = try String(contentsOf: Self.errorsPage, encoding: .utf8)
        let table = page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { $0.hasPrefix("| ") || $0.hasPrefix("|---") }
        let expected = BadInputCatalogue.tableHeader + BadInputCatalogue.entries.map(BadInputCatalogue.row)
        #expect(table.count == expected.count)
        for (line, wanted) in zip(table, expected) {
            #expect(line == wanted)
        }
    }
}
