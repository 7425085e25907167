/// A name the appliance compares ignoring case and shows as typed or stored: `demo` finds the
/// profile `Demo`, `incomingmail` the listener `IncomingMail`. `Kind` keeps names of different
/// things apart (a listener name is not a profile name). Every comparison of such names goes
/// through this type, so none can forget to fold case.
///
/// Encoded as its text alone, so a model that stores a `FoldedName` where it stored a `String`
/// reads and writes the same revisions and files.
public struct FoldedName<Kind: FoldedNameKind>: Sendable, Hashable, CustomStringConvertible, Codable,
    ExpressibleByStringLiteral
{
    /// The name as typed or stored.
    public let text: String
    /// The form compared and hashed.
    public let folded: String

    public init(_ text: String) {
        self.text = text
        self.folded = text.caseFolded
    }

    public init(stringLiteral text: String) { self.init(text) }

    public var description: String { text }

    public static func == (a: Self, b: Self) -> Bool { a.folded == b.folded }

    public func hash(into hasher: inout Hasher) { hasher.combine(folded) }

    /// Whether `other` (a stored or typed name; nil: none) names the same thing.
    public func names(_ other: String?) -> Bool { other.map { Self($0) == self } ?? false }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

extension String {
    /// The text lower-cased as names are compared. Text that is ASCII with no capital letter is
    /// returned as it is, sharing its storage (`lowercased()` always copies): a section of 10,000
    /// lower-case names keyed by their folded form holds each name once.
    public var caseFolded: String {
        utf8.allSatisfy({ $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5A) }) ? self : lowercased()
    }
}

/// What a `FoldedName` names (a phantom type: no values).
public protocol FoldedNameKind: Sendable {}

extension Sequence {
    /// The first element whose name (`key`) is `name`, ignoring case.
    public func first<Kind>(named name: FoldedName<Kind>, by key: (Element) -> String?) -> Element? {
        first { name.names(key($0)) }
    }

    /// Whether an element's name (`key`) is `name`, ignoring case.
    public func contains<Kind>(named name: FoldedName<Kind>, by key: (Element) -> String?) -> Bool {
        contains { name.names(key($0)) }
    }
}

/// Host and domain names (DNS compares them ignoring case).
public enum HostNames: FoldedNameKind {}
public typealias HostName = Name<HostNames>

extension StringProtocol {
    /// Whether this text equals `other` when ASCII letters are folded to lower case (a keyword such
    /// as `[DEFAULT]`); every other character must match exactly.
    public func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        @inline(__always) func fold(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
        return utf8.count == other.utf8.count && zip(utf8, other.utf8).allSatisfy { fold($0) == fold($1) }
    }
}
