import DomainNames
import FoundationEssentials

/// Outbound TLS level of a destination (destconfig.md §5.2).
public enum OutboundTLS: String, Sendable, Equatable, Codable, CaseIterable {
    case no, preferred, required
    case preferredVerify = "preferred-verify"
    case requiredVerify = "required-verify"

    /// The item of the `Do you want to use TLS support?` list.
    public var menuLabel: String {
        switch self {
        case .no: "No"
        case .preferred: "Preferred"
        case .required: "Required"
        case .preferredVerify: "Preferred - Verify"
        case .requiredVerify: "Required - Verify"
        }
    }

    /// The value shown by DETAIL (**exact**).
    public var detailLabel: String {
        switch self {
        case .no: "No"
        case .preferred: "Preferred"
        case .required: "Required"
        case .preferredVerify: "Preferred (Verify)"
        case .requiredVerify: "Required (Verify)"
        }
    }

    /// The column of LIST.
    public var listLabel: String {
        switch self {
        case .no: "Off"
        case .preferred: "On"
        case .required: "Req"
        case .preferredVerify: "On (Verify)"
        case .requiredVerify: "Req (Verify)"
        }
    }

    /// The value of the batch option `--tls=`.
    public var batchName: String {
        switch self {
        case .no: "off"
        case .preferred: "on"
        case .required: "require"
        case .preferredVerify: "on_verify"
        case .requiredVerify: "require_verify"
        }
    }

    /// The value of the INI key `use_tls` (0–4), also the 0-based index of the menu item.
    public var number: Int {
        switch self {
        case .no: 0
        case .preferred: 1
        case .required: 2
        case .preferredVerify: 3
        case .requiredVerify: 4
        }
    }

    /// The level of an INI `use_tls` value or a 0-based menu index.
    public init?(number: Int) {
        guard let level = Self.allCases.first(where: { $0.number == number }) else { return nil }
        self = level
    }

    /// Every level but `no` uses TLS, and so the outbound certificate.
    public var usesTLS: Bool { self != .no }
}

/// IP address preference of a destination.
public enum IPPreference: String, Sendable, Equatable, CaseIterable, TolerantlyDecoded {
    /// What an unknown stored value reads as.
    public static let fallback = IPPreference.ipv4Preferred

    case ipv6Preferred = "IPv6 Preferred"
    case ipv6Required = "IPv6 Required"
    case ipv4Preferred = "IPv4 Preferred"
    case ipv4Required = "IPv4 Required"

    /// The value of the batch option `--ip_sort_pref=`.
    public var batchName: String {
        switch self {
        case .ipv6Preferred: "prefer_v6"
        case .ipv6Required: "require_v6"
        case .ipv4Preferred: "prefer_v4"
        case .ipv4Required: "require_v4"
        }
    }

    /// The value of the INI key `ip_sort_pref`, in the appliance's own mixed case (**exact**).
    public var iniName: String {
        switch self {
        case .ipv6Preferred: "PREFER_V6"
        case .ipv6Required: "REQUIRE_v6"
        case .ipv4Preferred: "PREFER_V4"
        case .ipv4Required: "REQUIRE_v4"
        }
    }
}

/// How a rate limit counts: for the whole domain (`host`) or per mail exchanger IP (`MXIP`).
public enum DestinationLimitType: String, Sendable, Equatable, CaseIterable, TolerantlyDecoded {
    /// What an unknown stored value reads as.
    public static let fallback = DestinationLimitType.host

    case host = "host"
    case mxIP = "MXIP"

    /// DETAIL's wording.
    public var detailLabel: String { self == .host ? "Per Domain" : "Per MX IP" }
}

/// Where a rate limit applies: system wide or per virtual gateway.
public enum DestinationLimitScope: String, Sendable, Equatable, CaseIterable, TolerantlyDecoded {
    /// What an unknown stored value reads as.
    public static let fallback = DestinationLimitScope.system

    case system = "system"
    case virtualGateway = "VG"

    /// DETAIL's wording.
    public var detailLabel: String { self == .system ? "System Wide" : "Per Virtual Gateway" }
}

/// A setting stored as its raw value (`host`, `VG`, `IPv4 Preferred`), so that stored revisions and
/// files keep reading: a value this version does not know reads as `fallback` instead of making the
/// whole configuration unreadable.
public protocol TolerantlyDecoded: RawRepresentable<String>, Codable {
    static var fallback: Self { get }
}

extension TolerantlyDecoded {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = Self(rawValue: raw) ?? .fallback
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Bounce profiles (`esa` has one, `Default`; a name compares exactly and is found ignoring case).
public enum BounceProfiles: FoldedNameKind {}
/// A destination's bounce profile (`DestinationDefaults.bounceProfileName`, the only one).
public typealias BounceProfileName = Name<BounceProfiles>

extension Name where Kind == BounceProfiles {
    /// Whether this names the only bounce profile of `esa`, in any case.
    public var isDefaultProfile: Bool { names(DestinationDefaults.bounceProfileName) }
}

/// The ten settings a destination entry has (destconfig.md §2). A nil setting means "use Default";
/// the Default entry has every one set. `DestinationEntry` and `DestinationDefaults` both hold this
/// one type, and `resolved(against:)` is the one rule that combines them.
public struct DestinationSettings: Sendable, Equatable {
    public var ipPreference: IPPreference?
    public var maxConcurrency: Int?
    public var maxMessagesPerConnection: Int?
    /// 0 = no limit.
    public var recipientLimit: Int?
    /// Minutes over which recipients are counted.
    public var recipientLimitPeriod: Int?
    public var limitType: DestinationLimitType?
    public var limitApplies: DestinationLimitScope?
    public var tls: OutboundTLS?
    public var bounceVerification: Bool?
    public var bounceProfile: BounceProfileName?

    public init(
        ipPreference: IPPreference? = nil,
        maxConcurrency: Int? = nil,
        maxMessagesPerConnection: Int? = nil,
        recipientLimit: Int? = nil,
        recipientLimitPeriod: Int? = nil,
        limitType: DestinationLimitType? = nil,
        limitApplies: DestinationLimitScope? = nil,
        tls: OutboundTLS? = nil,
        bounceVerification: Bool? = nil,
        bounceProfile: BounceProfileName? = nil
    ) {
        self.ipPreference = ipPreference
        self.maxConcurrency = maxConcurrency
        self.maxMessagesPerConnection = maxMessagesPerConnection
        self.recipientLimit = recipientLimit
        self.recipientLimitPeriod = recipientLimitPeriod
        self.limitType = limitType
        self.limitApplies = limitApplies
        self.tls = tls
        self.bounceVerification = bounceVerification
        self.bounceProfile = bounceProfile
    }

    /// The Default entry of a new appliance (destconfig.md §8): every setting set.
    public static let factory = DestinationSettings(
        ipPreference: .ipv4Preferred,
        maxConcurrency: 500,
        maxMessagesPerConnection: 50,
        recipientLimit: 0,
        recipientLimitPeriod: 60,
        limitType: .host,
        limitApplies: .system,
        tls: .no,
        bounceVerification: false,
        bounceProfile: DestinationDefaults.bounceProfileName
    )

    /// Every setting, for the resolution rule and the test that keeps `factory` complete.
    static let all: [PartialKeyPath<DestinationSettings> & Sendable] = [
        \.ipPreference, \.maxConcurrency, \.maxMessagesPerConnection, \.recipientLimit, \.recipientLimitPeriod,
        \.limitType, \.limitApplies, \.tls, \.bounceVerification, \.bounceProfile,
    ]

    /// Whether no setting is set (an entry that uses Default throughout).
    public var isEmpty: Bool { self == DestinationSettings() }

    /// The settings in effect: each one set here wins, each unset one is the Default entry's.
    public func resolved(against defaults: DestinationDefaults) -> ResolvedDestinationSettings {
        ResolvedDestinationSettings(own: self, defaults: defaults.controls)
    }
}

/// One setting of a destination given on its own — a line of the destination INI file, a destconfig
/// option: its field of `DestinationSettings` and the value, nil for "use Default" (which only a
/// domain's entry has; on the Default entry a nil changes nothing).
public struct DestinationSettingChange: Sendable {
    private let assign: @Sendable (inout DestinationSettings) -> Void
    /// Whether the value is nil ("use Default").
    public let isNil: Bool

    public init<Value: Sendable>(_ field: WritableKeyPath<DestinationSettings, Value?> & Sendable, _ value: Value?) {
        assign = { $0[keyPath: field] = value }
        isNil = value == nil
    }

    public func apply(to entry: inout DestinationEntry) { assign(&entry.controls) }

    public func apply(to defaults: inout DestinationDefaults) {
        if !isNil { assign(&defaults.controls) }
    }
}

/// A destination's settings in effect (its own, else the Default entry's, else the factory value):
/// `resolved.tls` is an `OutboundTLS`, never "use Default".
@dynamicMemberLookup
public struct ResolvedDestinationSettings: Sendable, Equatable {
    /// The entry's own settings (nil: it uses Default).
    public let own: DestinationSettings
    let defaults: DestinationSettings

    public subscript<Value>(dynamicMember path: KeyPath<DestinationSettings, Value?>) -> Value {
        own[keyPath: path] ?? defaults[keyPath: path] ?? DestinationSettings.factory[keyPath: path]!
    }

    /// Whether this setting is the entry's own (DETAIL shows "Default" otherwise).
    public func isOwn<Value>(_ path: KeyPath<DestinationSettings, Value?>) -> Bool { own[keyPath: path] != nil }
}

/// The stored keys of destination settings, one list for the entries and the Default entry: the
/// encoded revisions keep the flat shape they had before `DestinationSettings` existed.
enum DestinationCodingKey: String, CodingKey {
    case domain
    case maxConcurrency, maxMessagesPerConnection, recipientLimit, recipientLimitPeriod, limitType, limitApplies
    case tls, bounceVerification, bounceProfile, ipPreference
    case outboundCertificate, requiredTLSAlert
}

extension DestinationSettings {
    init(from c: KeyedDecodingContainer<DestinationCodingKey>) throws {
        self.init(
            ipPreference: try c.decodeIfPresent(IPPreference.self, forKey: .ipPreference),
            maxConcurrency: try c.decodeIfPresent(Int.self, forKey: .maxConcurrency),
            maxMessagesPerConnection: try c.decodeIfPresent(Int.self, forKey: .maxMessagesPerConnection),
            recipientLimit: try c.decodeIfPresent(Int.self, forKey: .recipientLimit),
            recipientLimitPeriod: try c.decodeIfPresent(Int.self, forKey: .recipientLimitPeriod),
            limitType: try c.decodeIfPresent(DestinationLimitType.self, forKey: .limitType),
            limitApplies: try c.decodeIfPresent(DestinationLimitScope.self, forKey: .limitApplies),
            tls: try c.decodeIfPresent(OutboundTLS.self, forKey: .tls),
            bounceVerification: try c.decodeIfPresent(Bool.self, forKey: .bounceVerification),
            bounceProfile: try c.decodeIfPresent(BounceProfileName.self, forKey: .bounceProfile)
        )
    }

    /// In the order the stored revisions have them (so an unchanged entry encodes to the same bytes).
    func encode(to c: inout KeyedEncodingContainer<DestinationCodingKey>) throws {
        try c.encodeIfPresent(maxConcurrency, forKey: .maxConcurrency)
        try c.encodeIfPresent(maxMessagesPerConnection, forKey: .maxMessagesPerConnection)
        try c.encodeIfPresent(recipientLimit, forKey: .recipientLimit)
        try c.encodeIfPresent(recipientLimitPeriod, forKey: .recipientLimitPeriod)
        try c.encodeIfPresent(limitType, forKey: .limitType)
        try c.encodeIfPresent(limitApplies, forKey: .limitApplies)
        try c.encodeIfPresent(tls, forKey: .tls)
        try c.encodeIfPresent(bounceVerification, forKey: .bounceVerification)
        try c.encodeIfPresent(bounceProfile, forKey: .bounceProfile)
        try c.encodeIfPresent(ipPreference, forKey: .ipPreference)
    }
}

/// One destination controls entry: a domain and its own settings (`entry.tls` reads and writes
/// `entry.controls.tls`).
@dynamicMemberLookup
public struct DestinationEntry: Sendable, Equatable, Codable {
    /// As destconfig stores it (lower case); `.example.com` means the subdomains of example.com. It
    /// compares exactly (a case-only change is a change); the section finds it ignoring case
    /// (`destinations[HostName("Example.COM")]`).
    public var domain: HostName
    public var controls: DestinationSettings

    public init(domain: HostName, tls: OutboundTLS? = nil) {
        self.domain = domain
        self.controls = DestinationSettings(tls: tls)
    }

    public init(domain: HostName, controls: DestinationSettings) {
        self.domain = domain
        self.controls = controls
    }

    public subscript<Value>(dynamicMember path: WritableKeyPath<DestinationSettings, Value>) -> Value {
        get { controls[keyPath: path] }
        set { controls[keyPath: path] = newValue }
    }

    /// Whether the entry has a rate limit of its own (LIST's "Rate Limiting" column).
    public var hasOwnRateLimit: Bool { controls.maxConcurrency != nil || controls.recipientLimit != nil }

    /// The entry's settings in effect.
    public func resolved(against defaults: DestinationDefaults) -> ResolvedDestinationSettings {
        controls.resolved(against: defaults)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: DestinationCodingKey.self)
        domain = try c.decode(HostName.self, forKey: .domain)
        controls = try DestinationSettings(from: c)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DestinationCodingKey.self)
        try c.encode(domain, forKey: .domain)
        try controls.encode(to: &c)
    }
}

/// The Default destination entry and the global outbound settings of `destconfig SETUP`.
/// `defaults.tls` is the Default entry's level (never "use Default").
@dynamicMemberLookup
public struct DestinationDefaults: Sendable, Equatable, Codable {
    /// The Default entry; a setting left unset reads as its factory value.
    public var controls: DestinationSettings
    /// The certificate offered on every outgoing TLS connection.
    public var outboundCertificate: ProfileName?
    /// Send an alert when a delivery to a Required destination fails for lack of TLS.
    public var requiredTLSAlert: Bool

    /// The only bounce profile of `esa`.
    public static let bounceProfileName: BounceProfileName = "Default"

    /// The factory values (destconfig.md §8).
    public init(outboundCertificate: ProfileName? = nil) {
        controls = .factory
        self.outboundCertificate = outboundCertificate
        requiredTLSAlert = false
    }

    public subscript<Value>(dynamicMember path: WritableKeyPath<DestinationSettings, Value?>) -> Value {
        get { controls[keyPath: path] ?? DestinationSettings.factory[keyPath: path]! }
        set { controls[keyPath: path] = newValue }
    }

    /// The Default entry's settings in effect.
    public var resolved: ResolvedDestinationSettings { DestinationSettings().resolved(against: self) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: DestinationCodingKey.self)
        // Every setting was stored; one missing (a damaged or hand-made revision) takes the factory value.
        controls = try DestinationSettings(from: c).resolved(against: DestinationDefaults()).complete
        outboundCertificate = try c.decodeIfPresent(ProfileName.self, forKey: .outboundCertificate)
        requiredTLSAlert = try c.decode(Bool.self, forKey: .requiredTLSAlert)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DestinationCodingKey.self)
        try resolved.complete.encode(to: &c)
        try c.encodeIfPresent(outboundCertificate, forKey: .outboundCertificate)
        try c.encode(requiredTLSAlert, forKey: .requiredTLSAlert)
    }
}

extension ResolvedDestinationSettings {
    /// Every setting set, to its value in effect.
    public var complete: DestinationSettings {
        DestinationSettings(
            ipPreference: self.ipPreference,
            maxConcurrency: self.maxConcurrency,
            maxMessagesPerConnection: self.maxMessagesPerConnection,
            recipientLimit: self.recipientLimit,
            recipientLimitPeriod: self.recipientLimitPeriod,
            limitType: self.limitType,
            limitApplies: self.limitApplies,
            tls: self.tls,
            bounceVerification: self.bounceVerification,
            bounceProfile: self.bounceProfile
        )
    }
}

extension ApplianceConfiguration {
    /// The entry that governs delivery to `domain` (destconfig.md §2): `example.com` matches that
    /// domain, `.example.com` its subdomains; the most specific entry wins. Nil: the Default entry.
    public func destinationEntry(forDomain domain: String) -> DestinationEntry? {
        for candidate in DestinationLimits.matchingNames(forDomain: domain) {
            if let entry = destinations[candidate] { return entry }
        }
        return nil
    }

    /// The settings in effect for delivery to `domain`: the most specific entry's own, else Default's.
    public func destinationSettings(forDomain domain: String) -> ResolvedDestinationSettings {
        (destinationEntry(forDomain: domain)?.controls ?? DestinationSettings()).resolved(against: destinationDefaults)
    }
}

/// Limits of the destination settings (destconfig.md §1).
public enum DestinationLimits {
    public static let concurrency = 1...1000
    public static let messagesPerConnection = 1...1000
    /// 0 means no limit.
    public static let recipients = 0...1_000_000
    public static let minutes = 1...60

    /// A domain as destconfig accepts it: `name` or `.name`, letters, digits, hyphens and dots,
    /// at most 253 characters, no empty label. Returns the lower-case form (as entries store it), or nil.
    public static func normalizedDomain(_ text: String) -> HostName? {
        guard !text.isEmpty, text.utf8.count <= 253 else { return nil }
        var body = Substring(text)
        if body.hasPrefix(".") { body = body.dropFirst() }
        guard !body.isEmpty, !body.hasPrefix("."), !body.hasSuffix("."), !body.contains("..") else { return nil }
        for byte in body.utf8 {
            let ok =
                (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2d || byte == 0x2e
            guard ok else { return nil }
        }
        return HostName(text.lowercased())
    }

    /// The entry names that can govern `domain`, most specific first: `a.b.example`,
    /// `.b.example`, `.example` (each finds its entry ignoring case).
    public static func matchingNames(forDomain domain: String) -> [HostName] {
        var names = [HostName(domain)]
        var rest = Substring(domain)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[dot...]
            names.append(HostName(String(rest)))
            rest = rest.dropFirst()
        }
        return names
    }
}
