internal import Certificates
import FoundationEssentials

/// One setting of a configuration object, as shown by `showchanges`.
public struct Setting: Sendable, Equatable {
    public var name: String
    public var value: String
    public var isSecret: Bool
    /// Set when the setting belongs to a member of a keyed list inside the object (a policy or a
    /// sender group of a Host Access Table): a member that appears or disappears is one line
    /// (`hostaccess: + policy PARTNER_TLS`), not one line per field.
    public var member: Member?
    /// Set for the order of a list: the members in order. A change shows only when members present on
    /// both sides changed places (adding or removing one is its own line).
    public var order: [String]?
    /// Whether the line of a new object lists this setting (tables of many settings do not).
    public var describesNewObject: Bool

    /// A member of a keyed list: the list (`hostaccess`), the member (`policy PARTNER_TLS`) and the
    /// field of this setting (`tls`).
    public struct Member: Sendable, Equatable {
        public var list: String
        public var name: String
        public var field: String
    }

    public init(_ name: String, _ value: String, secret: Bool = false, describesNewObject: Bool = true) {
        self.name = name
        self.value = value
        self.isSecret = secret
        self.describesNewObject = describesNewObject
    }

    /// The field `field` of member `member` of list `list`, named `{list} {member} {field}`.
    public static func member(_ list: String, _ member: String, _ field: String, _ value: String) -> Setting {
        var setting = Setting("\(list) \(member) \(field)", value, describesNewObject: false)
        setting.member = Member(list: list, name: member, field: field)
        return setting
    }

    /// The order of the members of a list.
    public static func order(_ name: String, _ members: [String]) -> Setting {
        var setting = Setting(name, members.joined(separator: ", "), describesNewObject: false)
        setting.order = members
        return setting
    }

    /// The value as a change line shows it.
    var shown: String { isSecret ? "*****" : value.isEmpty ? "none" : value }
}

/// The unit of change, of conflict detection and of rebase: a profile, an interface, a destination
/// entry, a settings group. Two sessions that change different objects never conflict.
public protocol ConfigObject: Equatable, Sendable {
    /// Stable identity inside its section (an object of a keyed section: its name folded,
    /// `NamedConfigObject`; a settings group: "").
    var objectID: String { get }
    /// What the object is, for change lines and conflicts (Shell words it: `certificate profile "Demo"`).
    var objectReference: ObjectReference { get }
    /// The settings, in display order.
    var settings: [Setting] { get }
    /// The object as creating it starts it, when its tables start with members: a new object's
    /// change lines then show how its tables differ from that start (nil: no such tables).
    var startingPoint: Self? { get }
}

extension ConfigObject {
    public var startingPoint: Self? { nil }
}

extension CertificateProfileRecord: ConfigObject {
    public var objectReference: ObjectReference { .certificateProfile(name.text) }
    public var settings: [Setting] {
        [
            Setting("certificate", PEMDigest.describeCertificate(certificatePEM)),
            Setting("private key", privateKeyPEM, secret: true),
            Setting(
                "intermediates",
                intermediatesPEM.isEmpty
                    ? "none" : intermediatesPEM.map(PEMDigest.describeCertificate).joined(separator: "; ")
            ),
            Setting("signing request", signingRequestPEM.map(PEMDigest.describe) ?? "none"),
        ]
    }
}

extension RevocationListRecord: ConfigObject {
    public var objectReference: ObjectReference { .revocationList(name.text) }
    public var settings: [Setting] { [Setting("content", PEMDigest.describeRevocationList(pem))] }
}

extension NetworkInterface: ConfigObject {
    public var objectReference: ObjectReference { .interface(name.text) }
    public var settings: [Setting] {
        [
            Setting("address", "\(address)/\(prefixLength)"),
            Setting("hostname", hostname),
            Setting("ssh", sshPort.map(String.init) ?? "off"),
            Setting("https", httpsPort.map(String.init) ?? "off"),
            Setting("https certificate", httpsCertificate?.text ?? "none"),
        ]
    }
}

extension DestinationEntry: ConfigObject {
    public var objectReference: ObjectReference { .destination(domain.text) }
    public var settings: [Setting] { controls.shown(unset: "default") }
}

extension DestinationSettings {
    /// The settings as change lines show them, in display order; `unset` for one that uses Default.
    func shown(unset: String) -> [Setting] {
        func show(_ value: CustomStringConvertible?) -> String { value.map { "\($0)" } ?? unset }
        return [
            Setting("ip preference", show(ipPreference?.rawValue)),
            Setting("max concurrency", show(maxConcurrency)),
            Setting("max messages per connection", show(maxMessagesPerConnection)),
            Setting("recipient limit", show(recipientLimit)),
            Setting("recipient limit period", show(recipientLimitPeriod)),
            Setting("limit type", show(limitType?.rawValue)),
            Setting("limit applies", show(limitApplies?.rawValue)),
            Setting("tls", show(tls?.rawValue)),
            Setting("bounce verification", show(bounceVerification)),
            Setting("bounce profile", show(bounceProfile)),
        ]
    }
}

extension Listener: ConfigObject {
    public var objectReference: ObjectReference { .listener(name.text) }
    public var settings: [Setting] {
        [
            Setting("type", kind.rawValue),
            Setting("interface", interface.text),
            Setting("port", String(port)),
            Setting("certificate", certificate?.text ?? "none"),
            Setting("max connections", String(maxConnections)),
        ] + hostAccess.settings + Self.settings(of: recipientAccess)
    }

    /// The same listener with the tables its kind starts with and no relay hosts or domains.
    public var startingPoint: Listener? {
        var start = self
        (start.hostAccess, start.recipientAccess) = Self.startingTables(kind: kind, domains: [], relayHosts: [])
        return start
    }

    /// One member per recipient pattern (`rcptaccess: + .example.com (action ACCEPT)`), and their order.
    static func settings(of table: [RecipientAccessEntry]) -> [Setting] {
        table.map { Setting.member("rcptaccess", $0.pattern, "action", $0.accept ? "ACCEPT" : "REJECT") }
            + [.order("rcptaccess order", table.map(\.pattern))]
    }
}

extension HostAccessTable {
    /// The table as settings: each default parameter (`hostaccess default tls`), each policy and
    /// sender group as a member with its fields, the order of the sender groups, and the behaviour
    /// of hosts no group matches.
    public var settings: [Setting] {
        var result: [Setting] = []
        for key in MailFlowParameters.Key.allCases {
            var setting = Setting("hostaccess default \(key.rawValue)", Self.show(defaults.value(key)))
            setting.describesNewObject = false
            result.append(setting)
        }
        for policy in policies {
            let member = "policy \(policy.name)"
            result.append(.member("hostaccess", member, "action", policy.action.rawValue))
            for key in MailFlowParameters.Key.allCases {
                guard let value = policy.parameters.value(key) else { continue }
                result.append(.member("hostaccess", member, key.rawValue, Self.show(value)))
            }
        }
        for (name, entry) in zip(entryNames, entries) {
            result.append(.member("hostaccess", name, "hosts", entry.members.joined(separator: ", ")))
            result.append(.member("hostaccess", name, "policy", Self.show(entry.behavior)))
            if let comment = entry.comment { result.append(.member("hostaccess", name, "comment", comment)) }
        }
        result.append(.order("hostaccess order", entryNames))
        var all = Setting("hostaccess ALL", Self.show(self.all))
        all.describesNewObject = false
        result.append(all)
        return result
    }

    /// How change lines name the entries: `sender group RELAYLIST`, or an unnamed entry by its hosts.
    var entryNames: [String] {
        entries.map { entry in
            entry.name.map { "sender group \($0)" } ?? "entry \(entry.members.joined(separator: ", "))"
        }
    }

    static func show(_ value: MailFlowParameters.Value?) -> String {
        switch value {
        case .number(let number): String(number)
        case .word(let word): word
        case nil: "default"
        }
    }

    static func show(_ behavior: HostAccessBehavior) -> String {
        switch behavior {
        case .policy(let name): "$\(name)"
        case .action(let action): action.rawValue
        }
    }
}

/// A settings group is one object of its own section.
public protocol SettingsGroup: ConfigObject {}

extension SettingsGroup {
    public var objectID: String { "" }
}

/// The system host name as an object.
public struct HostnameSetting: SettingsGroup {
    public var hostname: String
    public var objectReference: ObjectReference { .settings(.system) }
    public var settings: [Setting] { [Setting("hostname", hostname)] }
}

extension CertificateAuthoritySettings: SettingsGroup {
    public var objectReference: ObjectReference { .settings(.certificateAuthorities) }
    public var settings: [Setting] {
        [
            Setting("system list", systemListEnabled ? "enabled" : "disabled"),
            Setting("custom list", customListEnabled ? "enabled" : "disabled"),
            Setting(
                "custom certificates",
                customCertificatesPEM.isEmpty
                    ? "none" : customCertificatesPEM.map(PEMDigest.describeCertificate).joined(separator: "; ")
            ),
        ]
    }
}

extension DestinationDefaults: SettingsGroup {
    public var objectReference: ObjectReference { .settings(.destinationDefaults) }
    public var settings: [Setting] {
        resolved.complete.shown(unset: "default") + [
            Setting("outbound certificate", outboundCertificate?.text ?? "none"),
            Setting("required tls alert", requiredTLSAlert ? "on" : "off"),
        ]
    }
}

extension ListenerSettings: SettingsGroup {
    public var objectReference: ObjectReference { .settings(.listenerSettings) }
    public var settings: [Setting] {
        [
            Setting("max concurrent connections", String(maxConcurrentConnections)),
            Setting("connection timeout", String(connectionTimeoutSeconds)),
            Setting("max connection time", String(maxConnectionSeconds)),
        ]
    }
}

extension AlertSettings: SettingsGroup {
    public var objectReference: ObjectReference { .settings(.alerts) }
    public var settings: [Setting] {
        [
            Setting(
                "recipients",
                recipients.isEmpty
                    ? "none"
                    : recipients.map { "\($0.address) (\($0.alertClass.rawValue)/\($0.severity.rawValue))" }
                        .joined(separator: ", ")
            ),
            Setting("initial duplicate interval", String(initialDuplicateSeconds)),
            Setting("maximum duplicate interval", String(maximumDuplicateSeconds)),
        ]
    }
}

extension LoggingSettings: SettingsGroup {
    public var objectReference: ObjectReference { .settings(.tlsLogging) }
    public var settings: [Setting] { [Setting("tls fields", tlsFields ? "on" : "off")] }
}

extension LDAPSettings: SettingsGroup {
    public var objectReference: ObjectReference { .settings(.ldap) }
    public var settings: [Setting] { [Setting("certificate", certificate?.text ?? "none")] }
}

extension WebSecuritySettings: SettingsGroup {
    public var objectReference: ObjectReference { .settings(.webSecurity) }
    public var settings: [Setting] {
        [
            Setting("url filtering", urlFiltering ? "on" : "off"),
            Setting("interaction tracking", interactionTracking ? "on" : "off"),
            Setting("client certificate", clientCertificate?.text ?? "(provided certificate)"),
        ]
    }
}

/// Short, stable descriptions of PEM blobs for diffs (a PEM is too long to print in a change line).
public enum PEMDigest {
    /// `PEM 1a2b3c4d5e6f` — the first 12 hex digits of the SHA-256 of the text.
    public static func describe(_ pem: String) -> String {
        "PEM " + String(SHA256.hex(of: Array(pem.utf8)).prefix(12))
    }

    /// What an admin recognises a certificate by: `"CN=mail.example.com" issued by "CN=R3, O=Let's
    /// Encrypt", expires Feb 28 12:00:00 2027 GMT` (the PEM digest when the text does not parse).
    public static func describeCertificate(_ pem: String) -> String {
        guard let certificate = try? Certificate(pem: pem) else { return describe(pem) }
        let issuer = certificate.isSelfSigned ? "self-signed" : "issued by \"\(certificate.issuer.oneLine)\""
        return "\"\(certificate.subject.oneLine)\" \(issuer), expires \(expiry(certificate.notAfter))"
    }

    /// A CRL by its issuer, its revoked count and its dates (the PEM digest when it does not parse):
    /// `issued by "CN=Corp CA", 3 revoked, updated Feb 01 00:00:00 2027 GMT`.
    public static func describeRevocationList(_ pem: String) -> String {
        guard let list = try? RevocationList(pem: pem) else { return describe(pem) }
        let count = list.revokedSerials.count
        return "issued by \"\(list.issuer.oneLine)\", \(count) revoked, updated \(expiry(list.lastUpdate))"
            + (list.nextUpdate.map { ", next update \(expiry($0))" } ?? "")
    }

    /// `Feb 28 12:00:00 2027 GMT`, the certificate date form of certconfig.
    static func expiry(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { (value ?? 0) < 10 ? "0\(value ?? 0)" : "\(value ?? 0)" }
        return "\(months[max(0, min(11, (parts.month ?? 1) - 1))]) \(two(parts.day)) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) \(parts.year ?? 0) GMT"
    }
}
