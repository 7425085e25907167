import ApplianceConfig
import Foundation

@testable import ConfigStore

/// A clock that moves only when told.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSinceReferenceDate: 800_000_000)) {
        current = start
    }

    var now: Date { lock.withLock { current } }

    func advance(minutes: Double) {
        lock.withLock { current = current.addingTimeInterval(minutes * 60) }
    }

    var function: @Sendable () -> Date { { self.now } }
}

/// A temporary folder removed when the value is dropped.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ConfigStoreTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var storePath: String { url.appendingPathComponent("config.db").path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

enum Fixtures {
    static func factory() -> ApplianceConfiguration {
        ApplianceConfiguration.factory(demo: nil)
    }

    static func store(
        _ directory: TemporaryDirectory,
        clock: ManualClock = ManualClock()
    ) throws -> RevisionStore {
        try RevisionStore(path: directory.storePath, clock: clock.function, factory: factory)
    }

    static func valid(_: ApplianceConfiguration) -> [String] { [] }
}

extension RevisionStore {
    /// Commits with test defaults; the candidate is built from the head.
    func commitFromHead(
        user: String = "admin",
        comment: String = "",
        rollbackPoint: Bool = false,
        _ edit: (inout ApplianceConfiguration) -> Void
    ) throws -> CommitOutcome {
        let (info, configuration) = try head()
        var candidate = configuration
        edit(&candidate)
        return try commit(
            candidate,
            base: info.number,
            user: user,
            method: .interactive,
            comment: comment,
            rollbackPoint: rollbackPoint,
            validate: Fixtures.valid
        )
    }
}

extension CommitOutcome {
    var committedInfo: RevisionInfo? {
        if case .committed(let info, _, _) = self { return info }
        return nil
    }

    var isNothingToCommit: Bool {
        if case .nothingToCommit = self { return true }
        return false
    }
}

extension RecordedChange {
    /// The change of the system host name from `old` to `new`, as a revision records it.
    static func hostname(_ old: String, _ new: String) -> RecordedChange {
        .change(
            ConfigChange(
                key: ObjectKey(section: "sethostname", id: ""),
                object: .settings(.system),
                kind: .modified(setting: "hostname", old: old, new: new)
            )
        )
    }
}
