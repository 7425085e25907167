import FoundationEssentials

/// Sections of the configuration the XML codec has no element layout for yet travel through their
/// own `Codable` form: `<listener_settings format="json">{…}</listener_settings>`. Nothing is lost
/// when a section is added before its XML layout; once a section gets one, its table entry
/// declares it (`ConfigurationSection.xml`) and its element goes in `XMLCodec.fileOrder`.
enum XMLExtraSections {
    /// The `ApplianceConfiguration` coding keys written as structured elements (their table entry
    /// declares an XML layout).
    static let structured = Set(ApplianceConfiguration.table.filter { $0.xml != nil }.map(\.property))

    /// The other sections as (element name, pretty JSON), in name order.
    static func encode(_ configuration: ApplianceConfiguration) throws -> [(element: String, json: String)] {
        let object = try jsonObject(configuration)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try object.keys.sorted().filter { !structured.contains($0) }.map { key in
            (elementName(key), String(decoding: try encoder.encode(object[key]!), as: UTF8.self))
        }
    }

    /// Puts the sections read from `nodes` into `configuration`.
    static func decode(
        _ nodes: [XMLNode],
        into configuration: ApplianceConfiguration
    ) throws(XMLConfigError)
        -> ApplianceConfiguration
    {
        guard let first = nodes.first else { return configuration }
        var object: [String: JSONValue]
        do {
            object = try jsonObject(configuration)
        } catch {
            throw XMLConfigError(.invalid, line: first.line, .cannotRebuild)
        }
        var seen = Set<String>()
        for node in nodes {
            guard seen.insert(node.name).inserted else {
                throw XMLConfigError(.invalid, line: node.line, .repeatedElement(node.name, in: "config"))
            }
            let key = codingKey(node.name)
            guard !structured.contains(key) else {
                throw XMLConfigError(.invalid, line: node.line, .givenAsJSON(node.name))
            }
            do {
                object[key] = try JSONDecoder().decode(JSONValue.self, from: Data(node.text.utf8))
            } catch {
                throw XMLConfigError(.invalid, line: node.line, .invalidJSON(node.name))
            }
        }
        let decoded: ApplianceConfiguration
        do {
            let data = try JSONEncoder().encode(object)
            decoded = try JSONDecoder().decode(ApplianceConfiguration.self, from: data)
        } catch let error as DecodingError {
            let (path, line) = describe(error, nodes)
            throw XMLConfigError(.invalid, line: line, .invalidValue(at: path))
        } catch {
            throw XMLConfigError(.invalid, line: first.line, .cannotRebuild)
        }
        // A section this version does not know would be dropped silently: refuse it instead.
        let known = (try? jsonObject(decoded)) ?? [:]
        if let unknown = nodes.first(where: { known[codingKey($0.name)] == nil }) {
            throw XMLConfigError(.invalid, line: unknown.line, .unknownElement(unknown.name, in: "config"))
        }
        return decoded
    }

    private static func jsonObject(_ configuration: ApplianceConfiguration) throws -> [String: JSONValue] {
        try JSONDecoder().decode([String: JSONValue].self, from: try JSONEncoder().encode(configuration))
    }

    private static func describe(_ error: DecodingError, _ nodes: [XMLNode]) -> (String, Int) {
        let path: [any CodingKey]
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            path = context.codingPath
        @unknown default:
            path = []
        }
        let element = path.first.map { elementName($0.stringValue) }
        let line = nodes.first { $0.name == element }?.line ?? nodes[0].line
        let text = path.dropFirst().map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        let inner = text.hasPrefix(".") ? String(text.dropFirst()) : text
        return ("<\(element ?? nodes[0].name)>" + (inner.isEmpty ? "" : " " + inner), line)
    }

    /// `listenerSettings` → `listener_settings`.
    static func elementName(_ key: String) -> String {
        var out = ""
        for character in key {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// `listener_settings` → `listenerSettings`.
    static func codingKey(_ element: String) -> String {
        let parts = element.split(separator: "_", omittingEmptySubsequences: false)
        return parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
    }
}

/// Any JSON value, kept as read (what `JSONSerialization` gave as `Any` before issue 13): a section
/// travels through it from the configuration's `Codable` form to its element and back.
enum JSONValue: Codable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .unsigned(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .unsigned(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
