import FoundationEssentials

/// Identity of a configuration object: its section (the command that edits it) and its id.
public struct ObjectKey: Hashable, Sendable, Comparable {
    public var section: String
    public var id: String

    public init(section: String, id: String) {
        self.section = section
        self.id = id
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.section, lhs.id) < (rhs.section, rhs.id)
    }
}

/// What a change or a conflict is about, as data: the kind of object and its name. Shell words it
/// (`ChangeWording.object`: `certificate profile "Demo"`, `listener "IncomingMail"`, `system`).
public enum ObjectReference: Sendable, Hashable {
    case certificateProfile(String)
    case revocationList(String)
    case interface(String)
    case listener(String)
    /// A destination entry, by its domain.
    case destination(String)
    case user(String)
    /// A settings group: the one object of its section.
    case settings(SettingsGroupKind)
}

/// The settings groups of the configuration, each the one object of its section.
public enum SettingsGroupKind: Sendable, Hashable, CaseIterable {
    /// The system host name (`sethostname`).
    case system
    case certificateAuthorities
    /// destconfig's Default entry.
    case destinationDefaults
    /// listenerconfig's global settings.
    case listenerSettings
    case alerts
    case tlsLogging
    case ldap
    case webSecurity
    /// userconfig's account policy.
    case accountPolicy
}

/// One change of `showchanges` / `diffconfig` / `commitdetail`, as data: the object (its section, id
/// and typed reference) and what happened to it. Shell words it (`ChangeWording.line`); setting names
/// and values are the settings' own (`ConfigObject.settings`).
public struct ConfigChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case added
        case removed
        case modified(setting: String, old: String, new: String)
        /// A setting of an object just added (listed under its `+` line).
        case described(setting: String, value: String)
        /// A member of a list inside the object appeared (with its fields) or disappeared.
        case memberAdded(list: String, member: String, fields: String)
        case memberRemoved(list: String, member: String)
    }

    public var key: ObjectKey
    /// The object changed.
    public var object: ObjectReference
    public var kind: Kind

    public init(key: ObjectKey, object: ObjectReference, kind: Kind) {
        self.key = key
        self.object = object
        self.kind = kind
    }
}

/// A setting changed by two sessions differently.
public struct MergeConflict: Sendable, Equatable {
    public var key: ObjectKey
    /// The section's command (`destconfig`).
    public var section: String
    /// The object both sides changed (`.destination("example.com")`).
    public var object: ObjectReference
    /// The settings both sides changed, sorted (none: the object as a whole).
    public var settings: [String]

    public init(key: ObjectKey, section: String, object: ObjectReference, settings: [String]) {
        self.key = key
        self.section = section
        self.object = object
        self.settings = settings
    }
}

/// How one section of the configuration is compared and merged.
struct SectionDescriptor: Sendable {
    let name: String
    /// Gives each change from the first configuration to the second to the closure, in order.
    let diff: @Sendable (ApplianceConfiguration, ApplianceConfiguration, (ConfigChange) -> Void) -> Void
    /// Ids of the objects that differ.
    let changedIDs: @Sendable (ApplianceConfiguration, ApplianceConfiguration) -> Set<String>
    /// Whether the object with this id is equal in both configurations.
    let sameObject: @Sendable (ApplianceConfiguration, ApplianceConfiguration, String) -> Bool
    /// Copies the object with this id from the source into the target (or removes it from the target).
    let transplant: @Sendable (inout ApplianceConfiguration, ApplianceConfiguration, String) -> Void
    /// Names of the settings of this object that differ between the two configurations.
    let changedSettings: @Sendable (ApplianceConfiguration, ApplianceConfiguration, String) -> [String]
    /// The object with this id in this configuration, if it exists there.
    let reference: @Sendable (ApplianceConfiguration, String) -> ObjectReference?
}

extension SectionDescriptor {
    /// A section that is a list of objects with distinct ids (`KeyedList`: order kept, never
    /// meaningful for merging). Diff, rebase and transplant find objects by id in the list itself,
    /// so transplanting k objects into an n-entry section costs O(k), not a rebuild per object.
    static func keyed<T: ConfigObject>(
        _ name: String,
        _ path: WritableKeyPath<ApplianceConfiguration, KeyedList<T>> & Sendable
    ) -> SectionDescriptor {
        @Sendable func find(_ config: ApplianceConfiguration, _ id: String) -> T? { config[keyPath: path][id: id] }
        return SectionDescriptor(
            name: name,
            diff: { old, new, emit in KeyedSection.diff(name, old[keyPath: path], new[keyPath: path], into: emit) },
            changedIDs: { old, new in KeyedSection.changedIDs(old[keyPath: path], new[keyPath: path]) },
            sameObject: { a, b, id in find(a, id) == find(b, id) },
            transplant: { target, source, id in
                KeyedSection.transplant(id, into: &target[keyPath: path], from: source[keyPath: path])
            },
            changedSettings: { a, b, id in
                guard let x = find(a, id), let y = find(b, id) else { return [] }
                return SettingDiff.changedNames(x.settings, y.settings)
            },
            reference: { config, id in find(config, id)?.objectReference }
        )
    }

    /// A section that is one settings group.
    static func group<T: ConfigObject>(
        _ name: String,
        _ path: WritableKeyPath<ApplianceConfiguration, T> & Sendable
    ) -> SectionDescriptor {
        SectionDescriptor(
            name: name,
            diff: { old, new, emit in
                let before = old[keyPath: path]
                let after = new[keyPath: path]
                if before == after { return }
                settingChanges(
                    key: .init(section: name, id: after.objectID),
                    object: after.objectReference,
                    old: before,
                    new: after
                )
                .forEach(emit)
            },
            changedIDs: { old, new in old[keyPath: path] == new[keyPath: path] ? [] : [""] },
            sameObject: { a, b, _ in a[keyPath: path] == b[keyPath: path] },
            transplant: { target, source, _ in target[keyPath: path] = source[keyPath: path] },
            changedSettings: { a, b, _ in
                SettingDiff.changedNames(a[keyPath: path].settings, b[keyPath: path].settings)
            },
            reference: { config, _ in config[keyPath: path].objectReference }
        )
    }

    /// One line per changed setting; an object that differs in a field no setting shows still gets
    /// a line naming the field (`SettingDiff.unlisted`), so no change is ever silent.
    static func settingChanges<T: ConfigObject>(
        key: ObjectKey,
        object: ObjectReference,
        old: T,
        new: T
    ) -> [ConfigChange] {
        var kinds = SettingDiff.changes(old.settings, new.settings)
        if kinds.isEmpty && old != new { kinds = SettingDiff.unlisted(old, new) }
        return kinds.map { ConfigChange(key: key, object: object, kind: $0) }
    }
}

/// Diff and merge of one keyed section, on the `KeyedList` itself.
enum KeyedSection {
    /// The changes from `old` to `new`, each given to `emit`: removed objects, then added and
    /// changed ones in order.
    static func diff<T: ConfigObject>(
        _ name: String,
        _ old: KeyedList<T>,
        _ new: KeyedList<T>,
        into emit: (ConfigChange) -> Void
    ) {
        let (before, after) = differingMiddle(old.elements, new.elements)
        for item in before where !new.contains(id: item.objectID) {
            emit(
                ConfigChange(key: .init(section: name, id: item.objectID), object: item.objectReference, kind: .removed)
            )
        }
        for item in after {
            let key = ObjectKey(section: name, id: item.objectID)
            guard let previous = old[id: item.objectID] else {
                emit(ConfigChange(key: key, object: item.objectReference, kind: .added))
                for kind in SettingDiff.described(item) {
                    emit(ConfigChange(key: key, object: item.objectReference, kind: kind))
                }
                continue
            }
            if previous != item {
                SectionDescriptor.settingChanges(key: key, object: item.objectReference, old: previous, new: item)
                    .forEach(emit)
            }
        }
    }

    /// The ids of the objects added, removed or changed from `old` to `new`.
    static func changedIDs<T: ConfigObject>(_ old: KeyedList<T>, _ new: KeyedList<T>) -> Set<String> {
        let (before, after) = differingMiddle(old.elements, new.elements)
        var ids = Set<String>()
        for item in after where old[id: item.objectID] != item { ids.insert(item.objectID) }
        for item in before where !new.contains(id: item.objectID) { ids.insert(item.objectID) }
        return ids
    }

    /// Copies the object `id` of `source` into `target` in place (or removes it from `target`); a
    /// new object goes after the nearest predecessor in `source` that `target` also has.
    static func transplant<T: ConfigObject>(_ id: String, into target: inout KeyedList<T>, from source: KeyedList<T>) {
        guard let position = source.index(ofID: id) else {
            target.remove(id: id)
            return
        }
        let item = source[position]
        if let existing = target.index(ofID: id) {
            target[existing] = item
            return
        }
        var insertAt = 0
        for predecessor in source[..<position].reversed() {
            if let p = target.index(ofID: predecessor.objectID) {
                insertAt = p + 1
                break
            }
        }
        target.insert(item, at: insertAt)
    }
}

/// Compares the settings of two versions of one object by name.
enum SettingDiff {
    /// The change lines from `old` to `new`: changed values, members of lists added or removed (one
    /// line each, with their fields), and a list's order when members kept on both sides moved.
    static func changes(_ old: [Setting], _ new: [Setting]) -> [ConfigChange.Kind] {
        let oldByName = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let newByName = Dictionary(new.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func memberKey(_ member: Setting.Member) -> String { member.list + "\u{0}" + member.name }
        let oldMembers = Set(old.compactMap { $0.member.map(memberKey) })
        let newMembers = Set(new.compactMap { $0.member.map(memberKey) })
        var result: [ConfigChange.Kind] = []
        var announced = Set<String>()
        for setting in new {
            if let member = setting.member, !oldMembers.contains(memberKey(member)) {
                guard announced.insert(memberKey(member)).inserted else { continue }
                let fields = new.filter { $0.member.map(memberKey) == memberKey(member) }
                    .compactMap { field in field.member.map { "\($0.field) \(field.shown)" } }
                result.append(
                    .memberAdded(list: member.list, member: member.name, fields: fields.joined(separator: ", "))
                )
                continue
            }
            guard let previous = oldByName[setting.name] else {
                result.append(.modified(setting: setting.name, old: "none", new: setting.shown))
                continue
            }
            if let order = setting.order, let previousOrder = previous.order {
                let kept = Set(order).intersection(previousOrder)
                if order.filter(kept.contains) != previousOrder.filter(kept.contains) {
                    result.append(.modified(setting: setting.name, old: previous.value, new: setting.value))
                }
                continue
            }
            if previous.value != setting.value {
                result.append(.modified(setting: setting.name, old: previous.shown, new: setting.shown))
            }
        }
        var removed = Set<String>()
        for setting in old where newByName[setting.name] == nil {
            if let member = setting.member, !newMembers.contains(memberKey(member)) {
                if removed.insert(memberKey(member)).inserted {
                    result.append(.memberRemoved(list: member.list, member: member.name))
                }
                continue
            }
            result.append(.modified(setting: setting.name, old: setting.shown, new: "none"))
        }
        return result
    }

    /// The names of the settings that differ (for conflict reports).
    static func changedNames(_ old: [Setting], _ new: [Setting]) -> [String] {
        changes(old, new).map { kind in
            switch kind {
            case .modified(let setting, _, _), .described(let setting, _): setting
            case .memberAdded(let list, let member, _), .memberRemoved(let list, let member): "\(list) \(member)"
            case .added, .removed: ""
            }
        }
    }

    /// The lines under a new object's `+` line: its settings that say something (not a default,
    /// `none` or empty, not a secret), then how its tables differ from the ones it started with.
    static func described<T: ConfigObject>(_ object: T) -> [ConfigChange.Kind] {
        let settings = object.settings
        let described: [ConfigChange.Kind] = settings.filter { setting in
            setting.describesNewObject && !setting.isSecret && !["", "none", "default"].contains(setting.value)
        }.map { .described(setting: $0.name, value: $0.value) }
        guard let start = object.startingPoint else { return described }
        let tables = { (settings: [Setting]) in settings.filter { !$0.describesNewObject } }
        return described + changes(tables(start.settings), tables(settings))
    }

    /// The fields that differ when no setting does (a field the settings do not list yet): each named
    /// by its path in the encoded object, secrets masked. Never empty for objects that differ.
    static func unlisted<T: ConfigObject>(_ old: T, _ new: T) -> [ConfigChange.Kind] {
        let before = flatten(encoded(old))
        let after = flatten(encoded(new))
        let paths = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
        let kinds: [ConfigChange.Kind] = paths.map { path in
            let secret = ["key", "secret", "password", "passphrase", "hash"].contains {
                path.lowercased().contains($0)
            }
            return .modified(
                setting: path,
                old: secret ? "*****" : before[path] ?? "none",
                new: secret ? "*****" : after[path] ?? "none"
            )
        }
        return kinds.isEmpty ? [.modified(setting: "other settings", old: "…", new: "changed")] : kinds
    }

    private static func encoded<T: ConfigObject>(_ object: T) -> JSONLeaf? {
        guard let encodable = object as? any Encodable,
            let data = try? JSONEncoder().encode(AnyEncodable(encodable))
        else { return nil }
        return try? JSONDecoder().decode(JSONLeaf.self, from: data)
    }

    /// `a.b[2].c` → the value's text, for every leaf of a decoded JSON value.
    private static func flatten(_ value: JSONLeaf?, _ path: String = "") -> [String: String] {
        switch value {
        case .object(let dictionary):
            var result: [String: String] = [:]
            for (key, inner) in dictionary {
                result.merge(flatten(inner, path.isEmpty ? key : "\(path).\(key)")) { first, _ in first }
            }
            return result
        case .array(let array):
            var result: [String: String] = [:]
            for (index, inner) in array.enumerated() {
                result.merge(flatten(inner, "\(path)[\(index)]")) { first, _ in first }
            }
            return result
        case .text(let text):
            return [path: text]
        case nil, .null:
            return [path: "none"]
        }
    }
}

/// A decoded JSON value, leaves as text (for naming the fields that differ).
private indirect enum JSONLeaf: Decodable {
    case object([String: JSONLeaf])
    case array([JSONLeaf])
    case text(String)
    case null

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            var object: [String: JSONLeaf] = [:]
            for key in container.allKeys { object[key.stringValue] = try container.decode(JSONLeaf.self, forKey: key) }
            self = .object(object)
        } else if var container = try? decoder.unkeyedContainer() {
            var array: [JSONLeaf] = []
            while !container.isAtEnd { array.append(try container.decode(JSONLeaf.self)) }
            self = .array(array)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let flag = try? single.decode(Bool.self) {
                self = .text(flag ? "true" : "false")
            } else if let number = try? single.decode(Int.self) {
                self = .text(String(number))
            } else if let number = try? single.decode(Double.self) {
                self = .text(String(number))
            } else {
                self = .text(try single.decode(String.self))
            }
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

private struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// The parts of two lists between their longest common prefix and suffix: the only places where
/// objects can differ (an object kept in place is equal in both). Makes one change in a
/// 10,000-entry section cost a comparison, not a hash of every id.
func differingMiddle<T: Equatable>(_ a: [T], _ b: [T]) -> (ArraySlice<T>, ArraySlice<T>) {
    let limit = min(a.count, b.count)
    var prefix = 0
    while prefix < limit && a[prefix] == b[prefix] { prefix += 1 }
    var suffix = 0
    while suffix < limit - prefix && a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
    return (a[prefix..<(a.count - suffix)], b[prefix..<(b.count - suffix)])
}

extension ApplianceConfiguration {
    /// How each section is compared and merged, in the order `showchanges` lists them (`table`).
    static let sections: [SectionDescriptor] = table.map(\.changes)

    var hostnameSetting: HostnameSetting {
        get { HostnameSetting(hostname: hostname) }
        set { hostname = newValue.hostname }
    }

    /// What changed from `old` to `self`, one entry per setting, added or removed object.
    public func changes(since old: ApplianceConfiguration) -> [ConfigChange] {
        var changes: [ConfigChange] = []
        forEachChange(since: old) { changes.append($0) }
        return changes
    }

    /// Gives each change from `old` to `self` to `body`, in the order of ``changes(since:)``,
    /// without holding them: a 10,000-destination commit records 30,000 changes.
    public func forEachChange(since old: ApplianceConfiguration, _ body: (ConfigChange) -> Void) {
        if self == old { return }
        for section in Self.sections { section.diff(old, self, body) }
    }

    /// Rebases the changes made from `base` to `self` onto `head` (another session's commit).
    /// Objects changed on one side only merge; an object changed differently on both sides is a conflict.
    public func rebased(
        from base: ApplianceConfiguration,
        onto head: ApplianceConfiguration
    ) -> Result<
        ApplianceConfiguration, RebaseFailure
    > {
        var merged = head
        var conflicts: [MergeConflict] = []
        for (position, section) in Self.sections.enumerated() {
            let mine = section.changedIDs(base, self)
            if mine.isEmpty { continue }
            let theirs = section.changedIDs(base, head)
            for id in mine.sorted() {
                if theirs.contains(id) && !section.sameObject(self, head, id) {
                    let names = Set(section.changedSettings(base, self, id)).union(
                        section.changedSettings(base, head, id)
                    )
                    // Changed on this side: the object is in this configuration or in the base.
                    guard let object = [self, head, base].lazy.compactMap({ section.reference($0, id) }).first else {
                        preconditionFailure("a changed object is in neither configuration")
                    }
                    conflicts.append(
                        MergeConflict(
                            key: ObjectKey(section: section.name + "#\(position)", id: id),
                            section: section.name,
                            object: object,
                            settings: names.sorted()
                        )
                    )
                    continue
                }
                section.transplant(&merged, self, id)
            }
        }
        if !conflicts.isEmpty { return .failure(RebaseFailure(conflicts: conflicts)) }
        return .success(merged)
    }
}

/// Why a rebase could not be done: the settings both sides changed.
public struct RebaseFailure: Error, Sendable, Equatable {
    public var conflicts: [MergeConflict]
}
