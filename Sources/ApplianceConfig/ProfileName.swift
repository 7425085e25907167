/// A certificate profile's name as the appliance compares it: ignoring case (`demo` finds `Demo`),
/// shown as stored. Every comparison of profile names goes through it, so none can forget to fold
/// case.
public struct ProfileName: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name as typed or stored.
    public let text: String
    private let folded: String

    public init(_ text: String) {
        self.text = text
        self.folded = text.lowercased()
    }

    public init(stringLiteral text: String) { self.init(text) }

    /// The factory profile, which cannot be deleted and draws a warning wherever it is chosen.
    public static let demo = ProfileName(ApplianceConfiguration.demoProfileName)

    public var isDemo: Bool { self == .demo }

    /// Whether `other` (a stored reference such as a listener's certificate; nil: none) names this profile.
    public func names(_ other: String?) -> Bool { other.map { ProfileName($0) == self } ?? false }

    public var description: String { text }

    public static func == (a: ProfileName, b: ProfileName) -> Bool { a.folded == b.folded }

    public func hash(into hasher: inout Hasher) { hasher.combine(folded) }
}
