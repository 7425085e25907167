import Foundation

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
