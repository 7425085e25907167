import Foundation
import TestSupport
import Testing

/// The built `esa` on a real pseudo-terminal: libedit line editing, history, Tab, Ctrl-C, Ctrl-D.
@Suite("Interactive terminal")
struct InteractiveTerminalTests {
    static let prompt = "ironport.example.com> "
    static let up = "\u{1B}[A"
    static let ctrlC = "\u{3}"
    static let ctrlD = "\u{4}"

    /// A new, empty data directory.
    static func dataDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("esa-pty-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.path
    }

    /// Starts `esa --data-dir <directory>` on a pseudo-terminal and waits for its first prompt.
    static func start(dataDirectory: String, rows: UInt16 = 24) throws -> (terminal: PseudoTerminal, banner: String) {
        let binary = try #require(EsaBinary.url, "the esa executable is not built next to the tests")
        let terminal = try PseudoTerminal(
            executable: binary.path,
            arguments: ["--data-dir", dataDirectory],
            rows: rows
        )
        let banner = try terminal.expect(prompt, timeout: .seconds(30))
        return (terminal, banner)
    }

    @Test("banner and prompt, Up recalls the last command, Tab completes, Ctrl-D exits with 0")
    func editing() throws {
        let (terminal, banner) = try Self.start(dataDirectory: Self.dataDirectory())
        #expect(banner.contains("Welcome to the esa Email Security Appliance Shell"))
        #expect(banner.contains("NOTE: This session will expire if left idle for 30 minutes."))
        #expect(banner.contains("\r\n"), "terminal output ends lines in CR LF")

        terminal.send("version\r")
        try terminal.expect("Current Version")
        try terminal.expect(Self.prompt)

        // Up-arrow redraws the previous line; Enter runs it again.
        terminal.send(Self.up)
        try terminal.expect("version")
        terminal.send("\r")
        try terminal.expect("Current Version")
        try terminal.expect(Self.prompt)

        // Tab completes `hel` to `help ` (libedit draws only the new characters); `help version` is short.
        terminal.send("hel\t")
        try terminal.expect("hel")
        try terminal.expect("p ")
        terminal.send("version\r")
        try terminal.expect("View system version information.")
        try terminal.expect(Self.prompt)

        terminal.send(Self.ctrlD)
        #expect(try terminal.waitForExit() == 0)
    }

    @Test("Ctrl-C at a question abandons the command and returns to the top prompt")
    func interruptDialog() throws {
        let (terminal, _) = try Self.start(dataDirectory: Self.dataDirectory())
        terminal.send("sethostname mail.example.com\r")
        try terminal.expect(Self.prompt)
        terminal.send("commit\r")
        try terminal.expect("[]> ")
        terminal.send("half a comment" + Self.ctrlC)
        let after = try terminal.expect(Self.prompt)
        #expect(!after.contains("Changes committed"))

        // The staged host name is still pending: Ctrl-D asks before discarding it.
        terminal.send(Self.ctrlD)
        try terminal.expect("? [N]> ")
        terminal.send("y\r")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test("history is kept across sessions")
    func historyAcrossSessions() throws {
        let directory = try Self.dataDirectory()
        do {
            let (first, _) = try Self.start(dataDirectory: directory)
            first.send("version\r")
            try first.expect("Current Version")
            try first.expect(Self.prompt)
            first.send(Self.ctrlD)
            #expect(try first.waitForExit() == 0)
        }
        let (second, _) = try Self.start(dataDirectory: directory)
        second.send(Self.up)
        try second.expect("version")
        second.send("\r")
        try second.expect("Current Version")
        try second.expect(Self.prompt)
        second.send(Self.ctrlD)
        #expect(try second.waitForExit() == 0)
    }

    /// ssh.md §3: a passphrase on a batch command line is masked in the history and its file.
    @Test("a batch passphrase never reaches the history")
    func batchPassphraseIsMaskedInTheHistory() throws {
        let directory = try Self.dataDirectory()
        let (terminal, _) = try Self.start(dataDirectory: directory)
        terminal.send("userconfig add carol \"Carol Example\" readonly Tide-4-Lantern\r")
        try terminal.expect(Self.prompt)
        terminal.send("history\r")
        let shown = try terminal.expect(Self.prompt)
        #expect(shown.contains("userconfig add carol \"Carol Example\" readonly *****"), "\(shown)")
        #expect(!shown.contains("Tide-4-Lantern"))
        terminal.send("clearchanges\r")
        try terminal.expect("? [Y]> ")
        terminal.send("y\r")
        try terminal.expect(Self.prompt)
        terminal.send(Self.ctrlD)
        #expect(try terminal.waitForExit() == 0)
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasPrefix("history-") }
        )
        let file = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        #expect(file.contains("carol"))
        #expect(!file.contains("Tide-4-Lantern"))
    }

    @Test("the pager stops a long output at rows - 1 lines; a key continues, q stops")
    func pager() throws {
        let (terminal, _) = try Self.start(dataDirectory: Self.dataDirectory(), rows: 8)
        terminal.send("help\r")
        try terminal.expect("-Press Any Key For More-")
        terminal.send(" ")
        try terminal.expect("\r" + String(repeating: " ", count: 25) + "\r")
        try terminal.expect("-Press Any Key For More-")
        terminal.send("q")
        try terminal.expect("\r" + String(repeating: " ", count: 25) + "\r")
        let rest = try terminal.expect(Self.prompt)
        #expect(!rest.contains("-Press Any Key For More-"))
        terminal.send(Self.ctrlD)
        #expect(try terminal.waitForExit() == 0)
    }
}
