import Foundation

/// Public listeners accept mail for the domains of their RAT; private ones relay for their hosts.
public enum ListenerKind: String, Sendable, Equatable, Codable {
    case `public`, `private`
}

/// The action of a mail flow policy or of an inline HAT entry.
public enum HostAccessAction: String, Sendable, Equatable, Codable, CaseIterable {
    case accept = "ACCEPT"
    case relay = "RELAY"
    case reject = "REJECT"
    case tcpRefuse = "TCPREFUSE"
    case `continue` = "CONTINUE"
}

/// What a sender group, an inline entry or `ALL` does: a policy (`$NAME`) or a bare action.
public enum HostAccessBehavior: Sendable, Equatable, Codable {
    case policy(String)
    case action(HostAccessAction)
}

/// Inbound TLS of a mail flow policy (the `tls` key of the HAT text format).
public enum InboundTLS: String, Sendable, Equatable, Codable, CaseIterable {
    case off
    case on
    case required
    case onVerify = "on_verify"
    case requireVerify = "require_verify"
}

/// SMTP AUTH of a mail flow policy.
public enum SMTPAuthentication: String, Sendable, Equatable, Codable, CaseIterable {
    case off, on, required
}

/// Mail flow policy parameters. In the HAT defaults every value is set; in a policy only its
/// overrides are (nil = use the default).
public struct MailFlowParameters: Sendable, Equatable, Codable {
    public var spamCheck: Bool?
    public var maxMessagesPerSession: Int?
    public var maxConcurrency: Int?
    public var maxRecipientsPerMessage: Int?
    /// -1 = no limit.
    public var maxRecipientsPerHour: Int?
    /// 0 disables Directory Harvest Attack Prevention.
    public var dhapLimit: Int?
    public var virusCheck: Bool?
    /// Bytes.
    public var maxMessageSize: Int?
    public var useSenderBase: Bool?
    public var tls: InboundTLS?
    public var smtpAuth: SMTPAuthentication?
    public var smtpAuthRequireTLS: Bool?

    public init(
        spamCheck: Bool? = nil,
        maxMessagesPerSession: Int? = nil,
        maxConcurrency: Int? = nil,
        maxRecipientsPerMessage: Int? = nil,
        maxRecipientsPerHour: Int? = nil,
        dhapLimit: Int? = nil,
        virusCheck: Bool? = nil,
        maxMessageSize: Int? = nil,
        useSenderBase: Bool? = nil,
        tls: InboundTLS? = nil,
        smtpAuth: SMTPAuthentication? = nil,
        smtpAuthRequireTLS: Bool? = nil
    ) {
        self.spamCheck = spamCheck
        self.maxMessagesPerSession = maxMessagesPerSession
        self.maxConcurrency = maxConcurrency
        self.maxRecipientsPerMessage = maxRecipientsPerMessage
        self.maxRecipientsPerHour = maxRecipientsPerHour
        self.dhapLimit = dhapLimit
        self.virusCheck = virusCheck
        self.maxMessageSize = maxMessageSize
        self.useSenderBase = useSenderBase
        self.tls = tls
        self.smtpAuth = smtpAuth
        self.smtpAuthRequireTLS = smtpAuthRequireTLS
    }

    /// The HAT defaults of a new listener (listenerconfig.md §5).
    public static let factoryDefaults = MailFlowParameters(
        spamCheck: true,
        maxMessagesPerSession: 10,
        maxConcurrency: 10,
        maxRecipientsPerMessage: 50,
        maxRecipientsPerHour: -1,
        dhapLimit: 25,
        virusCheck: true,
        maxMessageSize: 10 * 1_048_576,
        useSenderBase: true,
        tls: .off,
        smtpAuth: .off,
        smtpAuthRequireTLS: false
    )
}

/// A mail flow policy: `$NAME`, an action, parameter overrides.
public struct MailFlowPolicy: Sendable, Equatable, Codable {
    public var name: String
    public var action: HostAccessAction
    public var parameters: MailFlowParameters

    public init(name: String, action: HostAccessAction, parameters: MailFlowParameters = .init()) {
        self.name = name
        self.action = action
        self.parameters = parameters
    }
}

/// A sender group (named) or an inline entry (no name, one member).
public struct HostAccessEntry: Sendable, Equatable, Codable {
    /// nil for an inline entry.
    public var name: String?
    /// Addresses, CIDR blocks, ranges, partial addresses, host names, `sbrs[…]`, `dnslist[…]`.
    public var members: [String]
    public var behavior: HostAccessBehavior
    public var comment: String?

    public init(name: String?, members: [String], behavior: HostAccessBehavior, comment: String? = nil) {
        self.name = name
        self.members = members
        self.behavior = behavior
        self.comment = comment
    }
}

/// A listener's Host Access Table: the defaults, the policies, the entries in order, and `ALL`.
public struct HostAccessTable: Sendable, Equatable, Codable {
    public var defaults: MailFlowParameters
    public var policies: [MailFlowPolicy]
    public var entries: [HostAccessEntry]
    public var all: HostAccessBehavior

    public init(
        defaults: MailFlowParameters = .factoryDefaults,
        policies: [MailFlowPolicy],
        entries: [HostAccessEntry],
        all: HostAccessBehavior
    ) {
        self.defaults = defaults
        self.policies = policies
        self.entries = entries
        self.all = all
    }

    /// The default HAT of a public listener (listenerconfig.md §4.2, §4.4).
    public static let publicDefault = HostAccessTable(
        policies: [
            MailFlowPolicy(name: "ACCEPTED", action: .accept),
            MailFlowPolicy(
                name: "THROTTLED",
                action: .accept,
                parameters: MailFlowParameters(
                    spamCheck: true,
                    maxMessagesPerSession: 10,
                    maxConcurrency: 10,
                    maxRecipientsPerMessage: 25,
                    maxRecipientsPerHour: 1,
                    dhapLimit: 0,
                    virusCheck: true,
                    maxMessageSize: 1_048_576,
                    useSenderBase: true,
                    tls: .off
                )
            ),
            MailFlowPolicy(
                name: "TRUSTED",
                action: .accept,
                parameters: MailFlowParameters(
                    spamCheck: false,
                    maxMessagesPerSession: 5000,
                    maxConcurrency: 600,
                    maxRecipientsPerMessage: 5000,
                    maxRecipientsPerHour: -1,
                    dhapLimit: 0,
                    virusCheck: true,
                    maxMessageSize: 104_857_600,
                    useSenderBase: false,
                    tls: .off
                )
            ),
            MailFlowPolicy(name: "BLOCKED", action: .reject),
        ],
        entries: [
            HostAccessEntry(
                name: "WHITELIST",
                members: [],
                behavior: .policy("TRUSTED"),
                comment: "My trusted senders have no anti-spam scanning or rate limiting"
            ),
            HostAccessEntry(
                name: "BLACKLIST",
                members: [],
                behavior: .policy("BLOCKED"),
                comment: "Spammers are rejected"
            ),
            HostAccessEntry(
                name: "SUSPECTLIST",
                members: [],
                behavior: .policy("THROTTLED"),
                comment: "Suspicious senders are throttled"
            ),
            HostAccessEntry(
                name: "UNKNOWNLIST",
                members: [],
                behavior: .policy("ACCEPTED"),
                comment: "Reviewed but undecided, continue normal acceptance"
            ),
        ],
        all: .policy("ACCEPTED")
    )

    /// The default HAT of a private listener relaying for `relayHosts` (listenerconfig.md §4.4).
    public static func privateDefault(relayHosts: [String]) -> HostAccessTable {
        HostAccessTable(
            policies: [
                MailFlowPolicy(name: "RELAYED", action: .relay),
                MailFlowPolicy(name: "BLOCKED", action: .reject),
            ],
            entries: [
                HostAccessEntry(
                    name: "RELAYLIST",
                    members: relayHosts,
                    behavior: .policy("RELAYED"),
                    comment: "Relayed mail from hosts in this list"
                )
            ],
            all: .policy("BLOCKED")
        )
    }
}

/// One Recipient Access Table entry: a domain pattern and whether mail for it is accepted.
public struct RecipientAccessEntry: Sendable, Equatable, Codable {
    /// `example.com`, `.example.com`, or `ALL`.
    public var pattern: String
    public var accept: Bool

    public init(pattern: String, accept: Bool) {
        self.pattern = pattern
        self.accept = accept
    }
}

/// An SMTP listener: an interface and port, its certificate for STARTTLS, its HAT and RAT.
public struct Listener: Sendable, Equatable, Codable {
    public var name: String
    public var kind: ListenerKind
    /// The name of an IP interface.
    public var interface: String
    public var port: Int
    /// The certificate profile offered by STARTTLS.
    public var certificate: String?
    /// Maximum concurrent connections to this listener.
    public var maxConnections: Int
    public var hostAccess: HostAccessTable
    /// In order; the last entry is `ALL`.
    public var recipientAccess: [RecipientAccessEntry]

    public init(
        name: String,
        kind: ListenerKind,
        interface: String,
        port: Int = 25,
        certificate: String?,
        maxConnections: Int = 50,
        hostAccess: HostAccessTable,
        recipientAccess: [RecipientAccessEntry]
    ) {
        self.name = name
        self.kind = kind
        self.interface = interface
        self.port = port
        self.certificate = certificate
        self.maxConnections = maxConnections
        self.hostAccess = hostAccess
        self.recipientAccess = recipientAccess
    }
}

/// Settings for all listeners (listenerconfig SETUP).
public struct ListenerSettings: Sendable, Equatable, Codable {
    public var maxConcurrentConnections: Int
    public var connectionTimeoutSeconds: Int
    public var maxConnectionSeconds: Int

    public init(
        maxConcurrentConnections: Int = 300,
        connectionTimeoutSeconds: Int = 300,
        maxConnectionSeconds: Int = 900
    ) {
        self.maxConcurrentConnections = maxConcurrentConnections
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.maxConnectionSeconds = maxConnectionSeconds
    }
}
