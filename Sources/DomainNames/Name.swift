/// A name as the configuration stores it (an object's name or a reference to one): shown and
/// compared exactly as written, found ignoring case through `key`. `Kind` keeps names of different
/// things apart (a listener name is not a profile name).
///
/// Equality is exact on purpose: the model's synthesized `Equatable` drives diff and merge, so a
/// rename or a reference that only changes case (`Data1` → `data1`) must compare unequal, or
/// showchanges and commit would lose it. Whether two names name the same thing is `names(_:)` (or
/// `key ==`); a keyed section is searched with the name itself (`config.listeners[name]`).
///
/// Encoded as its text alone, so a model that stores a `Name` where it stored a `String` reads and
/// writes the same revisions and files.
public struct Name<Kind: FoldedNameKind>: Sendable, Hashable, CustomStringConvertible, Codable,
    ExpressibleByStringLiteral
{
    /// The name as typed or stored.
    public var text: String

    public init(_ text: String) { self.text = text }

    public init(stringLiteral text: String) { self.init(text) }

    public var description: String { text }

    /// The form lookups compare (case folded).
    public var key: FoldedName<Kind> { FoldedName(text) }

    /// Whether `other` (nil: none) names the same thing, ignoring case.
    public func names(_ other: Self?) -> Bool { other.map { $0.key == key } ?? false }

    /// Whether the text `other` (nil: none) names the same thing, ignoring case.
    public func names(_ other: String?) -> Bool { key.names(other) }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

extension Sequence {
    /// The first element whose name (`key`) is `name`, ignoring case.
    public func first<Kind>(named name: Name<Kind>, by key: (Element) -> String?) -> Element? {
        first(named: name.key, by: key)
    }

    /// Whether an element's name (`key`) is `name`, ignoring case.
    public func contains<Kind>(named name: Name<Kind>, by key: (Element) -> String?) -> Bool {
        contains(named: name.key, by: key)
    }
}
