import FoundationEssentials

// A compact binary encoding for Codable values, several times faster than JSON for a configuration of
// 10,000 entries. Layout of a value (little-endian):
//
//   0x00 nil | 0x01 false | 0x02 true | 0x03 signed (zigzag varint) | 0x04 unsigned (varint)
//   0x05 double (8 bytes) | 0x06 float (4 bytes) | 0x07 string (varint byte count, UTF-8)
//   0x08 keyed:   count (u32), then per entry: key (varint byte count, UTF-8), value
//   0x09 unkeyed: count (u32), then the elements
//
// The encoder writes straight into one buffer, so a container must be filled before its parent goes
// on, as synthesized Codable conformances do. The writer keeps the stack of open containers: writing
// into a container closed by its parent, super encoders, a value requesting two containers or writing
// none mark the encoding as failed, and the store falls back to JSON.

private enum Tag {
    static let null: UInt8 = 0x00
    static let falseValue: UInt8 = 0x01
    static let trueValue: UInt8 = 0x02
    static let signed: UInt8 = 0x03
    static let unsigned: UInt8 = 0x04
    static let double: UInt8 = 0x05
    static let float: UInt8 = 0x06
    static let string: UInt8 = 0x07
    static let keyed: UInt8 = 0x08
    static let unkeyed: UInt8 = 0x09
}

struct BinaryCodingError: Error {
    var reason: String
}

enum BinaryCodec {
    /// The encoded bytes, or nil when the value uses something this encoding does not support.
    static func encode<T: Encodable>(_ value: T) -> [UInt8]? {
        let writer = BinaryWriter()
        writer.encodeValue(value)
        return writer.failed ? nil : writer.bytes
    }

    /// The string value of the first entry of the keyed container that starts `bytes` when that entry
    /// is named `key`, decoded as the full decoder would; nil when it is not there or does not fit in
    /// `bytes` (a prefix of an encoding is enough: the configuration's host name from its first chunk).
    static func leadingString(named key: String, in bytes: [UInt8]) -> String? {
        let reader = BinaryReader(bytes)
        guard (try? reader.byte(0)) == Tag.keyed, let count = try? reader.u32(1), count > 0 else { return nil }
        var offset = 5
        guard let name = try? reader.rawStringRange(&offset), reader.string(name) == key,
            (try? reader.byte(offset)) == Tag.string
        else { return nil }
        offset += 1
        guard let value = try? reader.rawStringRange(&offset) else { return nil }
        return reader.string(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let reader = BinaryReader(bytes)
        let end = try reader.skip(0)
        guard end == bytes.count else { throw BinaryCodingError(reason: "trailing bytes") }
        return try T(from: BinaryDecoderImpl(reader: reader, offset: 0))
    }
}

// MARK: - Writing

final class BinaryWriter {
    var bytes: [UInt8] = []
    var failed = false
    /// Count offsets of the containers still open, innermost last.
    private var open: [Int] = []

    init() {
        bytes.reserveCapacity(4096)
    }

    func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    func u32(_ value: UInt32, at offset: Int) {
        bytes[offset] = UInt8(truncatingIfNeeded: value)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
    }

    func readU32(at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    func rawString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    func null() { bytes.append(Tag.null) }
    func bool(_ value: Bool) { bytes.append(value ? Tag.trueValue : Tag.falseValue) }
    func string(_ value: String) {
        bytes.append(Tag.string)
        rawString(value)
    }
    func signed<T: FixedWidthInteger & SignedInteger>(_ value: T) {
        bytes.append(Tag.signed)
        let v = Int64(value)
        varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }
    func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        bytes.append(Tag.unsigned)
        varint(UInt64(value))
    }
    func double(_ value: Double) {
        bytes.append(Tag.double)
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }
    func float(_ value: Float) {
        bytes.append(Tag.float)
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
    }

    /// Starts a container: tag and a count incremented per entry. Returns the offset of the count.
    func beginContainer(_ tag: UInt8) -> Int {
        bytes.append(tag)
        let offset = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0])
        open.append(offset)
        return offset
    }

    /// Counts a new entry of the container at `offset`; closes the containers opened inside it.
    func incrementCount(at offset: Int) {
        while let last = open.last, last != offset { open.removeLast() }
        guard !open.isEmpty else {
            failed = true  // the container was already closed: its entries would land in another one
            return
        }
        u32(readU32(at: offset) + 1, at: offset)
    }

    /// Encodes a value through its `encode(to:)`; it must write exactly one value.
    func encodeValue<T: Encodable>(_ value: T) {
        if failed { return }
        let start = bytes.count
        do {
            try value.encode(to: BinaryEncoderImpl(writer: self, start: start))
        } catch {
            failed = true
            return
        }
        if bytes.count == start { failed = true }  // wrote nothing: not representable
    }
}

private struct BinaryEncoderImpl: Encoder {
    let writer: BinaryWriter
    let start: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// A value may start exactly one container, at its own position.
    private func claim() -> Bool {
        if writer.bytes.count == start { return true }
        writer.failed = true
        return false
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let target = claim() ? writer : BinaryWriter()
        return KeyedEncodingContainer(KeyedWriter(writer: target, countOffset: target.beginContainer(Tag.keyed)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let target = claim() ? writer : BinaryWriter()
        return UnkeyedWriter(writer: target, countOffset: target.beginContainer(Tag.unkeyed))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleWriter(writer: claim() ? writer : BinaryWriter(), start: start)
    }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: BinaryWriter
    let countOffset: Int
    var codingPath: [any CodingKey] { [] }

    private func key(_ key: Key) {
        writer.incrementCount(at: countOffset)
        writer.rawString(key.stringValue)
    }

    mutating func encodeNil(forKey k: Key) throws {
        key(k)
        writer.null()
    }
    mutating func encode(_ value: Bool, forKey k: Key) throws {
        key(k)
        writer.bool(value)
    }
    mutating func encode(_ value: String, forKey k: Key) throws {
        key(k)
        writer.string(value)
    }
    mutating func encode(_ value: Double, forKey k: Key) throws {
        key(k)
        writer.double(value)
    }
    mutating func encode(_ value: Float, forKey k: Key) throws {
        key(k)
        writer.float(value)
    }
    mutating func encode(_ value: Int, forKey k: Key) throws {
        key(k)
        writer.signed(value)
    }
    mutating func encode(_ value: Int8, forKey k: Key) throws {
        key(k)
        writer.signed(value)
    }
    mutating func encode(_ value: Int16, forKey k: Key) throws {
        key(k)
        writer.signed(value)
    }
    mutating func encode(_ value: Int32, forKey k: Key) throws {
        key(k)
        writer.signed(value)
    }
    mutating func encode(_ value: Int64, forKey k: Key) throws {
        key(k)
        writer.signed(value)
    }
    mutating func encode(_ value: UInt, forKey k: Key) throws {
        key(k)
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt8, forKey k: Key) throws {
        key(k)
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt16, forKey k: Key) throws {
        key(k)
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt32, forKey k: Key) throws {
        key(k)
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt64, forKey k: Key) throws {
        key(k)
        writer.unsigned(value)
    }
    mutating func encode<T: Encodable>(_ value: T, forKey k: Key) throws {
        key(k)
        writer.encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey k: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        key(k)
        return KeyedEncodingContainer(
            KeyedWriter<NestedKey>(writer: writer, countOffset: writer.beginContainer(Tag.keyed))
        )
    }

    mutating func nestedUnkeyedContainer(forKey k: Key) -> any UnkeyedEncodingContainer {
        key(k)
        return UnkeyedWriter(writer: writer, countOffset: writer.beginContainer(Tag.unkeyed))
    }

    mutating func superEncoder() -> any Encoder {
        writer.failed = true
        return BinaryEncoderImpl(writer: BinaryWriter(), start: 0)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.failed = true
        return BinaryEncoderImpl(writer: BinaryWriter(), start: 0)
    }
}

private struct UnkeyedWriter: UnkeyedEncodingContainer {
    let writer: BinaryWriter
    let countOffset: Int
    var codingPath: [any CodingKey] { [] }
    var count: Int { Int(writer.readU32(at: countOffset)) }

    private func next() { writer.incrementCount(at: countOffset) }

    mutating func encodeNil() throws {
        next()
        writer.null()
    }
    mutating func encode(_ value: Bool) throws {
        next()
        writer.bool(value)
    }
    mutating func encode(_ value: String) throws {
        next()
        writer.string(value)
    }
    mutating func encode(_ value: Double) throws {
        next()
        writer.double(value)
    }
    mutating func encode(_ value: Float) throws {
        next()
        writer.float(value)
    }
    mutating func encode(_ value: Int) throws {
        next()
        writer.signed(value)
    }
    mutating func encode(_ value: Int8) throws {
        next()
        writer.signed(value)
    }
    mutating func encode(_ value: Int16) throws {
        next()
        writer.signed(value)
    }
    mutating func encode(_ value: Int32) throws {
        next()
        writer.signed(value)
    }
    mutating func encode(_ value: Int64) throws {
        next()
        writer.signed(value)
    }
    mutating func encode(_ value: UInt) throws {
        next()
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt8) throws {
        next()
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt16) throws {
        next()
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt32) throws {
        next()
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt64) throws {
        next()
        writer.unsigned(value)
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        next()
        writer.encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        next()
        return KeyedEncodingContainer(
            KeyedWriter<NestedKey>(writer: writer, countOffset: writer.beginContainer(Tag.keyed))
        )
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        next()
        return UnkeyedWriter(writer: writer, countOffset: writer.beginContainer(Tag.unkeyed))
    }

    mutating func superEncoder() -> any Encoder {
        writer.failed = true
        return BinaryEncoderImpl(writer: BinaryWriter(), start: 0)
    }
}

private struct SingleWriter: SingleValueEncodingContainer {
    let writer: BinaryWriter
    let start: Int
    var codingPath: [any CodingKey] { [] }

    /// Exactly one value per single-value container.
    private func once() {
        if writer.bytes.count != start { writer.failed = true }
    }

    mutating func encodeNil() throws {
        once()
        writer.null()
    }
    mutating func encode(_ value: Bool) throws {
        once()
        writer.bool(value)
    }
    mutating func encode(_ value: String) throws {
        once()
        writer.string(value)
    }
    mutating func encode(_ value: Double) throws {
        once()
        writer.double(value)
    }
    mutating func encode(_ value: Float) throws {
        once()
        writer.float(value)
    }
    mutating func encode(_ value: Int) throws {
        once()
        writer.signed(value)
    }
    mutating func encode(_ value: Int8) throws {
        once()
        writer.signed(value)
    }
    mutating func encode(_ value: Int16) throws {
        once()
        writer.signed(value)
    }
    mutating func encode(_ value: Int32) throws {
        once()
        writer.signed(value)
    }
    mutating func encode(_ value: Int64) throws {
        once()
        writer.signed(value)
    }
    mutating func encode(_ value: UInt) throws {
        once()
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt8) throws {
        once()
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt16) throws {
        once()
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt32) throws {
        once()
        writer.unsigned(value)
    }
    mutating func encode(_ value: UInt64) throws {
        once()
        writer.unsigned(value)
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        once()
        // The nested value takes this position; its own encoder checks that it starts one container.
        writer.encodeValue(value)
    }
}

// MARK: - Reading

final class BinaryReader {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func byte(_ offset: Int) throws -> UInt8 {
        guard offset >= 0 && offset < bytes.count else { throw BinaryCodingError(reason: "truncated") }
        return bytes[offset]
    }

    func varint(_ offset: inout Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte(offset)
            offset += 1
            guard shift < 64 else { throw BinaryCodingError(reason: "varint too long") }
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    func u32(_ offset: Int) throws -> Int {
        guard offset + 4 <= bytes.count else { throw BinaryCodingError(reason: "truncated") }
        return Int(
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                | UInt32(bytes[offset + 3]) << 24
        )
    }

    func fixed64(_ offset: Int, count: Int) throws -> UInt64 {
        guard offset + count <= bytes.count else { throw BinaryCodingError(reason: "truncated") }
        var value: UInt64 = 0
        for i in 0..<count { value |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        return value
    }

    /// The bytes of a length-prefixed UTF-8 string at `offset`; advances past it.
    func rawStringRange(_ offset: inout Int) throws -> Range<Int> {
        let length = try varint(&offset)
        guard length <= UInt64(bytes.count - offset) else { throw BinaryCodingError(reason: "truncated") }
        let range = offset..<(offset + Int(length))
        offset += Int(length)
        return range
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// The offset just after the value at `offset`.
    func skip(_ offset: Int) throws -> Int {
        var position = offset + 1
        switch try byte(offset) {
        case Tag.null, Tag.falseValue, Tag.trueValue: return position
        case Tag.signed, Tag.unsigned:
            _ = try varint(&position)
            return position
        case Tag.double: return try checked(position + 8)
        case Tag.float: return try checked(position + 4)
        case Tag.string:
            _ = try rawStringRange(&position)
            return position
        case Tag.keyed:
            let count = try u32(position)
            position += 4
            for _ in 0..<count {
                _ = try rawStringRange(&position)
                position = try skip(position)
            }
            return position
        case Tag.unkeyed:
            let count = try u32(position)
            position += 4
            for _ in 0..<count { position = try skip(position) }
            return position
        default: throw BinaryCodingError(reason: "unknown tag")
        }
    }

    private func checked(_ end: Int) throws -> Int {
        guard end <= bytes.count else { throw BinaryCodingError(reason: "truncated") }
        return end
    }

    // Primitive values at an offset.

    func tag(_ offset: Int, _ expected: UInt8, _ type: Any.Type) throws {
        guard try byte(offset) == expected else {
            throw DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription: "unexpected tag"))
        }
    }

    func isNull(_ offset: Int) throws -> Bool { try byte(offset) == Tag.null }

    func bool(_ offset: Int) throws -> Bool {
        switch try byte(offset) {
        case Tag.trueValue: return true
        case Tag.falseValue: return false
        default: throw DecodingError.typeMismatch(Bool.self, .init(codingPath: [], debugDescription: "not a Bool"))
        }
    }

    func string(_ offset: Int) throws -> String {
        try tag(offset, Tag.string, String.self)
        var position = offset + 1
        return string(try rawStringRange(&position))
    }

    func integer<T: FixedWidthInteger>(_ offset: Int, _ type: T.Type) throws -> T {
        var position = offset + 1
        let value: T?
        switch try byte(offset) {
        case Tag.signed:
            let raw = try varint(&position)
            value = T(exactly: Int64(bitPattern: (raw >> 1)) ^ -Int64(bitPattern: raw & 1))
        case Tag.unsigned:
            value = T(exactly: try varint(&position))
        default: value = nil
        }
        guard let value else {
            throw DecodingError.typeMismatch(T.self, .init(codingPath: [], debugDescription: "not a \(T.self)"))
        }
        return value
    }

    func double(_ offset: Int) throws -> Double {
        try tag(offset, Tag.double, Double.self)
        return Double(bitPattern: try fixed64(offset + 1, count: 8))
    }

    func float(_ offset: Int) throws -> Float {
        try tag(offset, Tag.float, Float.self)
        return Float(bitPattern: UInt32(try fixed64(offset + 1, count: 4)))
    }
}

private struct BinaryDecoderImpl: Decoder {
    let reader: BinaryReader
    let offset: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try reader.tag(offset, Tag.keyed, [String: Any].self)
        return KeyedDecodingContainer(try KeyedReader<Key>(reader: reader, offset: offset))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try reader.tag(offset, Tag.unkeyed, [Any].self)
        return try UnkeyedReader(reader: reader, offset: offset)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleReader(reader: reader, offset: offset)
    }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let reader: BinaryReader
    /// Key bytes and value offset of each entry.
    let entries: [(key: Range<Int>, value: Int)]
    var codingPath: [any CodingKey] { [] }

    init(reader: BinaryReader, offset: Int) throws {
        self.reader = reader
        let count = try reader.u32(offset + 1)
        var position = offset + 5
        var entries: [(key: Range<Int>, value: Int)] = []
        entries.reserveCapacity(min(count, reader.bytes.count - position))
        for _ in 0..<count {
            let key = try reader.rawStringRange(&position)
            entries.append((key, position))
            position = try reader.skip(position)
        }
        self.entries = entries
    }

    var allKeys: [Key] { entries.compactMap { Key(stringValue: reader.string($0.key)) } }

    private func find(_ key: Key) -> Int? {
        var name = key.stringValue
        return name.withUTF8 { utf8 in
            for entry in entries where entry.key.count == utf8.count {
                var equal = true
                var i = entry.key.lowerBound
                for b in utf8 {
                    if reader.bytes[i] != b {
                        equal = false
                        break
                    }
                    i += 1
                }
                if equal { return entry.value }
            }
            return nil
        }
    }

    private func at(_ key: Key) throws -> Int {
        guard let offset = find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "missing key"))
        }
        return offset
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { try reader.isNull(at(key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try reader.bool(at(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try reader.string(at(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try reader.double(at(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try reader.float(at(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try reader.integer(at(key), type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try reader.integer(at(key), type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try reader.integer(at(key), type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try reader.integer(at(key), type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try reader.integer(at(key), type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try reader.integer(at(key), type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try reader.integer(at(key), type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try reader.integer(at(key), type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try reader.integer(at(key), type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try reader.integer(at(key), type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: BinaryDecoderImpl(reader: reader, offset: at(key)))
    }

    // One lookup per optional value (the default implementation looks the key up three times).
    private func present(_ key: Key) throws -> Int? {
        guard let offset = find(key), try !reader.isNull(offset) else { return nil }
        return offset
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try present(key).map { try reader.bool($0) }
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try present(key).map { try reader.string($0) }
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try present(key).map { try reader.double($0) }
    }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
        try present(key).map { try reader.float($0) }
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try present(key).map { try reader.integer($0, type) }
    }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? {
        try present(key).map { try reader.integer($0, type) }
    }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? {
        try present(key).map { try reader.integer($0, type) }
    }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
        try present(key).map { try reader.integer($0, type) }
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try present(key).map { try reader.integer($0, type) }
    }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? {
        try present(key).map { try reader.integer($0, type) }
    }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? {
        try present(key).map { try reader.integer($0, type) }
    }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
        try present(key).map { try reader.integer($0, type) }
    }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
        try present(key).map { try reader.integer($0, type) }
    }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try present(key).map { try reader.integer($0, type) }
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try present(key).map { try T(from: BinaryDecoderImpl(reader: reader, offset: $0)) }
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try BinaryDecoderImpl(reader: reader, offset: at(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try BinaryDecoderImpl(reader: reader, offset: at(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        throw BinaryCodingError(reason: "super decoders are not supported")
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        throw BinaryCodingError(reason: "super decoders are not supported")
    }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
    let reader: BinaryReader
    let count: Int?
    var currentIndex = 0
    private var position: Int
    var codingPath: [any CodingKey] { [] }
    var isAtEnd: Bool { currentIndex >= (count ?? 0) }

    init(reader: BinaryReader, offset: Int) throws {
        self.reader = reader
        count = try reader.u32(offset + 1)
        position = offset + 5
    }

    /// The offset of the next element; advances past it.
    private mutating func next() throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: [], debugDescription: "at end"))
        }
        let offset = position
        position = try reader.skip(position)
        currentIndex += 1
        return offset
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, try reader.isNull(position) else { return false }
        _ = try next()
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(next()) }
    mutating func decode(_ type: String.Type) throws -> String { try reader.string(next()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try reader.double(next()) }
    mutating func decode(_ type: Float.Type) throws -> Float { try reader.float(next()) }
    mutating func decode(_ type: Int.Type) throws -> Int { try reader.integer(next(), type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try reader.integer(next(), type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try reader.integer(next(), type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try reader.integer(next(), type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try reader.integer(next(), type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try reader.integer(next(), type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.integer(next(), type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.integer(next(), type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.integer(next(), type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.integer(next(), type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: BinaryDecoderImpl(reader: reader, offset: next()))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try BinaryDecoderImpl(reader: reader, offset: next()).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try BinaryDecoderImpl(reader: reader, offset: next()).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        throw BinaryCodingError(reason: "super decoders are not supported")
    }
}

private struct SingleReader: SingleValueDecodingContainer {
    let reader: BinaryReader
    let offset: Int
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { (try? reader.isNull(offset)) ?? false }
    func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(offset) }
    func decode(_ type: String.Type) throws -> String { try reader.string(offset) }
    func decode(_ type: Double.Type) throws -> Double { try reader.double(offset) }
    func decode(_ type: Float.Type) throws -> Float { try reader.float(offset) }
    func decode(_ type: Int.Type) throws -> Int { try reader.integer(offset, type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try reader.integer(offset, type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try reader.integer(offset, type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try reader.integer(offset, type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try reader.integer(offset, type) }
    func decode(_ type: UInt.Type) throws -> UInt { try reader.integer(offset, type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.integer(offset, type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.integer(offset, type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.integer(offset, type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.integer(offset, type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: BinaryDecoderImpl(reader: reader, offset: offset))
    }
}
