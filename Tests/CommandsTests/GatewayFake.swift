import Commands
import Foundation
import Gateway
import MailLog
import Shell
import Synchronization
import TLSClient
import TestSupport

/// A gateway for transcript tests: a fixed state (nil = `esa serve` not running), a queue, fixed
/// gauges; flushes and submissions are recorded.
final class FakeGateway: GatewayLink {
    struct Submission: Equatable {
        var sender: String
        var recipients: [String]
        var message: String
    }

    private struct Recorded {
        var flushes: [[String]?] = []
        var submissions: [Submission] = []
    }

    let state: GatewayState?
    let messages: [QueuedMessage]
    /// What `postfixRunning` answers.
    let postfixUp: Bool?
    private let recorded = Mutex(Recorded())

    init(state: GatewayState?, queue: [QueuedMessage] = [], postfixUp: Bool? = true) {
        self.state = state
        self.messages = queue
        self.postfixUp = postfixUp
    }

    /// `esa serve` running revision 2 since 08:00 (test clock), IncomingMail bound, Other not.
    static func running(queue: [QueuedMessage] = []) -> FakeGateway {
        FakeGateway(
            state: GatewayState(
                pid: 4242,
                startedAt: TestClock.start.addingTimeInterval(-3600).timeIntervalSince1970,
                revision: 2,
                appliedAt: TestClock.start.addingTimeInterval(-3590).timeIntervalSince1970,
                failure: nil,
                listeners: [
                    .init(name: "IncomingMail", address: "127.0.0.1", port: 25, bound: true, reason: nil),
                    .init(
                        name: "Outgoing",
                        address: "192.168.42.42",
                        port: 25,
                        bound: false,
                        reason: "Cannot assign requested address"
                    ),
                ]
            ),
            queue: queue
        )
    }

    var flushes: [[String]?] { recorded.withLock { $0.flushes } }
    var submissions: [Submission] { recorded.withLock { $0.submissions } }

    func running(_ dataDirectory: URL) -> GatewayState? { state }

    func queue(_ dataDirectory: URL) throws(ShellError) -> [QueuedMessage] { messages }

    func flush(_ dataDirectory: URL, queueIDs: [String]?) throws(ShellError) {
        recorded.withLock { $0.flushes.append(queueIDs) }
    }

    func submit(_ dataDirectory: URL, sender: String, recipients: [String], message: String) throws(ShellError) {
        recorded.withLock {
            $0.submissions.append(Submission(sender: sender, recipients: recipients, message: message))
        }
    }

    func gauges(_ dataDirectory: URL, listenerPorts: Set<Int>) -> HostGauges {
        HostGauges(
            ramUtilization: 16,
            cpuLoad: 3,
            diskIOUtilization: 1,
            loggingDiskUsage: 43,
            loggingDiskAvailableBytes: 105 * 1_073_741_824,
            inboundConnections: listenerPorts.count,
            outboundConnections: 2,
            queueDiskFreeKilobytes: 71_303_168
        )
    }

    func postfixRunning(_ dataDirectory: URL) -> Bool? { postfixUp }

    func outboundConnections(to addresses: Set<String>) -> (current: Int, pending: Int) {
        addresses.contains("192.0.2.25") ? (1, 0) : (0, 0)
    }

    func mailHosts(_ domain: String) -> Result<[MailHost], ResolveFailure> {
        guard domain == "example.com" else { return .failure(ResolveFailure("the domain does not exist")) }
        return .success([
            MailHost(preference: 10, host: "mx1.example.com", addresses: ["192.0.2.25", "2001:db8::25"]),
            MailHost(preference: 20, host: "mx2.example.com", addresses: []),
        ])
    }

    /// A shell whose gateway commands use this fake.
    func shell() throws -> TestShell {
        let shell = try TestShell()
        shell.registry = CommandRegistry(AllCommands.commands(gateway: self))
        return shell
    }
}
