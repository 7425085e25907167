import ApplianceConfig

/// Everything the translator remembers between lines — and across restarts of `esa serve`: the
/// ICID/MID/DCID counters, the connections and messages still open, the counts `status` shows.
/// Small: it grows with open connections and queued messages, not with the log.
public struct MailLogState: Sendable, Equatable, Codable {
    /// The last ids handed out (0 = none yet; the first is 1).
    public var lastICID = 0
    public var lastMID = 0
    public var lastDCID = 0
    /// Open inbound connections by smtpd process id.
    var inbound: [Int: InboundConnection] = [:]
    /// Messages in the queue by Postfix queue id.
    var messages: [String: MessageRecord] = [:]
    /// Outbound connections seen but not yet ended, by smtp process id.
    var outbound: [Int: OutboundConnection] = [:]
    /// The DCID last used to `[ip]:port`, for deliveries on a cached connection (`conn_use=2`).
    var relayDCIDs: [String: Int] = [:]
    /// Lifetime counts (the `status` command's Lifetime column).
    public var counters = MailCounters()
    /// Per recipient domain (the `hoststatus` command).
    public var hosts: [String: HostRecord] = [:]
    /// Where the translator stopped reading Postfix's log: byte offset and the file's identity.
    public var inputOffset: UInt64 = 0
    public var inputIdentity: String = ""

    public init() {}
}

/// Counts of what the mail log recorded (gateway-commands.md §1 labels).
public struct MailCounters: Sendable, Equatable, Codable {
    public var messagesReceived = 0
    public var recipientsReceived = 0
    public var generatedBounceRecipients = 0
    public var rejectedRecipients = 0
    public var softBouncedEvents = 0
    public var completedRecipients = 0
    public var hardBouncedRecipients = 0
    public var dnsHardBounces = 0
    public var fiveXXHardBounces = 0
    public var expiredHardBounces = 0
    public var otherHardBounces = 0
    public var deliveredRecipients = 0
    public var deletedRecipients = 0
    public var inboundConnections = 0
    public var outboundConnections = 0

    public init() {}
}

/// What the log says about deliveries to one recipient domain.
public struct HostRecord: Sendable, Equatable, Codable {
    public var softBouncedEvents = 0
    public var hardBouncedRecipients = 0
    public var fiveXXHardBounces = 0
    /// Optional: state files written before these were counted per domain have none.
    public var dnsHardBounces: Int?
    public var otherHardBounces: Int?
    public var expiredHardBounces: Int?
    public var deletedRecipients: Int?
    public var deliveredRecipients = 0
    public var lastActivity: LogTime?
    /// The last MX host and address connected to.
    public var lastHost: String?
    public var lastAddress: String?
    /// `success protocol TLSv1.3 cipher …`, or the last TLS failure.
    public var lastTLSResult: String?
    public var peerSubject: String?
    public var last5XX: String?
    public var last5XXTime: LogTime?
    /// Up when the last delivery attempt reached the host, down when it did not.
    public var up: Bool?

    public init() {}
}

struct InboundConnection: Sendable, Equatable, Codable {
    var icid: Int
    var tls: InboundTLS
    var tlsUp = false
    var handshakeFailed = false
    var requiredLogged = false
    /// `SSL_accept error` seen; the reason follows in a `TLS library problem` warning.
    var pendingFailure: String?
    var clientCN: String?
    var clientFailure: String?
}

struct MessageRecord: Sendable, Equatable, Codable {
    var mid: Int
    var icid: Int
    var started = false
    var fromLogged = false
    var readyLogged = false
    var sender: String?
    var messageID: String?
    var subject: String?
    /// RIDs in order of the recipients' addresses (lower case).
    var recipients: [String] = []
    var finished: Set<Int> = []
    var expected: Int?
    /// DCIDs whose `close` waits for `Message finished`.
    var closing: [Int] = []
}

struct StatusRecord: Sendable, Equatable, Codable {
    var qid: String
    var recipient: String
    var status: String
    var dsn: String
    var text: String
    var relayHost: String?
    var relayAddress: String?
    var relayPort: String?
    var connectionUse: Int
    var time: LogTime
}

struct OutboundConnection: Sendable, Equatable, Codable {
    var established: String?
    var protocolName: String?
    var cipher: String?
    var peerCN: String?
    var verifyFailure: String?
    var pendingSSLError: String?
    var handshakeFailure: String?
    var host: String?
    var address: String?
    var port: String?
    var statuses: [StatusRecord] = []
}
