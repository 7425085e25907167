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
    /// The stored text: lines joined by newlines, each escaped (``text(_:)``). `lines` may be lazy
    /// (`changes.lazy.map(ChangeRecords.encode)`): each line is made, copied and dropped in turn, so a
    /// large commit never holds its lines as an array besides the text.
    static func join(_ lines: some Collection<String>) -> String {
        text { line in lines.forEach(line) }
    }

    /// The stored text of the lines `forEachLine` gives, in one text of the exact size. `forEachLine`
    /// is called twice and must give the same lines both times: once to measure them, once to write
    /// them into the text. A 10,000-destination commit's 2.4 MB of change lines are so never held in
    /// a buffer grown by doubling (which held the old and the new buffer at once, 6 MB, at the peak of
    /// such a commit) nor copied from one.
    ///
    /// Works on the UTF-8 bytes: the escaped characters are ASCII, which never occurs inside a
    /// multi-byte sequence.
    static func text(_ forEachLine: ((String) -> Void) -> Void) -> String {
        var count = 0
        var started = false
        forEachLine { line in
            if started { count += 1 }
            started = true
            for byte in line.utf8 { count += escape(byte) == nil ? 1 : 2 }
        }
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var offset = 0
            var started = false
            func put(_ byte: UInt8) {
                precondition(offset < count, "the change lines differ between their two passes")
                buffer[offset] = byte
                offset += 1
            }
            forEachLine { line in
                if started { put(UInt8(ascii: "\n")) }
                started = true
                for byte in line.utf8 {
                    if let escaped = escape(byte) {
                        put(UInt8(ascii: "\\"))
                        put(escaped)
                    } else {
                        put(byte)
                    }
                }
            }
            precondition(offset == count, "the change lines differ between their two passes")
            return offset
        }
    }

    /// The letter after a backslash that stands for `byte`, or nil when `byte` is stored as itself.
    @inline(__always)
    private static func escape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case UInt8(ascii: "\n"): UInt8(ascii: "n")
        case UInt8(ascii: "\r"): UInt8(ascii: "r")
        case 0: UInt8(ascii: "0")
        default: nil
        }
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
