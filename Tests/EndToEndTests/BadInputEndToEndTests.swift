import Foundation
import TestSupport
import Testing

/// The terminal entries of the bad-input catalogue (#9 and #10 in Docs/Errors.md): Ctrl-C in the middle of a
/// dialog on a real pseudo-terminal abandons the command without a message, keeps what was staged before
/// it and commits nothing. (The piped and binary entries run in Tests/CommandsTests/BadInputCatalogueTests.)
@Suite("Bad input on a terminal")
struct BadInputEndToEndTests {
    static let prompt = "ironport.example.com> "
    static let ctrlC = "\u{3}"

    /// A data directory with one commit, and the committed state seen from outside: the history and the
    /// configuration file (passphrases masked).
    static func prepared() throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("esa-badinput-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let setup = try EsaProcess.run(
            [
                "--data-dir", directory.path, "-c",
                "interfaceconfig new Data1 10.0.0.5/24 data1.example.com; commit \"setup\"",
            ]
        )
        #expect(setup.status == 0, "setup failed: \(setup.stderr)")
        return directory.path
    }

    static func committedState(_ directory: String) throws -> String {
        let state = try EsaProcess.run(["--data-dir", directory, "-c", "commithistory; showconfig 1"])
        #expect(state.status == 0)
        // The file header names the time it was made; everything else is the committed state.
        return state.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("Current Time:") }.joined(separator: "\n")
    }

    /// Types `keys` after staging a host name, presses Ctrl-C, and checks the prompt comes back with only the
    /// host name staged; then leaves without committing and checks nothing was committed.
    /// With `asSignal`, the Ctrl-C reaches the shell as a SIGINT delivered while it waits for the next key,
    /// as when the key was pressed just before the terminal left line mode and the signal came late.
    /// `unread`: a line typed while the shell is stopped, followed by a SIGINT, so that the shell finds
    /// both when it goes on: the line typed before the interrupt must not run at the next prompt.
    static func interrupt(
        after steps: [(send: String, expect: String)],
        asSignal: Bool = false,
        unread: String? = nil
    ) throws {
        let directory = try prepared()
        let before = try committedState(directory)
        let binary = try #require(EsaBinary.url, "the esa executable is not built next to the tests")
        let terminal = try PseudoTerminal(executable: binary.path, arguments: ["--data-dir", directory])
        try terminal.expect(prompt, timeout: .seconds(30))
        terminal.send("sethostname staged.example.com\r")
        try terminal.expect(prompt)
        for step in steps {
            terminal.send(step.send)
            try terminal.expect(step.expect)
        }
        if let unread {
            try terminal.stop()
            terminal.send(unread)
            try terminal.waitForUnreadInput(atLeast: unread.utf8.count)
            #expect(kill(terminal.pid, SIGINT) == 0)
            terminal.resume()
        } else if asSignal {
            #expect(kill(terminal.pid, SIGINT) == 0)
        } else {
            terminal.send(ctrlC)
        }
        let after = try terminal.expect(prompt)
        #expect(!after.contains("line "), "no error message: \(after)")

        terminal.send("showchanges\r")
        let changes = try terminal.expect(prompt)
        #expect(changes.contains("staged.example.com"), "the earlier change is still staged: \(changes)")
        let changeLines = changes.split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.isEmpty && $0 != "showchanges" && !$0.hasSuffix(prompt) }
        #expect(
            changeLines == ["sethostname: system hostname: ironport.example.com -> staged.example.com"],
            "only the host name is staged: \(changes)"
        )

        terminal.send("clearchanges\r")
        try terminal.expect("[Y]> ")
        terminal.send("y\r")
        try terminal.expect(prompt)
        terminal.send("exit\r")
        #expect(try terminal.waitForExit() == 0)
        #expect(try committedState(directory) == before)
    }

    @Test("#9 commit: Ctrl-C while typing the comment")
    func interruptCommitComment() throws {
        try Self.interrupt(after: [("commit\r", "[]> "), ("half a comment", "half a comment")])
    }

    /// certconfig's PASTE, up to the question for the certificate's lines.
    static let toPaste: [(send: String, expect: String)] = [
        ("certconfig\r", "[]> "),
        ("certificate\r", "[]> "),
        ("paste\r", "> "),
        ("p2\r", "(end with '.'):"),
    ]
    static let firstPastedLine = ("-----BEGIN CERTIFICATE-----\r", "-----BEGIN CERTIFICATE-----")

    @Test("#10 certconfig: Ctrl-C in the middle of a PASTE")
    func interruptPaste() throws {
        try Self.interrupt(after: Self.toPaste + [Self.firstPastedLine])
    }

    @Test("#10 certconfig: a late SIGINT while a PASTE line is awaited ends the paste like Ctrl-C")
    func interruptPasteBySignal() throws {
        try Self.interrupt(after: Self.toPaste + [Self.firstPastedLine], asSignal: true)
    }

    /// The Ctrl-C key makes the terminal drop what was typed before it; a SIGINT from elsewhere (`kill`,
    /// a supervisor) does not, so the shell drops it: the line typed before the interrupt does not run
    /// as a command at the prompt.
    @Test("#10 certconfig: a SIGINT with a typed line still unread drops the line, as the Ctrl-C key does")
    func interruptWithAnUnreadLine() throws {
        try Self.interrupt(after: Self.toPaste, unread: "-----BEGIN CERTIFICATE-----\r")
    }

    @Test("#9 commit: a SIGINT with a typed comment still unread drops it")
    func interruptCommitWithAnUnreadLine() throws {
        try Self.interrupt(after: [("commit\r", "[]> ")], unread: "half a comment\r")
    }
}
