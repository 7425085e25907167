import Foundation
import MailLog
import TestSupport
import Testing

@Suite struct MailLogPipelineTests {
    static let clock: @Sendable () -> LogTime = {
        LogTime(year: 2026, month: 11, day: 30, hour: 9, minute: 0, second: 0)
    }

    final class Setup {
        let directory: TemporaryDirectory
        var postfixLog: String { directory.url.appendingPathComponent("gateway/log/maillog").path }
        var statePath: String { directory.url.appendingPathComponent("gateway/maillog.state").path }
        var logFolder: String { directory.url.appendingPathComponent("logs/mail_logs").path }
        var mailCurrent: String { logFolder + "/mail.current" }

        init() throws {
            directory = try TemporaryDirectory()
            try FileManager.default.createDirectory(
                at: directory.url.appendingPathComponent("gateway/log"),
                withIntermediateDirectories: true
            )
            _ = FileManager.default.createFile(atPath: postfixLog, contents: Data())
        }

        func append(_ text: String) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: postfixLog))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        }

        func pipeline(maximumBytes: Int = 1 << 20) throws -> MailLogPipeline {
            let writer = try MailLogWriter(
                folder: logFolder,
                name: "mail",
                version: "1.0.0-001",
                serial: "42A1B2C3D4E5F60718293A4B5C6D7E8F",
                maximumBytes: maximumBytes,
                keep: 2,
                now: MailLogPipelineTests.clock
            )
            return try MailLogPipeline(
                postfixLog: postfixLog,
                statePath: statePath,
                writer: writer,
                settings: Fixtures.settings(),
                now: MailLogPipelineTests.clock
            )
        }

        func mailLog() throws -> String { try String(contentsOfFile: mailCurrent, encoding: .utf8) }
    }

    static func connection(_ pid: Int, _ address: String, second: Int) -> String {
        let time = "Nov 30 09:00:\(second < 10 ? "0" : "")\(second)"
        return """
            \(time) gw esa/IncomingMail/smtpd[\(pid)]: connect from unknown[\(address)]
            \(time) gw esa/IncomingMail/smtpd[\(pid)]: disconnect from unknown[\(address)] ehlo=1 quit=1 commands=2

            """
    }

    @Test func aRestartedPipelineGoesOnCountingAndNeitherRepeatsNorSkipsALine() throws {
        let setup = try Setup()
        try setup.append(Self.connection(1, "127.0.0.50", second: 1))
        // A line Postfix has not finished writing yet.
        try setup.append("Nov 30 09:00:02 gw esa/IncomingMail/smtpd[2]: connect from unkn")
        do {
            let pipeline = try setup.pipeline()
            try pipeline.catchUp()
            #expect(pipeline.state.lastICID == 1)
        }
        try setup.append("own[127.0.0.51]\n")
        try setup.append(Self.connection(3, "127.0.0.52", second: 3))
        let restarted = try setup.pipeline()
        try restarted.catchUp()
        try restarted.catchUp()
        let expected = """
            Mon Nov 30 09:00:00 2026 Info: Begin Logfile
            Mon Nov 30 09:00:00 2026 Info: Version: 1.0.0-001 SN: 42A1B2C3D4E5F60718293A4B5C6D7E8F
            Mon Nov 30 09:00:01 2026 Info: New SMTP ICID 1 interface Management (127.0.0.1) address 127.0.0.50 reverse dns host unknown verified no
            Mon Nov 30 09:00:01 2026 Info: ICID 1 ACCEPT SG None match ALL SBRS None
            Mon Nov 30 09:00:01 2026 Info: ICID 1 close
            Mon Nov 30 09:00:02 2026 Info: New SMTP ICID 2 interface Management (127.0.0.1) address 127.0.0.51 reverse dns host unknown verified no
            Mon Nov 30 09:00:02 2026 Info: ICID 2 ACCEPT SG None match ALL SBRS None
            Mon Nov 30 09:00:03 2026 Info: New SMTP ICID 3 interface Management (127.0.0.1) address 127.0.0.52 reverse dns host unknown verified no
            Mon Nov 30 09:00:03 2026 Info: ICID 3 ACCEPT SG None match ALL SBRS None
            Mon Nov 30 09:00:03 2026 Info: ICID 3 close

            """
        #expect(Transcript.difference(expected: expected, actual: try setup.mailLog()) == nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: setup.statePath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func aRotatedPostfixLogIsReadFromItsBeginning() throws {
        let setup = try Setup()
        try setup.append(Self.connection(1, "127.0.0.60", second: 1))
        let pipeline = try setup.pipeline()
        try pipeline.catchUp()
        try FileManager.default.moveItem(atPath: setup.postfixLog, toPath: setup.postfixLog + ".0")
        _ = FileManager.default.createFile(
            atPath: setup.postfixLog,
            contents: Data(Self.connection(2, "127.0.0.61", second: 2).utf8)
        )
        try pipeline.catchUp()
        #expect(pipeline.state.lastICID == 2)
        #expect(try setup.mailLog().contains("ICID 2 close"))
    }

    @Test func theMailLogRotatesPastItsSizeAndKeepsTheNewestFiles() throws {
        let setup = try Setup()
        let pipeline = try setup.pipeline(maximumBytes: 600)
        for round in 1...8 {
            try setup.append(Self.connection(round, "127.0.0.\(round)", second: round))
            try pipeline.catchUp()
        }
        let rotated = pipeline.writer.rotatedFiles()
        #expect(rotated.count == 2)
        #expect(rotated.allSatisfy { $0.hasPrefix("mail.@20261130T090000") && $0.hasSuffix(".s") })
        let current = try setup.mailLog()
        #expect(current.hasPrefix("Mon Nov 30 09:00:00 2026 Info: Begin Logfile\n"))
        #expect(current.contains("ICID 8 close"))
        let last = try String(contentsOfFile: setup.logFolder + "/" + rotated[1], encoding: .utf8)
        #expect(last.hasSuffix("Mon Nov 30 09:00:00 2026 Info: End Logfile\n"))
    }

    @Test func controlCharactersNeverReachTheMailLog() throws {
        let setup = try Setup()
        let writer = try MailLogWriter(
            folder: setup.logFolder,
            name: "mail",
            version: "v",
            serial: "S",
            now: Self.clock
        )
        writer.write("Mon Nov 30 09:00:00 2026 Info: MID 1 Subject 'a\u{1b}[31mred\u{7}'")
        writer.flush()
        #expect(try setup.mailLog().hasSuffix("Info: MID 1 Subject 'a?[31mred?'\n"))
    }

    @Test func aDamagedStateFileIsReportedNamingIt() throws {
        let setup = try Setup()
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: setup.statePath).deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: setup.statePath))
        #expect(throws: MailLogError("\(setup.statePath) is damaged: it is not the mail log state esa writes.")) {
            _ = try setup.pipeline()
        }
    }
}
