import NIOCore
import SSHEndpoint
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let nanoseconds = Mutex<UInt64>(1_000_000_000)
    func advance(seconds: UInt64) { nanoseconds.withLock { $0 += seconds * 1_000_000_000 } }
    var now: UInt64 { nanoseconds.withLock { $0 } }
}

struct LoginThrottleTests {
    @Test func delayStartsAfterThreeFailuresAndDoublesUpToThirtySeconds() {
        let clock = ManualClock()
        let throttle = LoginThrottle(now: { clock.now })
        let delays = (1...10).map { _ in throttle.failed(from: "192.0.2.7") }
        #expect(delays == [0, 0, 0, 1, 2, 4, 8, 16, 30, 30].map { TimeAmount.seconds($0) })
        // Another address is not slowed down by this one's failures.
        #expect(throttle.failed(from: "192.0.2.8") == .zero)
    }

    @Test func successAndFifteenQuietMinutesForgetTheFailures() {
        let clock = ManualClock()
        let throttle = LoginThrottle(now: { clock.now })
        for _ in 1...4 { _ = throttle.failed(from: "192.0.2.7") }
        throttle.succeeded(from: "192.0.2.7")
        #expect(throttle.failed(from: "192.0.2.7") == .zero)

        for _ in 1...4 { _ = throttle.failed(from: "192.0.2.9") }
        clock.advance(seconds: 14 * 60)
        #expect(throttle.failed(from: "192.0.2.9") == .seconds(2))
        clock.advance(seconds: 15 * 60 + 1)
        #expect(throttle.failed(from: "192.0.2.9") == .zero)
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
