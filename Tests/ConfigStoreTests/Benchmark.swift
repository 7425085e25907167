import ApplianceConfig
import DomainNames
import Foundation
import Testing

@testable import ConfigStore

/// Prints timings for a 10,000-entry configuration; asserts nothing about time. Run it in release:
/// `ESA_STORE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter StoreBenchmark`.
@Suite struct StoreBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["ESA_STORE_BENCH"] != nil))
    func tenThousandDestinations() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        var large = Fixtures.factory()
        large.destinations = KeyedList(
            (0..<10_000).map { DestinationEntry(domain: HostName("d\($0).example.com"), tls: .preferred) }
        )

        func time<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
            let start = ContinuousClock.now
            let result = try body()
            let elapsed = ContinuousClock.now - start
            let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
            print("bench \(label): \(String(format: "%.1f", ms)) ms")
            return result
        }
        func commit(_ candidate: ApplianceConfiguration, base: Int, in store: RevisionStore) throws -> RevisionInfo {
            let outcome = try store.commit(
                candidate,
                base: base,
                user: "admin",
                method: .interactive,
                comment: "",
                rollbackPoint: true,
                validate: Fixtures.valid
            )
            return try #require(outcome.committedInfo)
        }

        let content = try time("encode (binary, with round-trip check)") {
            try StoredContent(encoding: large, keys: KeySealer(nil))
        }
        print("bench size: \(content.bytes.count) bytes binary, \(try JSONEncoder().encode(large).count) bytes JSON")
        _ = try time("decode binary") { try content.decode(keys: KeySealer(nil)) }
        _ = time("chunk and hash") { StoredContent(encoding: content.encoding, bytes: content.bytes) }
        let first = try time("commit 10,000 new entries") { try commit(large, base: 1, in: store) }
        for round in 0..<3 {
            var edited = try store.head().configuration
            edited.destinations[5_000 + round].tls = .required
            let head = try store.head().info.number
            _ = try time("commit one change in 10,000 entries") { try commit(edited, base: head, in: store) }
        }
        let head = try store.head().info.number
        _ = try time("rollback (revision + commit), warm") {
            let target = try #require(try store.revision(first.number))
            return try commit(target.configuration, base: head, in: store)
        }
        let cold = try Fixtures.store(directory)
        let coldHead = try cold.head().info.number
        _ = try time("rollback (revision + commit), cold cache") {
            let target = try #require(try cold.revision(3))
            return try commit(target.configuration, base: coldHead, in: cold)
        }
        _ = try time("rollback to factory") {
            let target = try #require(try cold.revision(1))
            return try commit(target.configuration, base: coldHead + 1, in: cold)
        }
        _ = try time("open (verify \(coldHead + 2) revisions)") { try Fixtures.store(directory) }
    }
}
