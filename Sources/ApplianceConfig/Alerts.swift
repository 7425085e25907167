import DomainNames
import FoundationEssentials

/// Alert classes (other-commands.md §5; names exact).
public enum AlertClass: String, Sendable, Equatable, Codable, CaseIterable {
    case all = "All"
    case system = "System"
    case hardware = "Hardware"
    case updater = "Updater"
    case outbreakFilters = "Outbreak Filters"
    case antiVirus = "Anti-Virus"
    case antiSpam = "Anti-Spam"
    case directoryHarvest = "Directory Harvest Attack Prevention"
}

/// Alert severities (names exact).
public enum AlertSeverity: String, Sendable, Equatable, Codable, CaseIterable {
    case all = "All"
    case critical = "Critical"
    case warning = "Warning"
    case information = "Information"
}

/// One alert recipient and what it receives.
public struct AlertRecipient: Sendable, Equatable, Codable {
    public var address: String
    public var alertClass: AlertClass
    public var severity: AlertSeverity

    public init(address: String, alertClass: AlertClass, severity: AlertSeverity) {
        self.address = address
        self.alertClass = alertClass
        self.severity = severity
    }
}

/// Alert recipients and the duplicate-suppression intervals.
public struct AlertSettings: Sendable, Equatable, Codable {
    public var recipients: [AlertRecipient]
    public var initialDuplicateSeconds: Int
    public var maximumDuplicateSeconds: Int

    public init(
        recipients: [AlertRecipient] = [],
        initialDuplicateSeconds: Int = 300,
        maximumDuplicateSeconds: Int = 3600
    ) {
        self.recipients = recipients
        self.initialDuplicateSeconds = initialDuplicateSeconds
        self.maximumDuplicateSeconds = maximumDuplicateSeconds
    }
}

/// An alert class or severity, chosen by its name or its number in the NEW list (1 = All).
public protocol AlertChoice: RawRepresentable<String>, CaseIterable where AllCases == [Self] {}

extension AlertChoice {
    /// The case named by `text`: its name or its number in the NEW list (1 = All), ignoring case,
    /// spaces, hyphens and underscores (`outbreak_filters`, `antivirus`).
    public init?(named text: String) {
        if let number = Int(text), (1...Self.allCases.count).contains(number) {
            self = Self.allCases[number - 1]
            return
        }
        let key = AlertNames.key(text)
        guard let found = Self.allCases.first(where: { AlertNames.key($0.rawValue) == key }) else { return nil }
        self = found
    }
}

extension AlertClass: AlertChoice {}
extension AlertSeverity: AlertChoice {}

extension AlertSettings {
    /// The entries of one address (ignoring case), in configuration order.
    public func entries(for address: String) -> [AlertRecipient] {
        recipients.filter { MailAddress(address).names($0.address) }
    }

    /// The distinct addresses, in configuration order, as first written.
    public var addresses: [String] {
        var seen = Set<MailAddress>()
        return recipients.compactMap { seen.insert(MailAddress($0.address)).inserted ? $0.address : nil }
    }

    /// Sets what `address` receives of `alertClass`: `All` replaces every entry of the address;
    /// another class replaces that class's entry or adds one.
    public mutating func set(_ address: String, alertClass: AlertClass, severity: AlertSeverity) {
        let entry = AlertRecipient(address: address, alertClass: alertClass, severity: severity)
        func same(_ other: AlertRecipient) -> Bool { MailAddress(address).names(other.address) }
        if alertClass == .all {
            if let first = recipients.firstIndex(where: same) {
                recipients.removeAll(where: same)
                recipients.insert(entry, at: first)
            } else {
                recipients.append(entry)
            }
        } else if let index = recipients.firstIndex(where: { same($0) && $0.alertClass == alertClass }) {
            recipients[index] = entry
        } else if let last = recipients.lastIndex(where: same) {
            recipients.insert(entry, at: last + 1)
        } else {
            recipients.append(entry)
        }
    }

    /// Removes every entry of `address` (ignoring case).
    public mutating func remove(_ address: String) {
        recipients.removeAll { MailAddress(address).names($0.address) }
    }

    /// Renames every entry of `address` to `newAddress`.
    public mutating func rename(_ address: String, to newAddress: String) {
        for index in recipients.indices where MailAddress(address).names(recipients[index].address) {
            recipients[index].address = newAddress
        }
    }
}

enum AlertNames {
    static func key(_ text: String) -> String {
        String(text.lowercased().filter { $0 != " " && $0 != "-" && $0 != "_" })
    }
}
