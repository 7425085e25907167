import Foundation
import NIOCore
import Passphrases
import SSHEndpoint
import Synchronization
import Testing

/// A wall clock the test moves by hand (seconds since 1970).
final class ManualClock: Sendable {
    private let seconds = Mutex<Double>(1_800_000_000)
    func advance(seconds delta: Double) { seconds.withLock { $0 += delta } }
    var now: Double { seconds.withLock { $0 } }
}

struct LoginThrottleTests {
    @Test func delayStartsAfterThreeFailuresAndDoublesUpToThirtySeconds() {
        let clock = ManualClock()
        let throttle = LoginThrottle(record: LoginFailures(path: nil, now: { clock.now }))
        let delays = (1...10).map { _ in throttle.failed(from: "192.0.2.7") }
        #expect(delays == [0, 0, 0, 1, 2, 4, 8, 16, 30, 30].map { TimeAmount.seconds($0) })
        // Another address is not slowed down by this one's failures.
        #expect(throttle.failed(from: "192.0.2.8") == .zero)
    }

    @Test func successAndFifteenQuietMinutesForgetTheFailures() {
        let clock = ManualClock()
        let throttle = LoginThrottle(record: LoginFailures(path: nil, now: { clock.now }))
        for _ in 1...4 { _ = throttle.failed(from: "192.0.2.7") }
        throttle.succeeded(from: "192.0.2.7")
        #expect(throttle.failed(from: "192.0.2.7") == .zero)

        for _ in 1...4 { _ = throttle.failed(from: "192.0.2.9") }
        clock.advance(seconds: 14 * 60)
        #expect(throttle.failed(from: "192.0.2.9") == .seconds(2))
        clock.advance(seconds: 15 * 60 + 1)
        #expect(throttle.failed(from: "192.0.2.9") == .zero)
    }

    /// The record in a file: what one process (or endpoint) counted, the next one goes on from;
    /// per user the count runs until a success or the lock.
    @Test func aFileRecordIsSharedBetweenInstancesAndSurvivesThem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("esa-failures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = ManualClock()
        let first = LoginFailures(dataDirectory: folder.path, now: { clock.now })
        for _ in 1...3 { first.failed(address: "192.0.2.7", user: "bob") }
        let path = folder.appendingPathComponent("logs/auth-failures.json").path
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // Another instance on the same file (another process, a restarted esa serve).
        let second = LoginThrottle(record: LoginFailures(dataDirectory: folder.path, now: { clock.now }))
        #expect(second.failed(from: "192.0.2.7") == .seconds(1))
        #expect(second.record.counts(address: "192.0.2.7", user: "bob") == (4, 3))
        #expect(first.failed(address: "192.0.2.7", user: "bob") == (5, 4))

        first.forget(user: "bob")
        #expect(second.record.counts(address: "192.0.2.7", user: "bob") == (5, 0))
        second.record.failed(address: nil, user: "bob")
        second.succeeded(from: "192.0.2.7")
        #expect(first.counts(address: "192.0.2.7", user: "bob") == (0, 1))
        first.succeeded(address: nil, user: "bob")
        #expect(first.counts(address: "192.0.2.7", user: "bob") == (0, 0))

        // A damaged file counts from zero and is written anew.
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(first.failed(address: "192.0.2.7", user: nil) == (1, 0))
        #expect(second.record.counts(address: "192.0.2.7", user: "x") == (1, 0))
    }

    /// Two processes' worth of failures at once lose none (the file is updated under a lock).
    @Test func concurrentFailuresAreAllCounted() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("esa-failures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let records = (0..<4).map { _ in LoginFailures(dataDirectory: folder.path) }
        await withTaskGroup(of: Void.self) { group in
            for record in records {
                group.addTask { for _ in 0..<25 { record.failed(address: "192.0.2.1", user: "bob") } }
            }
        }
        #expect(records[0].counts(address: "192.0.2.1", user: "bob") == (100, 100))
    }
}

struct ListenAddressTests {
    @Test func readsAddressAndPort() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:2222") == ListenAddress(host: "127.0.0.1", port: 2222))
        #expect(try ListenAddress(parsing: "[::1]:22") == ListenAddress(host: "::1", port: 22))
        #expect(ListenAddress.default.description == "127.0.0.1:2222")
        #expect(ListenAddress(host: "::1", port: 22).description == "[::1]:22")
    }

    @Test(arguments: ["2222", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "host.example:22", ":22", "[::1:22"])
    func refusesWhatIsNotAddressColonPort(_ text: String) {
        #expect {
            try ListenAddress(parsing: text)
        } throws: { error in
            (error as? SSHEndpointError)?.message
                == "The SSH listen address \"\(text)\" is not address:port (for example 127.0.0.1:2222)."
        }
    }
}
