import Foundation

/// Sections of the configuration the XML codec has no element layout for yet travel through their
/// own `Codable` form: `<listener_settings format="json">{…}</listener_settings>`. Nothing is lost
/// when a section is added before its XML layout; once a section gets one, add its key to
/// `structured` and write it in `XMLCodec.encode`.
enum XMLExtraSections {
    /// The `ApplianceConfiguration` coding keys written as structured elements.
    static let structured: Set<String> = [
        "hostname", "interfaces", "certificates", "certificateAuthorities", "revocationLists", "destinations",
        "destinationDefaults", "ldap", "webSecurity", "listeners", "listenerSettings", "alerts",
        "logging", "users", "userPolicy",
    ]

    /// The other sections as (element name, pretty JSON), in name order.
    static func encode(_ configuration: ApplianceConfiguration) throws -> [(element: String, json: String)] {
        let object = try jsonObject(configuration)
        return try object.keys.sorted().filter { !structured.contains($0) }.map { key in
            let data = try JSONSerialization.data(
                withJSONObject: object[key]!,
                options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]
            )
            return (elementName(key), String(decoding: data, as: UTF8.self))
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
        var object: [String: Any]
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
                object[key] = try JSONSerialization.jsonObject(with: Data(node.text.utf8), options: .fragmentsAllowed)
            } catch {
                throw XMLConfigError(.invalid, line: node.line, .invalidJSON(node.name))
            }
        }
        let decoded: ApplianceConfiguration
        do {
            let data = try JSONSerialization.data(withJSONObject: object)
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

    private static func jsonObject(_ configuration: ApplianceConfiguration) throws -> [String: Any] {
        let data = try JSONEncoder().encode(configuration)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
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
