#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The lifetime counters at a moment: when `esa serve` started (the `status` command's Uptime
/// column counts from it) or when `resetcounters` ran (the Reset column). Stored as JSON beside the
/// mail log's state.
public struct CounterMark: Sendable, Equatable, Codable {
    /// Seconds since 1970.
    public var date: Double
    public var counters: MailCounters

    public init(date: Double, counters: MailCounters) {
        self.date = date
        self.counters = counters
    }

    /// `{data}/logs/mail_logs/started.json`: written by `esa serve` when it starts.
    public static func startPath(dataDirectory: String) -> String { dataDirectory + "/logs/mail_logs/started.json" }
    /// `{data}/logs/mail_logs/reset.json`: written by `resetcounters`.
    public static func resetPath(dataDirectory: String) -> String { dataDirectory + "/logs/mail_logs/reset.json" }
    /// `{data}/logs/mail_logs/state.json`: the translator's state with the lifetime counters.
    public static func statePath(dataDirectory: String) -> String { dataDirectory + "/logs/mail_logs/state.json" }

    /// The mark at `path`, nil when there is none (or it cannot be read).
    public static func load(_ path: String) -> CounterMark? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(CounterMark.self, from: data)
    }

    /// Records the lifetime counters of `dataDirectory`'s mail log now at `path` (atomically).
    public static func record(dataDirectory: String, at path: String, date: Double) throws(MailLogError) {
        let state = try MailLogStateFile.load(statePath(dataDirectory: dataDirectory)) ?? MailLogState()
        let mark = CounterMark(date: date, counters: state.counters)
        let data: Data
        do {
            data = try JSONEncoder().encode(mark)
        } catch {
            throw MailLogError("The counters cannot be encoded: \(error).")
        }
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        try? FileManager.default.createDirectory(
            atPath: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw MailLogError("\(path) cannot be written: \(error).")
        }
    }
}

extension MailCounters {
    /// Each counter minus the same counter of `base` (never below 0: a state file restored from a
    /// backup may hold less than the mark).
    public func since(_ base: MailCounters?) -> MailCounters {
        guard let base else { return self }
        var result = MailCounters()
        for path in Self.fields {
            result[keyPath: path] = max(self[keyPath: path] - base[keyPath: path], 0)
        }
        return result
    }

    static var fields: [WritableKeyPath<MailCounters, Int>] {
        [
            \.messagesReceived, \.recipientsReceived, \.generatedBounceRecipients, \.rejectedRecipients,
            \.softBouncedEvents, \.completedRecipients, \.hardBouncedRecipients, \.dnsHardBounces,
            \.fiveXXHardBounces, \.expiredHardBounces, \.otherHardBounces, \.deliveredRecipients,
            \.deletedRecipients, \.inboundConnections, \.outboundConnections,
        ]
    }
}
