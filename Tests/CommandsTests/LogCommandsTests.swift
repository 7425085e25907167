import Foundation
import Shell
import TestSupport
import Testing

@Suite struct LogCommandsTests {
    static let mailLog = """
        Mon Nov 30 09:00:00 2026 Info: Begin Logfile
        Mon Nov 30 09:00:00 2026 Info: Version: 1.0.0-001 SN: 42A1B2C3D4E5F60718293A4B5C6D7E8F
        Mon Nov 30 09:00:01 2026 Info: New SMTP ICID 1 interface Management (127.0.0.1) address 127.0.0.10 reverse dns host unknown verified no
        Mon Nov 30 09:00:01 2026 Info: ICID 1 ACCEPT SG None match ALL SBRS None
        Mon Nov 30 09:00:01 2026 Info: ICID 1 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384
        Mon Nov 30 09:00:01 2026 Info: Start MID 1 ICID 1
        Mon Nov 30 09:00:01 2026 Info: MID 1 Subject 'evil \u{1b}[2J'
        Mon Nov 30 09:00:01 2026 Info: ICID 1 close
        Mon Nov 30 09:10:01 2026 Info: New SMTP DCID 1 interface 127.0.0.1 address 127.0.0.3 port 25
        Mon Nov 30 09:10:01 2026 Info: DCID 1 STARTTLS command not supported.
        Mon Nov 30 09:10:01 2026 Info: DCID 1 IP 127.0.0.3 TLS was required but could not be successfully negotiated
        Mon Nov 30 09:10:01 2026 Info: Delayed: DCID 1 MID 1 to RID [0] - 4.0.0 - TLS required but not available
        Mon Nov 30 09:10:01 2026 Info: DCID 1 close

        """

    static func shellWithMailLog() throws -> TestShell {
        let shell = try TestShell()
        let folder = shell.directory.url.appendingPathComponent("logs/mail_logs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(mailLog.utf8).write(to: folder.appendingPathComponent("mail.current"))
        return shell
    }

    @Test func tailInAScriptPrintsTheLastLinesAndReturns() throws {
        let shell = try Self.shellWithMailLog()
        var lines = ""
        for index in 1...25 { lines += "line \(index)\n" }
        try Data(lines.utf8).write(to: shell.directory.url.appendingPathComponent("logs/audit.log"))
        let result = try shell.run("tail\n3\ntail mail_logs\n")
        var expected = """
            ironport.example.com> tail

            Currently configured logs:
            1. "mail_logs" Type: "Text Mail Logs"
            2. "system_logs" Type: "Text System Logs"
            3. "cli_logs" Type: "CLI Audit Logs"
            [1]> 3

            Press Ctrl-C to stop.

            """
        for index in 6...25 { expected += "line \(index)\n" }
        expected += "ironport.example.com> tail mail_logs\n\nPress Ctrl-C to stop.\n"
        expected += Self.mailLog.replacingOccurrences(of: "\u{1b}", with: "\\x1b")
        expected += "ironport.example.com> "
        expectTranscript(result.output, expected)
        #expect(result.status == .success)
    }

    @Test func tailOfAnUnknownOrUnwrittenLogSaysWhy() throws {
        let shell = try TestShell()
        let unknown = try shell.exec("tail maillogs")
        #expect(
            unknown.errorOutput == "line 1: Unable to tail maillogs: no such log (mail_logs, system_logs, cli_logs).\n"
        )
        #expect(unknown.status == .actionFailed)
        let missing = try shell.exec("tail mail_logs")
        #expect(
            missing.errorOutput
                == "line 1: Unable to tail mail_logs: the mail gateway has not written it yet (start it with \"esa serve\").\n"
        )
    }

    @Test func grepBatchFormsPrintMatchingLinesCountsAndContext() throws {
        let shell = try Self.shellWithMailLog()
        let result = try shell.run(
            """
            grep -e "TLS (success|was required)" mail_logs
            grep -i "dcid 1 close" mail_logs
            grep -e "ICID 1" -c mail_logs
            grep -e "STARTTLS command" -C 1 mail_logs
            grep -e nothing-like-this mail_logs

            """
        )
        expectTranscript(
            result.output,
            """
            ironport.example.com> grep -e "TLS (success|was required)" mail_logs
            Mon Nov 30 09:00:01 2026 Info: ICID 1 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384
            Mon Nov 30 09:10:01 2026 Info: DCID 1 IP 127.0.0.3 TLS was required but could not be successfully negotiated
            ironport.example.com> grep -i "dcid 1 close" mail_logs
            Mon Nov 30 09:10:01 2026 Info: DCID 1 close
            ironport.example.com> grep -e "ICID 1" -c mail_logs
            5
            ironport.example.com> grep -e "STARTTLS command" -C 1 mail_logs
            Mon Nov 30 09:10:01 2026 Info: New SMTP DCID 1 interface 127.0.0.1 address 127.0.0.3 port 25
            Mon Nov 30 09:10:01 2026 Info: DCID 1 STARTTLS command not supported.
            Mon Nov 30 09:10:01 2026 Info: DCID 1 IP 127.0.0.3 TLS was required but could not be successfully negotiated
            ironport.example.com> grep -e nothing-like-this mail_logs
            No results were found
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
    }

    @Test func grepInteractiveDialogAsksInTheAppliancesOrder() throws {
        let shell = try Self.shellWithMailLog()
        let result = try shell.run("grep\n1\nmid 1 subject\ny\nn\nn\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> grep

            Currently configured logs:
            1. "mail_logs" Type: "Text Mail Logs"
            2. "system_logs" Type: "Text System Logs"
            3. "cli_logs" Type: "CLI Audit Logs"
            [1]> 1

            Enter the regular expression to grep.
            []> mid 1 subject

            Do you want this search to be case insensitive? [Y]> y

            Do you want to tail the logs? [N]> n

            Do you want to paginate the output? [N]> n

            Mon Nov 30 09:00:01 2026 Info: MID 1 Subject 'evil \\x1b[2J'
            ironport.example.com> 
            """
        )
    }

    @Test func grepRefusesABadRegularExpressionOrLogInOneLine() throws {
        let shell = try Self.shellWithMailLog()
        let bad = try shell.exec("grep -e \"(unclosed\" mail_logs")
        #expect(
            bad.errorOutput == "line 1: Unable to grep mail_logs: \"(unclosed\" is not a valid regular expression.\n"
        )
        #expect(bad.status == .actionFailed)
        let log = try shell.exec("grep -e x nolog")
        #expect(log.errorOutput == "line 1: Unable to grep nolog: no such log (mail_logs, system_logs, cli_logs).\n")
        let missing = try shell.exec("grep -i")
        #expect(
            missing.errorOutput
                == "line 1: Usage: grep -e {regexp} [-c] [-C {n}] [-i] [-t] {log} | grep [-i] \"{regexp}\" {log}\nMissing {regexp}.\n"
        )
    }
}
