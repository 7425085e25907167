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
