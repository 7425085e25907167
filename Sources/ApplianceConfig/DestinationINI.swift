import DomainNames
import FoundationEssentials
import TextSupport

/// Why an INI destination file was refused: `Error: line {n}: {problem}` (destconfig.md §10).
public typealias DestinationINIError = TextLineError

/// The Default entry and the domain entries read from an INI file.
public struct DestinationTables: Sendable, Equatable {
    public var defaults: DestinationDefaults
    public var entries: [DestinationEntry]

    public init(defaults: DestinationDefaults, entries: [DestinationEntry]) {
        self.defaults = defaults
        self.entries = entries
    }
}

/// The INI-style destination controls file of `destconfig IMPORT` / `EXPORT` (destconfig.md §10).
/// Pure text in, text out: no files are touched here.
public enum DestinationINI {
    /// The keys in the order EXPORT writes them.
    public enum Key: String, CaseIterable, Sendable {
        case ipSortPref = "ip_sort_pref"
        case maxHostConcurrency = "max_host_concurrency"
        case maxMessagesPerConnection = "max_messages_per_connection"
        case recipientMinutes = "recipient_minutes"
        case recipientLimit = "recipient_limit"
        case limitType = "limit_type"
        case limitApply = "limit_apply"
        case useTLS = "use_tls"
        case bounceValidation = "bounce_validation"
        case bounceProfile = "bounce_profile"
    }

    /// The name of the section that holds the Default entry.
    public static let defaultSection = "DEFAULT"

    // MARK: Writing

    /// The file for the Default entry and the domain entries: `[DEFAULT]` with every key, then the
    /// domains alphabetically (or in the given order when `sorted` is false, as the configuration
    /// file keeps them) with their own settings only, a blank line between sections.
    public static func encode(
        defaults: DestinationDefaults,
        entries: [DestinationEntry],
        sorted: Bool = true
    ) -> String {
        var sections: [String] = []
        var lines = ["[\(defaultSection)]"]
        lines.append(line(.ipSortPref, defaults.ipPreference.iniName))
        lines.append(line(.maxHostConcurrency, String(defaults.maxConcurrency)))
        lines.append(line(.maxMessagesPerConnection, String(defaults.maxMessagesPerConnection)))
        lines.append(line(.recipientMinutes, String(defaults.recipientLimitPeriod)))
        lines.append(line(.recipientLimit, String(defaults.recipientLimit)))
        lines.append(line(.limitType, defaults.limitType.rawValue))
        lines.append(line(.limitApply, defaults.limitApplies.rawValue))
        lines.append(line(.useTLS, String(defaults.tls.number)))
        lines.append(line(.bounceValidation, defaults.bounceVerification ? "1" : "0"))
        // Exact: a profile stored in another case is written as stored.
        if defaults.bounceProfile != DestinationDefaults.bounceProfileName {
            lines.append(line(.bounceProfile, defaults.bounceProfile.text))
        }
        sections.append(lines.joined(separator: "\n"))
        for entry in sorted ? entries.sorted(by: { $0.domain.text < $1.domain.text }) : entries {
            var lines = ["[\(entry.domain)]"]
            if let value = entry.ipPreference { lines.append(line(.ipSortPref, value.iniName)) }
            if let value = entry.maxConcurrency { lines.append(line(.maxHostConcurrency, String(value))) }
            if let value = entry.maxMessagesPerConnection {
                lines.append(line(.maxMessagesPerConnection, String(value)))
            }
            if let value = entry.recipientLimitPeriod { lines.append(line(.recipientMinutes, String(value))) }
            if let value = entry.recipientLimit { lines.append(line(.recipientLimit, String(value))) }
            if let value = entry.limitType { lines.append(line(.limitType, value.rawValue)) }
            if let value = entry.limitApplies { lines.append(line(.limitApply, value.rawValue)) }
            if let value = entry.tls { lines.append(line(.useTLS, String(value.number))) }
            if let value = entry.bounceVerification { lines.append(line(.bounceValidation, value ? "1" : "0")) }
            if let value = entry.bounceProfile { lines.append(line(.bounceProfile, value.text)) }
            sections.append(lines.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    private static func line(_ key: Key, _ value: String) -> String { "\(key.rawValue) = \(value)" }

    // MARK: Reading

    /// Reads a whole file. The global settings (certificate, alert) are not in the file: they are
    /// taken from `globals`. Any problem refuses the whole file.
    public static func decode(
        _ text: String,
        globals: DestinationDefaults
    ) throws(DestinationINIError) -> DestinationTables {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)

        var defaults = globals
        var defaultLine: Int?
        var defaultKeys = Set<Key>()
        var entries: [DestinationEntry] = []
        var seenSections = Set<FoldedName<HostNames>>()
        // The section being read: nil before the first header.
        var current: (line: Int, name: String, isDefault: Bool, keys: Set<Key>)?

        for (offset, raw) in lines.enumerated() {
            let number = offset + 1
            let text = raw.trimmingWhitespaceAndNewlines()
            if text.isEmpty || text.hasPrefix("#") || text.hasPrefix(";") { continue }
            if text.hasPrefix("[") {
                guard text.hasSuffix("]"), text.count >= 2 else {
                    throw DestinationINIError(line: number, .headerNotClosed)
                }
                let name = text.dropFirst().dropLast().trimmingWhitespace()
                if let section = current, section.isDefault { defaultKeys = section.keys }
                if name.equalsIgnoringASCIICase(defaultSection) {
                    guard defaultLine == nil else {
                        throw DestinationINIError(line: number, .defaultSectionTwice)
                    }
                    defaultLine = number
                    current = (number, defaultSection, true, [])
                    continue
                }
                guard let domain = DestinationLimits.normalizedDomain(name) else {
                    throw DestinationINIError(line: number, .invalidDomainName(name))
                }
                guard seenSections.insert(domain.key).inserted else {
                    throw DestinationINIError(line: number, .sectionTwice(domain.text))
                }
                entries.append(DestinationEntry(domain: domain))
                current = (number, domain.text, false, [])
                continue
            }
            guard let equals = text.firstIndex(of: "=") else {
                throw DestinationINIError(line: number, .sectionOrKeyExpected(found: text))
            }
            let name = text[..<equals].trimmingWhitespace()
            let value = text[text.index(after: equals)...].trimmingWhitespace()
            guard let key = Key(rawValue: name.lowercased()) else {
                throw DestinationINIError(line: number, .unknownKey(name))
            }
            guard var section = current else {
                throw DestinationINIError(line: number, .keyOutsideSection(name))
            }
            guard section.keys.insert(key).inserted else {
                throw DestinationINIError(line: number, .keyTwice(key: key.rawValue, section: section.name))
            }
            current = section
            let setting = try parse(key, value, line: number)
            if section.isDefault {
                setting.apply(to: &defaults)
            } else {
                setting.apply(to: &entries[entries.count - 1])
            }
        }
        if let section = current, section.isDefault { defaultKeys = section.keys }
        guard let defaultLine else {
            throw DestinationINIError(line: max(lines.count - (lines.last == "" ? 1 : 0), 1), .defaultSectionMissing)
        }
        if let missing = Key.allCases.first(where: { $0 != .bounceProfile && !defaultKeys.contains($0) }) {
            throw DestinationINIError(line: defaultLine, .defaultKeyMissing(missing.rawValue))
        }
        if !defaultKeys.contains(.bounceProfile) { defaults.bounceProfile = DestinationDefaults.bounceProfileName }
        return DestinationTables(defaults: defaults, entries: entries)
    }

    private static func parse(
        _ key: Key,
        _ value: String,
        line: Int
    ) throws(DestinationINIError) -> DestinationSettingChange {
        func number(_ range: ClosedRange<Int>) throws(DestinationINIError) -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw DestinationINIError(line: line, .numberOutOfRange(key: key.rawValue, range: range, found: value))
            }
            return number
        }
        func oneOf(_ accepted: [String]) -> DestinationINIError {
            DestinationINIError(line: line, .notOneOf(key: key.rawValue, accepted: accepted, found: value))
        }
        let lower = value.lowercased()
        switch key {
        case .ipSortPref:
            guard let preference = IPPreference.allCases.first(where: { $0.iniName.lowercased() == lower }) else {
                throw oneOf(IPPreference.allCases.map(\.iniName))
            }
            return DestinationSettingChange(\.ipPreference, preference)
        case .maxHostConcurrency:
            return DestinationSettingChange(\.maxConcurrency, try number(DestinationLimits.concurrency))
        case .maxMessagesPerConnection:
            return DestinationSettingChange(
                \.maxMessagesPerConnection,
                try number(DestinationLimits.messagesPerConnection)
            )
        case .recipientMinutes:
            return DestinationSettingChange(\.recipientLimitPeriod, try number(DestinationLimits.minutes))
        case .recipientLimit:
            return DestinationSettingChange(\.recipientLimit, try number(DestinationLimits.recipients))
        case .limitType:
            switch lower {
            case "0", "host": return DestinationSettingChange(\.limitType, DestinationLimitType.host)
            case "1", "mxip": return DestinationSettingChange(\.limitType, DestinationLimitType.mxIP)
            default: throw oneOf(["0", "host", "1", "MXIP"])
            }
        case .limitApply:
            switch lower {
            case "0", "system": return DestinationSettingChange(\.limitApplies, DestinationLimitScope.system)
            case "1", "vg": return DestinationSettingChange(\.limitApplies, DestinationLimitScope.virtualGateway)
            default: throw oneOf(["0", "system", "1", "VG"])
            }
        case .useTLS:
            guard let number = Int(value), let level = OutboundTLS(number: number) else {
                throw DestinationINIError(line: line, .numberOutOfRange(key: "use_tls", range: 0...4, found: value))
            }
            return DestinationSettingChange(\.tls, level)
        case .bounceValidation:
            switch value {
            case "0": return DestinationSettingChange(\.bounceVerification, false)
            case "1": return DestinationSettingChange(\.bounceVerification, true)
            default: throw oneOf(["0", "1"])
            }
        case .bounceProfile:
            guard BounceProfileName(value).isDefaultProfile else {
                throw DestinationINIError(line: line, .unknownBounceProfile(value))
            }
            return DestinationSettingChange(\.bounceProfile, DestinationDefaults.bounceProfileName)
        }
    }

    // MARK: Replacing

    /// The imported entries in the order of `existing` for the domains already there, then the new
    /// ones in file order; so importing what EXPORT wrote leaves the configuration equal.
    public static func ordered(
        _ imported: [DestinationEntry],
        like existing: KeyedList<DestinationEntry>
    ) -> KeyedList<DestinationEntry> {
        let byID = KeyedList(imported)
        var result = KeyedList<DestinationEntry>()
        for entry in existing {
            if let replacement = byID[id: entry.objectID] { result.append(replacement) }
        }
        for entry in imported { result.append(entry) }
        return result
    }
}
