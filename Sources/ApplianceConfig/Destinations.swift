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

/// One destination controls entry. A nil setting means "use Default".
public struct DestinationEntry: Sendable, Equatable, Codable {
    /// Lower case; `.example.com` means the subdomains of example.com.
    public var domain: String
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
    public var bounceProfile: String?
    public var ipPreference: IPPreference?

    public init(domain: String, tls: OutboundTLS? = nil) {
        self.domain = domain
        self.tls = tls
    }

    /// Whether the entry has a rate limit of its own (LIST's "Rate Limiting" column).
    public var hasOwnRateLimit: Bool { maxConcurrency != nil || recipientLimit != nil }
}

/// The Default destination entry and the global outbound settings of `destconfig SETUP`.
public struct DestinationDefaults: Sendable, Equatable, Codable {
    public var maxConcurrency: Int
    public var maxMessagesPerConnection: Int
    /// 0 = no limit.
    public var recipientLimit: Int
    public var recipientLimitPeriod: Int
    public var limitType: DestinationLimitType
    public var limitApplies: DestinationLimitScope
    public var tls: OutboundTLS
    public var bounceVerification: Bool
    public var bounceProfile: String
    public var ipPreference: IPPreference
    /// The certificate offered on every outgoing TLS connection.
    public var outboundCertificate: String?
    /// Send an alert when a delivery to a Required destination fails for lack of TLS.
    public var requiredTLSAlert: Bool

    /// The only bounce profile of `esa`.
    public static let bounceProfileName = "Default"

    /// The factory values (destconfig.md §8).
    public init(outboundCertificate: String? = nil) {
        maxConcurrency = 500
        maxMessagesPerConnection = 50
        recipientLimit = 0
        recipientLimitPeriod = 60
        limitType = .host
        limitApplies = .system
        tls = .no
        bounceVerification = false
        bounceProfile = Self.bounceProfileName
        ipPreference = .ipv4Preferred
        self.outboundCertificate = outboundCertificate
        requiredTLSAlert = false
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
    /// at most 253 characters, no empty label. Returns the lower-case form, or nil.
    public static func normalizedDomain(_ text: String) -> String? {
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
        return text.lowercased()
    }
}
