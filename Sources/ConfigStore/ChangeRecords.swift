import ApplianceConfig

/// How a revision's changes are stored: one line each (``ChangeLines`` joins and escapes them).
///
/// A typed change is a record: a SOH (U+0001) and the format version, then its fields separated by
/// tabs, each field escaping backslashes and tabs (`\\`, `\t`):
///
///     SOH 1 TAB section TAB id TAB object kind TAB object name TAB change kind [TAB argument]...
///
/// Revisions stored before changes were typed hold the worded line itself; no such line starts with
/// SOH (they start with `+ `, `- ` or a section's command), so it reads back as ``RecordedChange/line(_:)``
/// and is written back unchanged. The stored text is what each revision's checksum covers: the
/// names below never change (a new kind gets a new name).
enum ChangeRecords {
    private static let marker: UInt8 = 0x01
    private static let version = "1"

    /// The stored line of a change.
    static func encode(_ change: RecordedChange) -> String {
        switch change {
        case .line(let text):
            return text
        case .change(let change):
            let (objectKind, objectName) = stored(change.object)
            var fields = [change.key.section, change.key.id, objectKind, objectName]
            switch change.kind {
            case .added: fields.append("added")
            case .removed: fields.append("removed")
            case .modified(let setting, let old, let new): fields += ["modified", setting, old, new]
            case .described(let setting, let value): fields += ["described", setting, value]
            case .memberAdded(let list, let member, let memberFields):
                fields += ["member-added", list, member, memberFields]
            case .memberRemoved(let list, let member): fields += ["member-removed", list, member]
            }
            var bytes: [UInt8] = [marker]
            bytes.append(contentsOf: version.utf8)
            bytes.reserveCapacity(fields.reduce(bytes.count) { $0 + 1 + $1.utf8.count })
            for field in fields {
                bytes.append(UInt8(ascii: "\t"))
                for byte in field.utf8 {
                    switch byte {
                    case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                    case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                    default: bytes.append(byte)
                    }
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The change a stored line holds. A line that is not a record is a worded line of before; a
    /// record this version cannot read (written by a newer one) is shown as stored.
    static func decode(_ text: String) -> RecordedChange {
        guard text.utf8.first == marker, let fields = fields(text), fields.first == version,
            let change = change(Array(fields.dropFirst()))
        else { return .line(text) }
        return .change(change)
    }

    private static func change(_ fields: [String]) -> ConfigChange? {
        guard fields.count >= 5, let object = reference(fields[2], fields[3]) else { return nil }
        let arguments = Array(fields[5...])
        let kind: ConfigChange.Kind
        switch (fields[4], arguments.count) {
        case ("added", 0): kind = .added
        case ("removed", 0): kind = .removed
        case ("modified", 3): kind = .modified(setting: arguments[0], old: arguments[1], new: arguments[2])
        case ("described", 2): kind = .described(setting: arguments[0], value: arguments[1])
        case ("member-added", 3): kind = .memberAdded(list: arguments[0], member: arguments[1], fields: arguments[2])
        case ("member-removed", 2): kind = .memberRemoved(list: arguments[0], member: arguments[1])
        default: return nil
        }
        return ConfigChange(key: ObjectKey(section: fields[0], id: fields[1]), object: object, kind: kind)
    }

    /// The fields after the marker, unescaped; nil when an escape is malformed.
    private static func fields(_ text: String) -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var escaped = false
        for byte in text.utf8.dropFirst() {
            if escaped {
                switch byte {
                case UInt8(ascii: "\\"): field.append(byte)
                case UInt8(ascii: "t"): field.append(UInt8(ascii: "\t"))
                default: return nil
                }
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\t") {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            } else {
                field.append(byte)
            }
        }
        if escaped { return nil }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
    }

    /// The stored kind and name of an object.
    private static func stored(_ reference: ObjectReference) -> (String, String) {
        switch reference {
        case .certificateProfile(let name): ("certificate-profile", name)
        case .revocationList(let name): ("crl", name)
        case .interface(let name): ("interface", name)
        case .listener(let name): ("listener", name)
        case .destination(let domain): ("destination", domain)
        case .user(let name): ("user", name)
        case .settings(let group): ("settings", stored(group))
        }
    }

    private static func stored(_ group: SettingsGroupKind) -> String {
        switch group {
        case .system: "system"
        case .certificateAuthorities: "certificate-authorities"
        case .destinationDefaults: "destination-defaults"
        case .listenerSettings: "listener-settings"
        case .alerts: "alerts"
        case .tlsLogging: "tls-logging"
        case .ldap: "ldap"
        case .webSecurity: "web-security"
        case .accountPolicy: "account-policy"
        }
    }

    private static let groups = Dictionary(uniqueKeysWithValues: SettingsGroupKind.allCases.map { (stored($0), $0) })

    private static func reference(_ kind: String, _ name: String) -> ObjectReference? {
        switch kind {
        case "certificate-profile": .certificateProfile(name)
        case "crl": .revocationList(name)
        case "interface": .interface(name)
        case "listener": .listener(name)
        case "destination": .destination(name)
        case "user": .user(name)
        case "settings": groups[name].map(ObjectReference.settings)
        default: nil
        }
    }
}
