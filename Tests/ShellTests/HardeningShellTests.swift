import Foundation
import Shell
import TestSupport
import Testing

/// The escaping function, the audit log's escaping and run limit, and typed control characters.
@Suite struct HardeningShellTests {
    @Test func controlCharactersAreEscapedAndOtherTextIsKept() {
        #expect(TerminalSafe.escaped("plain text, ümlaut, 漢字") == "plain text, ümlaut, 漢字")
        #expect(TerminalSafe.escaped("a\u{1b}[2Jb\u{7}\r\n\t\u{7f}") == "a\\x1b[2Jb\\x07\\x0d\\x0a\\x09\\x7f")
        #expect(TerminalSafe.escaped("\u{9b}\u{202e}\u{2028}") == "\\u{9b}\\u{202e}\\u{2028}")
        #expect(TerminalSafe.escapedLines("one\u{1b}\ntwo\r\n") == "one\\x1b\ntwo\\x0d\n")
    }

    @Test func typedLinesWithControlCharactersAreRefusedButTabsPass() {
        #expect(LineDecoder.decode(Array("commit \"a\u{1b}b\"".utf8)) == .invalid(.controlCharacter))
        #expect(LineDecoder.decode(Array("a\rb".utf8)) == .invalid(.controlCharacter))
        #expect(LineDecoder.decode(Array("a\tb".utf8)) == .line("a\tb"))
    }

    @Test func theAuditLogEscapesEachLineAndStopsAtTheRunLimit() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(url: folder.url)
        try directory.prepare()
        let log = try #require(directory.openAuditLog(limit: 400))
        let date = Date(timeIntervalSince1970: 1_790_067_600)
        log.record(date: date, user: "eve\nuser=root", mode: .script, status: .success, line: "commit \"a\rforged\"")
        for index in 0..<20 {
            log.record(date: date, user: "admin", mode: .script, status: .success, line: "version \(index)")
        }
        let text = try folder.readText("logs/audit.log")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(
            lines.first?.hasSuffix(" user=eve\\x0auser=root mode=script status=0 command=commit \"a\\x0dforged\"")
                == true
        )
        #expect(text.utf8.count <= 400 + 200)
        #expect(
            lines.last?.hasSuffix(
                "audit limit of 400 bytes for this run reached; later commands of this run are not recorded"
            ) == true
        )
        #expect(lines.count < 10)
    }

    @Test func aPastedPrivateKeyIsEchoedAsItsLineCount() {
        let box = Box()
        let input =
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
            + "-----BEGIN ENCRYPTED PRIVATE KEY-----\nSECRET1\nSECRET2\n-----END ENCRYPTED PRIVATE KEY-----\n.\n"
        let console = StreamConsole(source: MemorySource(input), output: { box.out += $0 }, errorOutput: { _ in })
        for _ in 0..<8 { _ = console.read(prompt: "", kind: .paste, completer: .none) }
        console.flush()
        #expect(
            box.out
                == "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n[private key: 4 lines]\n.\n"
        )
    }

    @Test func aFailedWriteIsRecordedNotATrap() {
        let console = StreamConsole(
            source: MemorySource(""),
            output: { _ throws(ShellError) in throw ShellError.io(FileOutput.reason(ENOSPC)) },
            errorOutput: { _ in }
        )
        console.write("hello\n")
        console.flush()
        #expect(console.outputFailure == ShellError.io("no space left on the device"))
    }

    private final class Box: @unchecked Sendable {
        var out = ""
    }
}
