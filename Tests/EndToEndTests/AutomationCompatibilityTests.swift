import Foundation
import TestSupport
import Testing

/// What vendor automation over SSH depends on (ssh.md §4), on a real pseudo-terminal.
@Suite("Automation compatibility")
struct AutomationCompatibilityTests {
    static let prompt = "ironport.example.com> "

    @Test("the prompt after Changes committed arrives as a separate, later write")
    func pauseAfterCommit() throws {
        let (terminal, _) = try InteractiveTerminalTests.start(dataDirectory: InteractiveTerminalTests.dataDirectory())
        terminal.send("sethostname mail.example.com\r")
        try terminal.expect(Self.prompt)
        terminal.send("commit\r")
        try terminal.expect("Please enter some comments describing your changes:")
        terminal.send("renamed\r")
        try terminal.expect("[Y]> ")
        terminal.send("n\r")
        try terminal.expect("Changes committed: ")
        try terminal.expect("\r\n")
        let lineSeen = ContinuousClock.now
        let gap = try terminal.expect("mail.example.com> ")
        let waited = ContinuousClock.now - lineSeen
        #expect(waited >= .milliseconds(150), "the prompt came \(waited) after the committed line")
        #expect(gap.trimmingCharacters(in: .whitespacesAndNewlines) == "mail.example.com>", "\(gap)")
        terminal.send("exit\r")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test("setttymode 0 1 is accepted silently and turns the pager off; help does not list it")
    func setttymode() throws {
        let (terminal, _) = try InteractiveTerminalTests.start(
            dataDirectory: InteractiveTerminalTests.dataDirectory(),
            rows: 8
        )
        terminal.send("setttymode 0 1\r")
        let answer = try terminal.expect(Self.prompt)
        #expect(answer == "setttymode 0 1\r\n" + Self.prompt, "\(answer)")
        terminal.send("help\r")
        let help = try terminal.expect(Self.prompt)
        #expect(!help.contains("-Press Any Key For More-"))
        #expect(help.contains("sethostname"))
        #expect(!help.contains("setttymode"))
        terminal.send("exit\r")
        #expect(try terminal.waitForExit() == 0)
    }
}
