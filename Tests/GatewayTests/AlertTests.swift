import ApplianceConfig
import Foundation
import Gateway
import MailLog
import Shell
import Synchronization
import TestSupport
import Testing

/// Alerts of `esa serve` (issue 11 item 5): who gets them, what they say, what the system log says,
/// repeats suppressed, certificate expiry stages — with an injected clock and a recording mailer.
@Suite struct AlertTests {
    /// A clock the test moves.
    final class MovableClock: Sendable {
        let date: Mutex<Date>
        init(_ date: Date) { self.date = Mutex(date) }
        func advance(days: Double = 0, seconds: Double = 0) {
            date.withLock { $0 = $0.addingTimeInterval(days * 86_400 + seconds) }
        }
        var shellClock: ShellClock { ShellClock(zone: .utc) { [self] in date.withLock { $0 } } }
    }

    /// Records what would have been mailed.
    final class Outbox: Sendable {
        let sent = Mutex<[(message: String, sender: String, recipient: String)]>([])
        var deliver: AlertSender.Deliver {
            { [self] message, sender, recipient in
                sent.withLock { $0.append((message, sender, recipient)) }
                return nil
            }
        }
        var recipients: [String] { sent.withLock { $0.map(\.recipient) } }
        func clear() { sent.withLock { $0 = [] } }
    }

    struct Fixture {
        let directory: TemporaryDirectory
        let clock: MovableClock
        let outbox = Outbox()
        let sender: AlertSender
        let systemLog: SystemLogFile

        init(start: Date = TestCA.defaultValidFrom) throws {
            directory = try TemporaryDirectory()
            clock = MovableClock(start)
            systemLog = SystemLogFile(dataDirectory: directory.url, clock: clock.shellClock)
            sender = AlertSender(
                statePath: directory.url.path + "/alerts.json",
                systemLog: systemLog,
                clock: clock.shellClock,
                serial: "0123456789ABCDEF",
                deliver: outbox.deliver
            )
        }

        var systemLogLines: [String] {
            ((try? String(contentsOfFile: systemLog.path, encoding: .utf8)) ?? "").split(separator: "\n").map(
                String.init
            )
        }
    }

    /// Recipients: two that receive System / Warning alerts, one that does not.
    static func configuration(alertOn: Bool = true) -> ApplianceConfiguration {
        var configuration = TestFactory.configuration
        configuration.alerts = AlertSettings(
            recipients: [
                AlertRecipient(address: "admin@example.com", alertClass: .all, severity: .all),
                AlertRecipient(address: "pager@example.com", alertClass: .system, severity: .critical),
                AlertRecipient(address: "ops@example.com", alertClass: .system, severity: .warning),
            ],
            initialDuplicateSeconds: 300,
            maximumDuplicateSeconds: 1200
        )
        configuration.destinationDefaults.requiredTLSAlert = alertOn
        for index in configuration.listeners.indices { configuration.listeners[index].certificate = nil }
        for index in configuration.interfaces.indices { configuration.interfaces[index].httpsCertificate = nil }
        configuration.destinationDefaults.outboundCertificate = nil
        return configuration
    }

    static let event = MailLogEvent.requiredTLSFailure(
        domain: "example.org",
        address: "192.0.2.25",
        reason: "STARTTLS not offered by the remote host",
        time: LogTime(year: 2026, month: 11, day: 30, hour: 9, minute: 0, second: 0)
    )

    @Test func aRequiredTLSFailureMailsEveryWarningRecipientAndLogsEachAlert() throws {
        let fixture = try Fixture()
        fixture.sender.mailLogEvents([Self.event], configuration: Self.configuration())
        #expect(fixture.outbox.recipients == ["admin@example.com", "ops@example.com"])
        let subject = "Warning <System> ironport.example.com: TLS required for delivery to example.org failed"
        let time = fixture.clock.shellClock.appliance(fixture.clock.date.withLock { $0 }, zone: false)
        #expect(
            fixture.systemLogLines == [
                "\(time) Info: A System/Warning alert was sent to admin@example.com with subject \"\(subject)\"",
                "\(time) Info: A System/Warning alert was sent to ops@example.com with subject \"\(subject)\"",
            ]
        )
        let first = try #require(fixture.outbox.sent.withLock { $0.first })
        #expect(first.sender == "alert@ironport.example.com")
        #expect(
            first.message == """
                From: alert@ironport.example.com
                To: admin@example.com
                Subject: \(subject)
                MIME-Version: 1.0
                Content-Type: text/plain; charset=UTF-8

                The Warning message is:

                Delivery to the domain example.org requires TLS, but a TLS connection could not be established
                with 192.0.2.25 (STARTTLS not offered by the remote host). Messages remain queued.

                Version: \(ApplianceInfo.version)
                Serial Number: 0123456789ABCDEF
                Timestamp: \(time)

                """
        )
    }

    @Test func repeatsForTheSameDomainAreSuppressedForAnIntervalThatDoubles() throws {
        let fixture = try Fixture()
        let configuration = Self.configuration()
        let other = MailLogEvent.requiredTLSFailure(
            domain: "example.net",
            address: "192.0.2.26",
            reason: "the TLS handshake failed",
            time: LogTime(year: 2026, month: 11, day: 30, hour: 9, minute: 0, second: 0)
        )
        var counts: [Int] = []
        func step(_ seconds: Double, _ events: [MailLogEvent] = [Self.event]) {
            fixture.clock.advance(seconds: seconds)
            fixture.outbox.clear()
            fixture.sender.mailLogEvents(events, configuration: configuration)
            counts.append(fixture.outbox.recipients.count)
        }
        step(0)  // sent; quiet for 300 s
        step(299)  // suppressed
        step(0, [other])  // another domain is not
        step(1)  // 300 s: sent again; quiet for 600 s
        step(599)  // suppressed
        step(1)  // sent; quiet for 1200 s (the maximum)
        step(1199)  // suppressed
        step(1)  // sent; still 1200 s
        step(1199)  // suppressed
        #expect(counts == [2, 0, 2, 2, 0, 2, 0, 2, 0])
    }

    @Test func aRestartedEsaServeKeepsHoldingBackRepeatsAndTheirDoubling() throws {
        let fixture = try Fixture()
        let configuration = Self.configuration()
        fixture.sender.mailLogEvents([Self.event], configuration: configuration)  // sent; quiet for 300 s
        #expect(fixture.outbox.recipients.count == 2)
        func restarted(_ outbox: Outbox) -> AlertSender {
            AlertSender(
                statePath: fixture.directory.url.path + "/alerts.json",
                systemLog: fixture.systemLog,
                clock: fixture.clock.shellClock,
                serial: "0123456789ABCDEF",
                deliver: outbox.deliver
            )
        }
        var counts: [Int] = []
        func step(_ seconds: Double) {
            fixture.clock.advance(seconds: seconds)
            let outbox = Outbox()
            restarted(outbox).mailLogEvents([Self.event], configuration: configuration)
            counts.append(outbox.recipients.count)
        }
        step(299)  // a new esa serve: still held back
        step(1)  // 300 s: sent; quiet for 600 s, not 300
        step(599)  // held back across another restart
        step(1)  // sent
        #expect(counts == [0, 2, 0, 2])
    }

    @Test func withTheDestconfigAlertOffOrNoRecipientsNothingIsSent() throws {
        let fixture = try Fixture()
        fixture.sender.mailLogEvents([Self.event], configuration: Self.configuration(alertOn: false))
        var none = Self.configuration()
        none.alerts.recipients = [
            AlertRecipient(address: "pager@example.com", alertClass: .system, severity: .critical)
        ]
        fixture.sender.mailLogEvents([Self.event], configuration: none)
        #expect(fixture.outbox.recipients.isEmpty)
        #expect(fixture.systemLogLines.isEmpty)
    }

    /// A configuration whose listener certificate `listener_cert` expires 30 days after `start`.
    static func expiring(start: Date) throws -> ApplianceConfiguration {
        let root = try TestCA.makeRoot(commonName: "esa expiry root", validFrom: start)
        let leaf = try root.makeLeaf(
            commonName: "mail.example.test",
            dnsNames: ["mail.example.test"],
            days: 30,
            validFrom: start
        )
        var configuration = configuration()
        configuration.certificates.append(
            CertificateProfileRecord(
                name: "listener_cert",
                certificatePEM: leaf.certificatePEM,
                privateKeyPEM: leaf.keyPEM,
                intermediatesPEM: []
            )
        )
        configuration.listeners[0].certificate = "listener_cert"
        return configuration
    }

    @Test func anExpiringCertificateIsAlertedOncePerStageThenDailyAfterItExpired() throws {
        let start = TestCA.defaultValidFrom
        let configuration = try Self.expiring(start: start)
        let fixture = try Fixture(start: start)
        var subjects: [String] = []
        func check(afterDays days: Double) {
            fixture.clock.advance(days: days)
            fixture.outbox.clear()
            fixture.sender.checkExpiry(configuration)
            let texts = fixture.outbox.sent.withLock { sent in
                sent.filter { $0.recipient == "admin@example.com" }.compactMap { mail in
                    mail.message.split(separator: "\n").first { $0.hasPrefix("Subject: ") }.map {
                        String($0.dropFirst("Subject: Warning <System> ironport.example.com: ".count))
                    }
                }
            }
            subjects.append(texts.joined(separator: " | "))
        }
        check(afterDays: 0)  // 30 days left: the 30-day stage
        check(afterDays: 1)  // 29: nothing new
        check(afterDays: 14)  // 15
        check(afterDays: 0.5)  // 14 whole days: the 15-day stage was sent
        check(afterDays: 9.5)  // 5
        check(afterDays: 1)  // 4
        check(afterDays: 4)  // notAfter itself: on the day
        check(afterDays: 1)  // expired 1 day ago
        check(afterDays: 1)  // expired 2 days ago
        check(afterDays: 0.5)  // still 2 days ago: nothing new
        #expect(
            subjects == [
                "The certificate \"listener_cert\" expires in 30 days",
                "",
                "The certificate \"listener_cert\" expires in 15 days",
                "",
                "The certificate \"listener_cert\" expires in 5 days",
                "The certificate \"listener_cert\" expires in 4 days",
                "The certificate \"listener_cert\" expires today",
                "The certificate \"listener_cert\" expired 1 day ago",
                "The certificate \"listener_cert\" expired 2 days ago",
                "",
            ]
        )
    }

    @Test func anExpiryAlertThatCouldNotBeSentIsTriedAgainAndTheFailureLogged() throws {
        let start = TestCA.defaultValidFrom
        let configuration = try Self.expiring(start: start)
        let fixture = try Fixture(start: start)
        let failing = AlertSender(
            statePath: fixture.directory.url.path + "/alerts.json",
            systemLog: fixture.systemLog,
            clock: fixture.clock.shellClock,
            serial: "0123456789ABCDEF",
            deliver: { _, _, _ in "Postfix is not running" }
        )
        #expect(failing.checkExpiry(configuration) == false)
        #expect(
            fixture.systemLogLines.map { String($0.drop { $0 != "W" }) } == [
                "Warning: the alert to admin@example.com could not be sent: Postfix is not running",
                "Warning: the alert to ops@example.com could not be sent: Postfix is not running",
            ]
        )
        #expect(fixture.sender.checkExpiry(configuration) == true)
        #expect(fixture.outbox.recipients == ["admin@example.com", "ops@example.com"])
    }

    @Test func sentExpiryStagesSurviveARestartAndUnboundCertificatesAreNotAlerted() throws {
        let start = TestCA.defaultValidFrom
        var configuration = try Self.expiring(start: start)
        let fixture = try Fixture(start: start.addingTimeInterval(20 * 86_400))
        fixture.sender.checkExpiry(configuration)
        #expect(fixture.outbox.recipients == ["admin@example.com", "ops@example.com"])
        // A new esa serve on the same data directory does not repeat the stage.
        let again = Outbox()
        let restarted = AlertSender(
            statePath: fixture.directory.url.path + "/alerts.json",
            systemLog: fixture.systemLog,
            clock: fixture.clock.shellClock,
            serial: "0123456789ABCDEF",
            deliver: again.deliver
        )
        restarted.checkExpiry(configuration)
        #expect(again.recipients.isEmpty)
        // A profile no listener, interface or destconfig uses is not alerted.
        configuration.listeners[0].certificate = nil
        #expect(CertificateExpiry.due(configuration, now: start.addingTimeInterval(29 * 86_400)).isEmpty)
    }
}
