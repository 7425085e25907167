import ApplianceConfig
import FoundationEssentials
import Synchronization

/// A configuration as stored: its encoded bytes (private keys sealed), the name of their encoding,
/// the content-defined chunks they are cut into, and the content hash — SHA-256 over the chunks'
/// SHA-256s in order, so a revision is verified chunk by chunk as it is read.
struct StoredContent: Sendable {
    /// The compact binary encoding of `BinaryCodec`.
    static let binary = "bin1"
    /// JSON, the fallback for values the binary encoding cannot represent.
    static let json = "json"
    static let knownEncodings: Set<String> = [binary, json]

    struct Chunk: Sendable {
        var hash: [UInt8]
        var bytes: ArraySlice<UInt8>
    }

    var encoding: String
    var bytes: [UInt8]
    var chunks: [Chunk]
    /// Hex SHA-256 of the concatenated chunk hashes.
    var contentHash: String

    init(encoding: String, bytes: [UInt8]) {
        self.encoding = encoding
        self.bytes = bytes
        chunks = Chunker.ranges(bytes).map { range in
            Chunk(hash: SHA256.digest(Array(bytes[range])), bytes: bytes[range])
        }
        contentHash = Self.contentHash(chunkHashes: chunks.map(\.hash))
    }

    init(encoding: String, bytes: [UInt8], chunks: [Chunk], contentHash: String) {
        self.encoding = encoding
        self.bytes = bytes
        self.chunks = chunks
        self.contentHash = contentHash
    }

    /// Encodes compactly, or as JSON when the value uses a shape the binary encoding refuses. Keys
    /// are sealed by `keys` first.
    init(encoding configuration: ApplianceConfiguration, keys: KeySealer) throws {
        let sealed = try keys.sealing(configuration)
        if let binary = BinaryCodec.encode(sealed) {
            self.init(encoding: Self.binary, bytes: binary)
        } else {
            self.init(encoding: Self.json, bytes: [UInt8](try JSONEncoder().encode(sealed)))
        }
    }

    static func contentHash(chunkHashes: [[UInt8]]) -> String {
        SHA256.hex(of: chunkHashes.flatMap { $0 })
    }

    func decode(keys: KeySealer) throws -> ApplianceConfiguration {
        let sealed: ApplianceConfiguration
        switch encoding {
        case Self.binary: sealed = try BinaryCodec.decode(ApplianceConfiguration.self, from: bytes)
        case Self.json: sealed = try JSONDecoder().decode(ApplianceConfiguration.self, from: Data(bytes))
        default: throw BinaryCodingError(reason: "unknown encoding \(encoding)")
        }
        return try keys.opening(sealed)
    }
}

/// Decoded revisions recently used by this process, so that a commit does not decode the head again.
///
/// Revisions are immutable once stored (a number is never reused), so an entry keyed by number and
/// checksum stays true across processes.
final class ContentCache: Sendable {
    private struct Entry {
        var number: Int
        var checksum: String
        var configuration: ApplianceConfiguration
        var content: StoredContent?
    }

    private let entries = Mutex<[Entry]>([])  // most recently used last
    private let capacity: Int

    init(capacity: Int = 4) {
        self.capacity = capacity
    }

    func configuration(number: Int, checksum: String) -> ApplianceConfiguration? {
        entries.withLock { entries in
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
        entries.withLock { entries in entries.last { $0.content != nil && $0.configuration == configuration }?.content }
    }

    func insert(number: Int, checksum: String, configuration: ApplianceConfiguration, content: StoredContent?) {
        entries.withLock { entries in
            entries.removeAll { $0.number == number }
            entries.append(
                Entry(number: number, checksum: checksum, configuration: configuration, content: content)
            )
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }
}

/// A revision's changes (``ChangeRecords``) stored one per line; a backslash escapes newlines,
/// carriage returns, NULs (SQLite text is read up to a NUL) and itself.
enum ChangeLines {
    /// The stored text: lines joined by newlines, each escaped (``Writer``). `lines` may be lazy
    /// (`changes.lazy.map(ChangeRecords.encode)`): each line is made, copied and dropped in turn, so a
    /// large commit never holds its lines as an array besides the text.
    static func join(_ lines: some Sequence<String>) -> String {
        var writer = Writer(capacity: lines.underestimatedCount * 64)
        for line in lines { writer.append(line) }
        return writer.text
    }

    /// Builds the stored text one line at a time. Works on the UTF-8 bytes (the escaped characters
    /// are ASCII, which never occurs inside a multi-byte sequence).
    struct Writer {
        private var bytes: [UInt8] = []
        /// Whether a line was appended (the next one starts with a newline).
        private var started = false

        init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

        mutating func append(_ line: String) {
            if started { bytes.append(UInt8(ascii: "\n")) }
            started = true
            for byte in line.utf8 {
                switch byte {
                case UInt8(ascii: "\\"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\n"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(UInt8(ascii: "r"))
                case 0:
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(UInt8(ascii: "0"))
                default:
                    bytes.append(byte)
                }
            }
        }

        /// The text of the lines appended so far.
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// The lines of a stored text. A newline always ends a line (a backslash before it is dropped).
    static func split(_ text: String) -> [String] { Array(Lines(text)) }

    /// The lines of a stored text, each unescaped when it is reached.
    struct Lines: Sequence, IteratorProtocol {
        private var bytes: String.UTF8View.Iterator
        private var done: Bool

        init(_ text: String) {
            bytes = text.utf8.makeIterator()
            done = text.isEmpty
        }

        mutating func next() -> String? {
            if done { return nil }
            var line: [UInt8] = []
            var escaped = false
            while let byte = bytes.next() {
                if byte == UInt8(ascii: "\n") {
                    return String(decoding: line, as: UTF8.self)
                } else if escaped {
                    switch byte {
                    case UInt8(ascii: "n"): line.append(UInt8(ascii: "\n"))
                    case UInt8(ascii: "r"): line.append(UInt8(ascii: "\r"))
                    case UInt8(ascii: "0"): line.append(0)
                    default: line.append(byte)
                    }
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else {
                    line.append(byte)
                }
            }
            done = true
            return String(decoding: line, as: UTF8.self)
        }
    }
}
