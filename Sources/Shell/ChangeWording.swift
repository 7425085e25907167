import ApplianceConfig
import ConfigStore

/// The administrator's wording of configuration changes: the lines of `showchanges`, `diffconfig`
/// and `commitdetail`, and how a change or a conflict names its object. `ApplianceConfig` reports
/// each change as data (`ConfigChange`: the object as an `ObjectReference`, what happened as a
/// `ConfigChange.Kind`); every line it becomes is written here, once. The setting names and values
/// are the settings' own (`ConfigObject.settings`). The transcript tests hold these strings byte for
/// byte.
public enum ChangeWording {
    /// `{section}: {object} {setting}: {old} -> {new}`, `+ {section}: {object}`, `- {section}: {object}`.
    public static func line(_ change: ConfigChange) -> String {
        let section = change.key.section
        let object = object(change.object)
        switch change.kind {
        case .added: return "+ \(section): \(object)"
        case .removed: return "- \(section): \(object)"
        case .modified(let setting, let old, let new): return "\(section): \(object) \(setting): \(old) -> \(new)"
        case .described(let setting, let value): return "\(section): \(object) \(setting): \(value)"
        case .memberAdded(let list, let member, let fields):
            return "\(section): \(object) \(list): + \(member)" + (fields.isEmpty ? "" : " (\(fields))")
        case .memberRemoved(let list, let member): return "\(section): \(object) \(list): - \(member)"
        }
    }

    /// A change a revision recorded: worded now, or (a revision stored before changes were typed)
    /// the line it was stored as, unchanged.
    public static func line(_ change: RecordedChange) -> String {
        switch change {
        case .change(let change): line(change)
        case .line(let text): text
        }
    }

    /// How a change line or a conflict names its object: `certificate profile "Demo"`, `system`.
    public static func object(_ reference: ObjectReference) -> String {
        switch reference {
        case .certificateProfile(let name): "certificate profile \"\(name)\""
        case .revocationList(let name): "CRL \"\(name)\""
        case .interface(let name): "interface \"\(name)\""
        case .listener(let name): "listener \"\(name)\""
        case .destination(let domain): domain
        case .user(let name): "user \"\(name)\""
        case .settings(let group): object(group)
        }
    }

    /// How a settings group is named.
    public static func object(_ group: SettingsGroupKind) -> String {
        switch group {
        case .system: "system"
        case .certificateAuthorities: "certificate authorities"
        case .destinationDefaults: "Default"
        case .listenerSettings: "global settings"
        case .alerts: "alerts"
        case .tlsLogging: "TLS logging"
        case .ldap: "LDAP"
        case .webSecurity: "web security"
        case .accountPolicy: "account policy"
        }
    }
}
