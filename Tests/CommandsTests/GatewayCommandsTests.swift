import Commands
import Foundation
import Gateway
import MailLog
import Shell
import TestSupport
import Testing

/// `status`, `resetcounters`, `delivernow`, `hoststatus` against a fake gateway (gateway-commands.md).
@Suite struct GatewayCommandsTests {
    /// The mail log's state with some counters, and `esa serve`'s start mark one hour earlier.
    static func writeCounters(_ shell: TestShell) throws {
        let data = shell.directory.url.path
        try FileManager.default.createDirectory(atPath: data + "/logs/mail_logs", withIntermediateDirectories: true)
        var state = MailLogState()
        state.lastMID = 1234
        state.lastICID = 56
        state.lastDCID = 7
        state.counters.messagesReceived = 1200
        state.counters.recipientsReceived = 1300
        state.counters.softBouncedEvents = 3
        state.counters.deliveredRecipients = 1250
        state.counters.hardBouncedRecipients = 4
        state.counters.fiveXXHardBounces = 4
        state.counters.completedRecipients = 1254
        try MailLogStateFile.save(state, to: CounterMark.statePath(dataDirectory: data))
        var start = state.counters
        start.messagesReceived = 1000
        start.recipientsReceived = 1000
        start.deliveredRecipients = 1000
        start.completedRecipients = 1000
        let mark = CounterMark(date: TestClock.start.addingTimeInterval(-3600).timeIntervalSince1970, counters: start)
        try JSONEncoder().encode(mark).write(to: URL(fileURLWithPath: CounterMark.startPath(dataDirectory: data)))
        // Events of the last quarter of an hour (the clock stands at 09:00:00) and one before it.
        let log = """
            Tue Sep 22 08:00:00 2026 Info: Start MID 1 ICID 1
            Tue Sep 22 08:50:00 2026 Info: Message done DCID 1 MID 1 to RID [0, 1]
            Tue Sep 22 08:59:30 2026 Info: Start MID 2 ICID 2
            Tue Sep 22 08:59:31 2026 Info: Start MID 3 ICID 0

            """
        try Data(log.utf8).write(to: URL(fileURLWithPath: data + "/logs/mail_logs/mail.current"))
    }

    static let deferred = QueuedMessage(
        queueName: "deferred",
        queueID: "4XyZ1",
        arrivalTime: TestClock.start.addingTimeInterval(-93_784).timeIntervalSince1970,
        messageSize: 3000,
        sender: "a@sender.test",
        recipients: [.init(address: "b@example.com", delayReason: "TLS is required, but was not offered")]
    )
    static let active = QueuedMessage(
        queueName: "active",
        queueID: "4XyZ2",
        arrivalTime: TestClock.start.addingTimeInterval(-5).timeIntervalSince1970,
        messageSize: 2000,
        sender: "a@sender.test",
        recipients: [.init(address: "c@other.test"), .init(address: "d@mail.example.com")]
    )

    static let head = """
        Status as of:                  Tue Sep 22 09:00:00 2026 UTC
        Up since:                      Tue Sep 22 08:00:00 2026 UTC (0d 1h 0m 0s)
        Last counter reset:            Never
        System status:                 Online
        Oldest Message:                1d 2h 3m 4s
        """

    static let gatewayBlock = """
        Gateway:
          Configuration revision 2 applied Tue Sep 22 08:00:10 2026 UTC
          Listener IncomingMail on 127.0.0.1:25: listening
          Listener Outgoing on 192.168.42.42:25: could not bind: Cannot assign requested address
        """

    @Test func statusShowsTheHeadBlockMainCountersGaugesAndTheAppliedRevision() throws {
        let fake = FakeGateway.running(queue: [Self.deferred, Self.active])
        let shell = try fake.shell()
        try Self.writeCounters(shell)
        let result = try shell.run("status\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> status

            \(Self.head)

            Counters:                                    Reset      Uptime    Lifetime
              Receiving
                Messages Received                        1,200         200       1,200
                Recipients Received                      1,300         300       1,300
              Rejection
                Rejected Recipients                          0           0           0
                Dropped Messages                             0           0           0
              Queue
                Soft Bounced Events                          3           0           3
              Completion
                Completed Recipients                     1,254         254       1,254
              Current IDs
                Message ID (MID)            1,234
                Injection Conn. ID (ICID)   56
                Delivery Conn. ID (DCID)    7

            Gauges:                                    Current
              System
                RAM Utilization                            16%
                Overall CPU load average                    3%
              Resources
                Logging Disk Usage                         43%
                Logging Disk Available                    105G
              Connections
                Current Inbound Conn.                        1
                Current Outbound Conn.                       2
              Queue
                Active Recipients                            3
                Messages In Work Queue                       1
                Kilobytes Used                               5
                Kilobytes Free                      71,303,168

            \(Self.gatewayBlock)
            ironport.example.com> 
            """
        )
        #expect(result.status == .success)
    }

    @Test func statusDetailAddsBouncesRatesOfTheLastQuarterHourAndQueueGauges() throws {
        let fake = FakeGateway.running(queue: [Self.deferred, Self.active])
        let shell = try fake.shell()
        try Self.writeCounters(shell)
        let result = try shell.exec("status detail")
        expectTranscript(
            result.output,
            """
            ironport.example.com> status detail

            \(Self.head)

            Counters:                                    Reset      Uptime    Lifetime
              Receiving
                Messages Received                        1,200         200       1,200
                Recipients Received                      1,300         300       1,300
              Bounce
                Gen. Bounce Recipients                       0           0           0
              Rejection
                Rejected Recipients                          0           0           0
                Dropped Messages                             0           0           0
              Queue
                Soft Bounced Events                          3           0           3
              Completion
                Completed Recipients                     1,254         254       1,254
                  Hard Bounced Recipients                    4           0           4
                    DNS Hard Bounces                         0           0           0
                    5XX Hard Bounces                         4           0           4
                    Expired Hard Bounces                     0           0           0
                    Filter Hard Bounces                      0           0           0
                    Other Hard Bounces                       0           0           0
                  Delivered Recipients                   1,250         250       1,250
                  Deleted Recipients                         0           0           0
              Current IDs
                Message ID (MID)            1,234
                Injection Conn. ID (ICID)   56
                Delivery Conn. ID (DCID)    7

            Rates (Events Per Hour):                  1-Minute   5-Minutes  15-Minutes
              Receiving
                Messages Received                           60          12           4
                Recipients Received                          0           0           0
              Queue
                Soft Bounced Events                          0           0           0
              Completion
                Completed Recipients                         0           0           8
                  Hard Bounced Recipients                    0           0           0
                  Delivered Recipients                       0           0           8

            Gauges:                                    Current
              System
                RAM Utilization                            16%
                Overall CPU load average                    3%
                Disk I/O Utilization                        1%
              Resources
                Logging Disk Usage                         43%
                Logging Disk Available                    105G
              Connections
                Current Inbound Conn.                        1
                Current Outbound Conn.                       2
              Queue
                Active Recipients                            3
                Unattempted Recipients                       2
                Attempted Recipients                         1
                Messages In Work Queue                       1
                Destinations In Memory                       3
                Kilobytes Used                               5
                Kilobytes Free                      71,303,168

            \(Self.gatewayBlock)

            """
        )
        #expect(result.status == .success)
    }

    @Test func resetCountersStartsTheResetColumnAgain() throws {
        let fake = FakeGateway.running()
        let shell = try fake.shell()
        try Self.writeCounters(shell)
        let reset = try shell.exec("resetcounters")
        #expect(reset.output == "ironport.example.com> resetcounters\n\nCounters reset.\n")
        shell.clock.advance(seconds: 60)
        let status = try shell.exec("status")
        #expect(status.output.contains("Last counter reset:            Tue Sep 22 09:00:00 2026 UTC\n"))
        #expect(status.output.contains("Oldest Message:                No Messages\n"))
        #expect(
            status.output.contains(
                "    Messages Received                            0         200       1,200\n"
            )
        )
    }

    @Test func everyGatewayCommandSaysInOneLineThatTheGatewayIsNotRunning() throws {
        let shell = try FakeGateway(state: nil).shell()
        for command in ["status", "status detail", "delivernow all", "delivernow example.com", "delivernow"] {
            let result = try shell.exec(command)
            #expect(result.status == .actionFailed, "\(command)")
            #expect(
                result.errorOutput == "line 1: The mail gateway is not running (start it with \"esa serve\").\n",
                "\(command)"
            )
            #expect(result.output == "ironport.example.com> \(command)\n", "asks nothing: \(command)")
        }
    }

    @Test func delivernowDialogReschedulesTheDeferredMessagesOfADomainOrEverything() throws {
        let fake = FakeGateway.running(queue: [Self.deferred, Self.active])
        let shell = try fake.shell()
        let result = try shell.run("delivernow\n1\nexample.com\ndelivernow\n2\ndelivernow\n1\nnowhere.test\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> delivernow

            Please choose an option for scheduling immediate delivery.
            1. By recipient domain
            2. All messages
            [1]> 1

            Please enter the domain to schedule for immediate delivery.
            []> example.com

            Rescheduling all messages to example.com for immediate delivery.
            ironport.example.com> delivernow

            Please choose an option for scheduling immediate delivery.
            1. By recipient domain
            2. All messages
            [1]> 2

            Rescheduling all messages for immediate delivery.
            ironport.example.com> delivernow

            Please choose an option for scheduling immediate delivery.
            1. By recipient domain
            2. All messages
            [1]> 1

            Please enter the domain to schedule for immediate delivery.
            []> nowhere.test

            There are no deferred messages to nowhere.test.
            ironport.example.com> 
            """
        )
        #expect(fake.flushes == [["4XyZ1"], nil])
    }

    @Test func delivernowBatchFormsAndABadDomain() throws {
        let fake = FakeGateway.running(queue: [Self.deferred, Self.active])
        let shell = try fake.shell()
        let all = try shell.exec("delivernow all")
        #expect(
            all.output == "ironport.example.com> delivernow all\n\nRescheduling all messages for immediate delivery.\n"
        )
        // A subdomain's mail is the domain's too; only deferred messages are rescheduled.
        let parent = try shell.exec("delivernow EXAMPLE.com")
        #expect(parent.output.hasSuffix("\nRescheduling all messages to example.com for immediate delivery.\n"))
        #expect(fake.flushes == [nil, ["4XyZ1"]])
        let bad = try shell.exec("delivernow exa_mple..com")
        #expect(bad.status == .invalidInput)
        #expect(
            bad.errorOutput == "line 1: Usage: delivernow {domain|all}\nInvalid domain name: \"exa_mple..com\".\n"
        )
        let missing = try shell.exec("delivernow all more")
        #expect(missing.errorOutput == "line 1: Usage: delivernow {domain|all}\nUnexpected argument \"more\".\n")
        #expect(fake.flushes.count == 2, "nothing flushed after bad input")
    }

    @Test func gatewayCommandsKeepToTheRolesRights() throws {
        let all = AllCommands.commands
        func access(_ name: String) -> CommandAccess? { all.first { $0.name == name }?.access }
        #expect(access("status") == .status)
        #expect(access("delivernow") == .configure)
        #expect(access("resetcounters") == .configure)
    }
}

extension GatewayCommandsTests {
    @Test func statusSaysOfflineWhilePostfixIsDownAndWhenACommitWasNotApplied() throws {
        let up = FakeGateway.running()
        let down = FakeGateway(state: up.state, postfixUp: false)
        let offline = try down.shell().exec("status")
        #expect(
            offline.output.contains(
                "\nSystem status:                 Offline (Postfix is not running; esa serve restarts it)\n"
            )
        )
        var failed = try #require(up.state)
        failed.revision = 3
        failed.failure = "postfix check: bad parameter"
        let notApplied = try FakeGateway(state: failed).shell().exec("status")
        #expect(
            notApplied.output.contains("\nSystem status:                 Online (the last commit was not applied)\n")
        )
        #expect(
            notApplied.output.contains(
                "\n  Revision 3 was not applied (Tue Sep 22 08:00:10 2026 UTC): postfix check: bad parameter\n"
                    + "  The previous configuration keeps running.\n"
            )
        )
    }
}
