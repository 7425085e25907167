import ApplianceConfig
import DomainNames

/// What the translator needs of the committed configuration: each listener's interface and Host
/// Access Table, the destinations' TLS levels, and whether `tls=`/`result=` fields are written.
public struct MailLogSettings: Sendable, Equatable {
    public struct ListenerInfo: Sendable, Equatable {
        public var interfaceName: String
        public var interfaceAddress: String
        public var hostAccess: HostAccessTable

        public init(interfaceName: String, interfaceAddress: String, hostAccess: HostAccessTable) {
            self.interfaceName = interfaceName
            self.interfaceAddress = interfaceAddress
            self.hostAccess = hostAccess
        }
    }

    /// By listener name (the `{L}` of `esa/{L}/smtpd`).
    public var listeners: [String: ListenerInfo]
    /// Destination TLS levels by domain, found ignoring case (`.example.com` entries cover subdomains).
    public var destinations: [FoldedName<HostNames>: OutboundTLS]
    public var defaultTLS: OutboundTLS
    /// The address outbound connections are logged from (`New SMTP DCID … interface {address}`).
    public var outboundAddress: String
    /// mail-logs.md §6 (`tlslogconfig on`).
    public var tlsFields: Bool

    public init(
        listeners: [String: ListenerInfo] = [:],
        destinations: [FoldedName<HostNames>: OutboundTLS] = [:],
        defaultTLS: OutboundTLS = .no,
        outboundAddress: String = "0.0.0.0",
        tlsFields: Bool = false
    ) {
        self.listeners = listeners
        self.destinations = destinations
        self.defaultTLS = defaultTLS
        self.outboundAddress = outboundAddress
        self.tlsFields = tlsFields
    }

    /// The settings of a committed configuration (`tlslogconfig` included). Outbound connections are
    /// logged from the first interface's address.
    public init(configuration: ApplianceConfiguration) {
        var listeners: [String: ListenerInfo] = [:]
        for listener in configuration.listeners {
            let interface = configuration.interfaces[listener.interface]
            listeners[listener.name.text] = ListenerInfo(
                interfaceName: listener.interface.text,
                interfaceAddress: interface?.address ?? "0.0.0.0",
                hostAccess: listener.hostAccess
            )
        }
        var destinations: [FoldedName<HostNames>: OutboundTLS] = [:]
        for entry in configuration.destinations {
            destinations[entry.domain.key] = entry.resolved(against: configuration.destinationDefaults).tls
        }
        self.init(
            listeners: listeners,
            destinations: destinations,
            defaultTLS: configuration.destinationDefaults.tls,
            outboundAddress: configuration.interfaces.first?.address ?? "0.0.0.0",
            tlsFields: configuration.logging.tlsFields
        )
    }

    /// The TLS level of delivery to `domain`: the level in effect of the most specific entry
    /// (`ApplianceConfiguration.destinationSettings(forDomain:)`'s rule), else the default.
    public func tlsLevel(forDomain domain: String) -> OutboundTLS {
        for name in DestinationLimits.matchingNames(forDomain: domain) {
            if let level = destinations[name.key] { return level }
        }
        return defaultTLS
    }
}

extension OutboundTLS {
    /// The level in Postfix vocabulary (`tls=` field, mail-logs.md §6).
    public var postfixWord: String {
        switch self {
        case .no: "none"
        case .preferred: "may"
        case .required: "encrypt"
        case .preferredVerify: "may-verify"
        case .requiredVerify: "verify"
        }
    }

    var isVerify: Bool { self == .preferredVerify || self == .requiredVerify }
}

extension InboundTLS {
    /// The level in Postfix vocabulary (`tls=` field).
    public var postfixWord: String {
        switch self {
        case .off: "none"
        case .on: "may"
        case .required: "encrypt"
        case .onVerify: "may-verify"
        case .requireVerify: "verify"
        }
    }

    var isRequired: Bool { self == .required || self == .requireVerify }
}
