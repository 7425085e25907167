import ApplianceConfig
import Commands
import Foundation
import MailLog
import Shell
import TestSupport
import Testing

/// `hoststatus` against a fake gateway (gateway-commands.md §5).
@Suite struct HostStatusTests {
    static func shell(_ fake: FakeGateway) throws -> TestShell {
        let shell = try fake.shell()
        let data = shell.directory.url.path
        try FileManager.default.createDirectory(atPath: data + "/logs/mail_logs", withIntermediateDirectories: true)
        var state = MailLogState()
        var host = HostRecord()
        host.softBouncedEvents = 2
        host.deliveredRecipients = 1234
        host.hardBouncedRecipients = 1
        host.fiveXXHardBounces = 1
        host.lastActivity = LogTime(year: 2026, month: 9, day: 22, hour: 8, minute: 55, second: 0)
        host.lastHost = "mx1.example.com"
        host.lastAddress = "192.0.2.25"
        host.lastTLSResult = "success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384"
        host.peerSubject = "CN=mx1.example.com"
        host.last5XX = "550 5.1.1 <nobody@example.com>: Recipient address rejected"
        host.last5XXTime = LogTime(year: 2026, month: 9, day: 22, hour: 8, minute: 30, second: 5)
        host.up = true
        host.deletedRecipients = 3
        state.hosts["example.com"] = host
        try MailLogStateFile.save(state, to: CounterMark.statePath(dataDirectory: data))
        // What esa serve learnt of mx1's certificate (Tue Mar 2 12:00:00 2027 UTC).
        try FileManager.default.createDirectory(atPath: data + "/gateway", withIntermediateDirectories: true)
        try
            #"{"example.com":{"address":"192.0.2.25","checkedAt":1790067600,"notAfter":1803988800,"subject":"CN=mx1.example.com"}}"#
            .write(toFile: data + "/gateway/peers.json", atomically: true, encoding: .utf8)
        try shell.commit { $0.destinations.append(DestinationEntry(domain: "example.com", tls: .requiredVerify)) }
        return shell
    }

    @Test func aKnownHostShowsCountersQueueMXRecordsAndTLS() throws {
        let fake = FakeGateway.running(queue: [GatewayCommandsTests.deferred, GatewayCommandsTests.active])
        let shell = try Self.shell(fake)
        let result = try shell.run("hoststatus\nexample.com\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> hoststatus

            Recipient host:
            []> example.com

            Host mail status for: 'example.com'
            Status as of:         Tue Sep 22 09:00:00 2026 UTC
            Host up/down:         up

            Counters:
              Soft Bounced Events                 2
              Completed Recipients                1,235
              Hard Bounced Recipients             1
                DNS Hard Bounces                  0
                5XX Hard Bounces                  1
                Filter Hard Bounces               0
                Expired Hard Bounces              0
                Other Hard Bounces                0
              Delivered Recipients                1,234
              Deleted Recipients                  3
            Gauges:
              Active Recipients                   1
              Unattempted Recipients              0
              Attempted Recipients                1
              Current Outbound Connections        1
              Pending Outbound Connections        0

            Oldest Message                 1d 2h 3m 4s
            Last Activity                  Tue Sep 22 08:55:00 2026

            MX Records:
              10  mx1.example.com
                  192.0.2.25, 2001:db8::25
              20  mx2.example.com
                  no address

            SMTP routes for this host:
              None

            Last 5XX error:
              Tue Sep 22 08:30:05 2026: 550 5.1.1 <nobody@example.com>: Recipient address rejected

            TLS:
              Destination TLS level:   Required (Verify)
              Last TLS result:         success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384
              Peer certificate:        CN=mx1.example.com, expires Tue Mar 02 12:00:00 2027 UTC
              Last host connected:     mx1.example.com (192.0.2.25)
            ironport.example.com> 
            """
        )
    }

    @Test func anUnknownHostABadNameAndNoGateway() throws {
        let shell = try Self.shell(FakeGateway.running())
        let unknown = try shell.exec("hoststatus example.org")
        #expect(unknown.errorOutput == "line 1: No record of host: example.org\n")
        #expect(unknown.status == .actionFailed)
        let bad = try shell.exec("hoststatus -x")
        #expect(bad.errorOutput == "line 1: Usage: hoststatus {domain}\nInvalid domain name: \"-x\".\n")
        let stopped = try FakeGateway(state: nil).shell()
        let notRunning = try stopped.exec("hoststatus example.com")
        #expect(notRunning.errorOutput == "line 1: The mail gateway is not running (start it with \"esa serve\").\n")
    }
}
