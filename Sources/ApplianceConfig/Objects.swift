import FoundationEssentials

/// One setting of a configuration object, as shown by `showchanges`.
public struct Setting: Sendable, Equatable {
    public var name: String
    public var value: String
    public var isSecret: Bool

    public init(_ name: String, _ value: String, secret: Bool = false) {
        self.name = name
        self.value = value
        self.isSecret = secret
    }
}

/// The unit of change, of conflict detection and of rebase: a profile, an interface, a destination
/// entry, a settings group. Two sessions that change different objects never conflict.
public protocol ConfigObject: Equatable, Sendable {
    /// Stable identity inside its section (case-insensitive names are lower-cased).
    var objectID: String { get }
    /// How the object is named to the admin: `certificate profile "Demo"`.
    var objectLabel: String { get }
    /// The settings, in display order.
    var settings: [Setting] { get }
}

extension CertificateProfileRecord: ConfigObject {
    public var objectID: String { name.lowercased() }
    public var objectLabel: String { "certificate profile \"\(name)\"" }
    public var settings: [Setting] {
        [
            Setting("certificate", PEMDigest.describe(certificatePEM)),
            Setting("private key", privateKeyPEM, secret: true),
            Setting(
                "intermediates",
                intermediatesPEM.isEmpty ? "none" : intermediatesPEM.map(PEMDigest.describe).joined(separator: ", ")
            ),
            Setting("signing request", signingRequestPEM.map(PEMDigest.describe) ?? "none"),
        ]
    }
}

extension RevocationListRecord: ConfigObject {
    public var objectID: String { name.lowercased() }
    public var objectLabel: String { "CRL \"\(name)\"" }
    public var settings: [Setting] { [Setting("content", PEMDigest.describe(pem))] }
}

extension NetworkInterface: ConfigObject {
    public var objectID: String { name.lowercased() }
    public var objectLabel: String { "interface \"\(name)\"" }
    public var settings: [Setting] {
        [
            Setting("address", "\(address)/\(prefixLength)"),
            Setting("hostname", hostname),
            Setting("ssh", sshPort.map(String.init) ?? "off"),
            Setting("https", httpsPort.map(String.init) ?? "off"),
            Setting("https certificate", httpsCertificate ?? "none"),
        ]
    }
}

extension DestinationEntry: ConfigObject {
    public var objectID: String { domain.lowercased() }
    public var objectLabel: String { domain }
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
    public var objectID: String { name.lowercased() }
    public var objectLabel: String { "listener \"\(name)\"" }
    public var settings: [Setting] {
        [
            Setting("type", kind.rawValue),
            Setting("interface", interface),
            Setting("port", String(port)),
            Setting("certificate", certificate ?? "none"),
            Setting("max connections", String(maxConnections)),
            Setting("host access table", hostAccess.summary),
            Setting(
                "recipient access table",
                recipientAccess.map { "\($0.pattern) \($0.accept ? "ACCEPT" : "REJECT")" }.joined(separator: ", ")
            ),
        ]
    }
}

extension HostAccessTable {
    /// A one-line description for change lines: counts and a digest of the whole table.
    public var summary: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(self)) ?? Data()
        let groups = entries.filter { $0.name != nil }.count
        return "\(policies.count) policies, \(groups) sender groups, \(entries.count - groups) inline entries, digest "
            + String(SHA256.hex(of: Array(data)).prefix(12))
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
    public var objectLabel: String { "system" }
    public var settings: [Setting] { [Setting("hostname", hostname)] }
}

extension CertificateAuthoritySettings: SettingsGroup {
    public var objectLabel: String { "certificate authorities" }
    public var settings: [Setting] {
        [
            Setting("system list", systemListEnabled ? "enabled" : "disabled"),
            Setting("custom list", customListEnabled ? "enabled" : "disabled"),
            Setting(
                "custom certificates",
                customCertificatesPEM.isEmpty
                    ? "none" : customCertificatesPEM.map(PEMDigest.describe).joined(separator: ", ")
            ),
        ]
    }
}

extension DestinationDefaults: SettingsGroup {
    public var objectLabel: String { "Default" }
    public var settings: [Setting] {
        resolved.complete.shown(unset: "default") + [
            Setting("outbound certificate", outboundCertificate ?? "none"),
            Setting("required tls alert", requiredTLSAlert ? "on" : "off"),
        ]
    }
}

extension ListenerSettings: SettingsGroup {
    public var objectLabel: String { "global settings" }
    public var settings: [Setting] {
        [
            Setting("max concurrent connections", String(maxConcurrentConnections)),
            Setting("connection timeout", String(connectionTimeoutSeconds)),
            Setting("max connection time", String(maxConnectionSeconds)),
        ]
    }
}

extension AlertSettings: SettingsGroup {
    public var objectLabel: String { "alerts" }
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
    public var objectLabel: String { "TLS logging" }
    public var settings: [Setting] { [Setting("tls fields", tlsFields ? "on" : "off")] }
}

extension LDAPSettings: SettingsGroup {
    public var objectLabel: String { "LDAP" }
    public var settings: [Setting] { [Setting("certificate", certificate ?? "none")] }
}

extension WebSecuritySettings: SettingsGroup {
    public var objectLabel: String { "web security" }
    public var settings: [Setting] {
        [
            Setting("url filtering", urlFiltering ? "on" : "off"),
            Setting("interaction tracking", interactionTracking ? "on" : "off"),
            Setting("client certificate", clientCertificate ?? "(provided certificate)"),
        ]
    }
}

/// Short, stable descriptions of PEM blobs for diffs (a PEM is too long to print in a change line).
public enum PEMDigest {
    /// `PEM 1a2b3c4d5e6f` — the first 12 hex digits of the SHA-256 of the text.
    public static func describe(_ pem: String) -> String {
        "PEM " + String(SHA256.hex(of: Array(pem.utf8)).prefix(12))
    }
}
