import DomainNames
import FoundationEssentials

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
    case policy(PolicyName)
    case action(HostAccessAction)
}

extension HostAccessBehavior {
    /// Whether this applies the policy `name` (ignoring case).
    public func usesPolicy(_ name: PolicyName) -> Bool {
        if case .policy(let used) = self { return used.names(name) }
        return false
    }
}

/// A place of a Host Access Table that applies a policy (what keeps the policy from being deleted).
public enum HostAccessReference: Sendable, Equatable {
    case senderGroup(SenderGroupName)
    /// An inline entry, by its members.
    case inlineEntry(members: [String])
    /// The table's `ALL` entry.
    case all
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
    /// Without its `$`; compares exactly, found ignoring case (`HostAccessTable.policy(named:)`).
    public var name: PolicyName
    public var action: HostAccessAction
    public var parameters: MailFlowParameters

    public init(name: PolicyName, action: HostAccessAction, parameters: MailFlowParameters = .init()) {
        self.name = name
        self.action = action
        self.parameters = parameters
    }
}

/// A sender group (named) or an inline entry (no name, one member).
public struct HostAccessEntry: Sendable, Equatable, Codable {
    /// nil for an inline entry; compares exactly, found ignoring case (`HostAccessTable.entryIndex(named:)`).
    public var name: SenderGroupName?
    /// Addresses, CIDR blocks, ranges, partial addresses, host names, `sbrs[…]`, `dnslist[…]`.
    public var members: [String]
    public var behavior: HostAccessBehavior
    public var comment: String?

    public init(name: SenderGroupName?, members: [String], behavior: HostAccessBehavior, comment: String? = nil) {
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
    public var name: ListenerName
    public var kind: ListenerKind
    /// The IP interface it listens on (found ignoring case: `interfaces[listener.interface]`).
    public var interface: InterfaceName
    public var port: Int
    /// The certificate profile offered by STARTTLS.
    public var certificate: ProfileName?
    /// Maximum concurrent connections to this listener.
    public var maxConnections: Int
    public var hostAccess: HostAccessTable
    /// In order; the last entry is `ALL`.
    public var recipientAccess: [RecipientAccessEntry]

    public init(
        name: ListenerName,
        kind: ListenerKind,
        interface: InterfaceName,
        port: Int = 25,
        certificate: ProfileName?,
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

extension Listener {
    /// The tables a new listener of `kind` starts with (listenerconfig.md §4.4): the kind's default
    /// HAT (a private one relaying for `relayHosts`), and a RAT that accepts `domains` and rejects
    /// the rest (public) or accepts everything, as it is not consulted (private).
    public static func startingTables(
        kind: ListenerKind,
        domains: [String],
        relayHosts: [String]
    ) -> (hostAccess: HostAccessTable, recipientAccess: [RecipientAccessEntry]) {
        switch kind {
        case .public:
            (
                .publicDefault,
                domains.map { RecipientAccessEntry(pattern: $0, accept: true) }
                    + [RecipientAccessEntry(pattern: "ALL", accept: false)]
            )
        case .private:
            (.privateDefault(relayHosts: relayHosts), [RecipientAccessEntry(pattern: "ALL", accept: true)])
        }
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

// MARK: - Parameter keys, ranges and effective values

extension MailFlowParameters {
    /// The parameters by their key of the HAT text format, in PRINT order (listenerconfig.md §4.2).
    public enum Key: String, Sendable, CaseIterable {
        case spamCheck = "spam_check"
        case maxMessagesPerSession = "max_msgs_per_session"
        case maxConcurrency = "max_concurrency"
        case maxRecipientsPerMessage = "max_rcpts_per_msg"
        case maxRecipientsPerHour = "max_rcpts_per_hour"
        case dhapLimit = "dhap_limit"
        case virusCheck = "virus_check"
        case maxMessageSize = "max_message_size"
        case useSenderBase = "use_sb"
        case tls
        case smtpAuth = "smtp_auth"
        case smtpAuthRequireTLS = "smtp_auth_require_tls"

        /// Where the parameter is kept and what it accepts: the one table the rest reads.
        fileprivate var field: Field {
            switch self {
            case .spamCheck: .flag(\.spamCheck)
            case .maxMessagesPerSession: .number(\.maxMessagesPerSession, 1...100_000)
            case .maxConcurrency: .number(\.maxConcurrency, 1...1000)
            case .maxRecipientsPerMessage: .number(\.maxRecipientsPerMessage, 1...100_000)
            case .maxRecipientsPerHour: .number(\.maxRecipientsPerHour, -1...10_000_000)
            case .dhapLimit: .number(\.dhapLimit, 0...10_000_000)
            case .virusCheck: .flag(\.virusCheck)
            case .maxMessageSize: .number(\.maxMessageSize, 1...1_073_741_824)
            case .useSenderBase: .flag(\.useSenderBase)
            case .tls: .choice(\.tls)
            case .smtpAuth: .choice(\.smtpAuth)
            case .smtpAuthRequireTLS: .flag(\.smtpAuthRequireTLS)
            }
        }

        /// The allowed range of a numeric parameter; nil for on/off and choice parameters.
        public var range: ClosedRange<Int>? {
            if case .number(_, let range) = field { return range }
            return nil
        }

        /// The words a string parameter accepts; nil for numeric parameters.
        public var words: [String]? {
            switch field {
            case .number: nil
            case .flag: ["on", "off"]
            case .choice(let choice): choice.words
            }
        }
    }

    /// How a parameter is kept: a number in a range, an on/off flag, or one of an enum's words.
    fileprivate enum Field {
        case number(WritableKeyPath<MailFlowParameters, Int?>, ClosedRange<Int>)
        case flag(WritableKeyPath<MailFlowParameters, Bool?>)
        case choice(Choice)

        static func choice<Word: RawRepresentable<String> & CaseIterable>(
            _ path: WritableKeyPath<MailFlowParameters, Word?>
        ) -> Field {
            .choice(
                Choice(
                    words: Word.allCases.map(\.rawValue),
                    get: { $0[keyPath: path]?.rawValue },
                    set: { parameters, word in parameters[keyPath: path] = word.flatMap(Word.init(rawValue:)) }
                )
            )
        }
    }

    fileprivate struct Choice {
        var words: [String]
        var get: (MailFlowParameters) -> String?
        var set: (inout MailFlowParameters, String?) -> Void
    }

    /// A parameter value as the HAT text format writes it: a number or a word.
    public enum Value: Sendable, Equatable {
        case number(Int)
        case word(String)
    }

    /// The value of `key`, nil when not set.
    public func value(_ key: Key) -> Value? {
        switch key.field {
        case .number(let path, _): self[keyPath: path].map(Value.number)
        case .flag(let path): self[keyPath: path].map { .word($0 ? "on" : "off") }
        case .choice(let choice): choice.get(self).map(Value.word)
        }
    }

    /// Sets (or with nil removes) the value of `key`. Returns the problem when the value does not fit
    /// the key (wrong kind, out of range, unknown word); then nothing changes.
    @discardableResult
    public mutating func set(_ key: Key, _ value: Value?) -> ParameterProblem? {
        switch (key.field, value) {
        case (.number(let path, _), nil): self[keyPath: path] = nil
        case (.flag(let path), nil): self[keyPath: path] = nil
        case (.choice(let choice), nil): choice.set(&self, nil)
        case (.number(let path, let range), .number(let number)?):
            guard range.contains(number) else { return .outOfRange(key) }
            self[keyPath: path] = number
        case (.number, .word?): return .numberExpected(key)
        case (.flag, .number?), (.choice, .number?): return .wordExpected(key)
        case (.flag(let path), .word(let word)?):
            guard word == "on" || word == "off" else { return .unknownWord(key) }
            self[keyPath: path] = word == "on"
        case (.choice(let choice), .word(let word)?):
            guard choice.words.contains(word) else { return .unknownWord(key) }
            choice.set(&self, word)
        }
        return nil
    }

    /// Whether no parameter is set.
    public var isEmpty: Bool { Key.allCases.allSatisfy { value($0) == nil } }

    /// These overrides on top of `defaults`: every value set.
    public func applied(over defaults: MailFlowParameters) -> MailFlowParameters {
        var result = defaults
        for key in Key.allCases {
            if let value = value(key) { result.set(key, value) }
        }
        return result
    }
}

// MARK: - Names, members and references

extension Listener {
    /// Letters, digits, `_`, `-` and `.` (listenerconfig.md §1).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || "_-.".unicodeScalars.contains($0) }
    }
}

extension MailFlowPolicy {
    /// Letters, digits and `_` (printed with `$`).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "_" }
    }
}

extension HostAccessEntry {
    /// Letters, digits, `_` and `-`; not `ALL`.
    public static func isValidGroupName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.uppercased() != "ALL"
            && name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "_" || $0 == "-" }
    }

    /// The entry as a place of its table: its sender group, or the inline entry of its members.
    public var reference: HostAccessReference { name.map { .senderGroup($0) } ?? .inlineEntry(members: members) }

    /// How the entry is named in lists and messages: the group name, or the member of an inline entry.
    public var label: String { name?.text ?? members.joined(separator: ", ") }
}

/// The members a sender group accepts (listenerconfig.md §4.2).
public enum HostAccessMember {
    /// IPv4/IPv6 addresses and CIDR blocks, last-octet ranges (`10.1.1.10-20`), partial IPv4
    /// (`10.2.3.`), host names, partial host names (`.example.com`), `sbrs[{min}:{max}]`,
    /// `sbrs[none]`, `dnslist[{zone}]` and `ALL`.
    public static func isValid(_ member: String) -> Bool {
        if member == "ALL" || member == "sbrs[none]" { return true }
        if member.hasPrefix("sbrs[") && member.hasSuffix("]") {
            let body = member.dropFirst(5).dropLast()
            let parts = body.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let low = Double(parts[0]), let high = Double(parts[1]) else { return false }
            return (-10...10).contains(low) && (-10...10).contains(high) && low <= high
        }
        if member.hasPrefix("dnslist[") && member.hasSuffix("]") {
            return HostnameRules.isFQDN(String(member.dropFirst(8).dropLast()))
        }
        if member.contains(":") { return IPv6Prefix(member) != nil }
        if member.first.map({ $0.isASCII && $0.isNumber }) == true, isIPv4Form(member) { return true }
        let name = member.hasPrefix(".") ? String(member.dropFirst()) : member
        let lastLabel = name.split(separator: ".").last ?? ""
        return HostnameRules.isFQDN(name) && lastLabel.contains(where: \.isLetter)
    }

    private static func octet(_ text: Substring) -> Int? {
        guard (1...3).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text),
            value <= 255
        else { return nil }
        return value
    }

    private static func isIPv4Form(_ text: String) -> Bool {
        if let slash = text.firstIndex(of: "/") {
            let prefix = text[text.index(after: slash)...]
            guard let bits = Int(prefix), prefix.allSatisfy(\.isNumber), (0...32).contains(bits) else { return false }
            return isIPv4(text[..<slash])
        }
        if text.hasSuffix(".") {
            let parts = text.dropLast().split(separator: ".", omittingEmptySubsequences: false)
            return (1...3).contains(parts.count) && parts.allSatisfy { octet($0) != nil }
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        if let dash = parts[3].firstIndex(of: "-") {
            guard parts[0...2].allSatisfy({ octet($0) != nil }), let low = octet(parts[3][..<dash]),
                let high = octet(parts[3][parts[3].index(after: dash)...])
            else { return false }
            return low <= high
        }
        return isIPv4(Substring(text))
    }

    private static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { octet($0) != nil }
    }

}

extension HostAccessTable {
    /// The policy with this name (ignoring case and a leading `$`).
    public func policy(named name: String) -> MailFlowPolicy? {
        policy(named: PolicyName(name.hasPrefix("$") ? String(name.dropFirst()) : name))
    }

    /// The policy `name` names (ignoring case).
    public func policy(named name: PolicyName) -> MailFlowPolicy? {
        policies.first { name.names($0.name) }
    }

    /// The index of the sender group with this name (ignoring case), or of the inline entry whose
    /// member this is.
    public func entryIndex(named name: String) -> Int? {
        if let index = entries.firstIndex(where: { SenderGroupName(name).names($0.name) }) {
            return index
        }
        return entries.firstIndex { $0.name == nil && $0.members.contains(name) }
    }

    /// What uses the policy `name` (ignoring case), in HAT order, `ALL` last.
    public func references(toPolicy name: PolicyName) -> [HostAccessReference] {
        var uses: [HostAccessReference] = []
        for entry in entries where entry.behavior.usesPolicy(name) {
            uses.append(entry.reference)
        }
        if all.usesPolicy(name) { uses.append(.all) }
        return uses
    }

    /// Named sender groups plus one for `ALL` (listenerconfig.md §4.1).
    public var senderGroupCount: Int { entries.filter { $0.name != nil }.count + 1 }

    /// The defaults with the overrides of `policy` applied.
    public func effectiveParameters(of policy: MailFlowPolicy) -> MailFlowParameters {
        policy.parameters.applied(over: defaults)
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
