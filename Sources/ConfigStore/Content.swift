import ApplianceConfig
import Foundation

/// A configuration as stored: its encoded bytes, the name of their encoding and their checksum.
struct StoredContent: Sendable {
    /// The compact binary encoding of `BinaryCodec`.
    static let binary = "bin1"
    /// JSON, the fallback for values the binary encoding cannot represent.
    static let json = "json"
    static let knownEncodings: Set<String> = [binary, json]

    var encoding: String
    var bytes: Data
    var checksum: String

    init(encoding: String, bytes: Data) {
        self.encoding = encoding
        self.bytes = bytes
        self.checksum = Self.checksum(of: bytes)
    }

    /// Encodes compactly, or as JSON when the value uses a shape the binary encoding refuses.
    init(encoding configuration: ApplianceConfiguration) throws {
        if let binary = BinaryCodec.encode(configuration) {
            self.init(encoding: Self.binary, bytes: Data(binary))
        } else {
            self.init(encoding: Self.json, bytes: try JSONEncoder().encode(configuration))
        }
    }

    static func checksum(of bytes: Data) -> String {
        SHA256.hex(of: [UInt8](bytes))
    }

    func decode() throws -> ApplianceConfiguration {
        switch encoding {
        case Self.binary: try BinaryCodec.decode(ApplianceConfiguration.self, from: [UInt8](bytes))
        case Self.json: try JSONDecoder().decode(ApplianceConfiguration.self, from: bytes)
        default: throw BinaryCodingError(reason: "unknown encoding \(encoding)")
        }
    }
}

/// Decoded revisions recently used by this process, so that a commit does not decode the head again.
///
/// Revisions are immutable once stored (a number is never reused), so an entry keyed by number and
/// checksum stays true across processes.
final class ContentCache: @unchecked Sendable {
    private struct Entry {
        var number: Int
        var checksum: String
        var configuration: ApplianceConfiguration
        var content: StoredContent
    }

    private let lock = NSLock()
    private var entries: [Entry] = []  // most recently used last
    private let capacity: Int

    init(capacity: Int = 4) {
        self.capacity = capacity
    }

    func configuration(number: Int, checksum: String) -> ApplianceConfiguration? {
        lock.withLock {
            guard let index = entries.firstIndex(where: { $0.number == number && $0.checksum == checksum }) else {
                return nil
            }
            let entry = entries.remove(at: index)
            entries.append(entry)
            return entry.configuration
        }
    }

    /// The stored form of a configuration equal to `configuration`, if one is cached (a rollback).
    func content(equalTo configuration: ApplianceConfiguration) -> StoredContent? {
        lock.withLock { entries.last { $0.configuration == configuration }?.content }
    }

    func insert(number: Int, configuration: ApplianceConfiguration, content: StoredContent) {
        lock.withLock {
            entries.removeAll { $0.number == number }
            entries.append(
                Entry(number: number, checksum: content.checksum, configuration: configuration, content: content)
            )
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }
}

extension ApplianceConfiguration {
    /// Same result as `changes(since:)`, but first drops the unchanged common prefix and suffix of each
    /// object list, so that one change in a section of 10,000 entries costs O(n) comparisons rather
    /// than hashing every id. Exact when ids are distinct inside each section (validation ensures it).
    func changeSummary(since old: ApplianceConfiguration) -> [ConfigChange] {
        if self == old { return [] }
        var before = old
        var after = self
        trimCommon(&before.destinations, &after.destinations)
        trimCommon(&before.interfaces, &after.interfaces)
        trimCommon(&before.certificates, &after.certificates)
        trimCommon(&before.listeners, &after.listeners)
        return after.changes(since: before)
    }
}

/// Removes the longest common prefix and suffix of two lists.
private func trimCommon<T: Equatable>(_ a: inout [T], _ b: inout [T]) {
    let limit = min(a.count, b.count)
    var prefix = 0
    while prefix < limit && a[prefix] == b[prefix] { prefix += 1 }
    var suffix = 0
    while suffix < limit - prefix && a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
    if prefix == 0 && suffix == 0 { return }
    a = Array(a[prefix..<(a.count - suffix)])
    b = Array(b[prefix..<(b.count - suffix)])
}

/// Change lines stored one per line; a backslash escapes newlines and itself.
enum ChangeLines {
    static func join(_ lines: [String]) -> String {
        lines.map { line in
            line.contains(where: { $0 == "\\" || $0 == "\n" })
                ? line.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
                : line
        }.joined(separator: "\n")
    }

    static func split(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { part in
            guard part.contains("\\") else { return String(part) }
            var out = ""
            var escaped = false
            for character in part {
                if escaped {
                    out.append(character == "n" ? "\n" : character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else {
                    out.append(character)
                }
            }
            return out
        }
    }
}
