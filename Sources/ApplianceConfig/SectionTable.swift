import DomainNames

/// A service that uses a certificate profile, in the order `certconfig` PRINT lists them.
public enum CertificateService: Sendable, Hashable, CaseIterable {
    /// A listener's STARTTLS.
    case listenerTLS
    /// Every outgoing TLS connection (destconfig's Default entry).
    case outgoingTLS
    /// An interface's HTTPS service.
    case https
    /// The LDAP client.
    case ldap
    /// The web security service's client certificate.
    case webSecurity
}

/// One use of a certificate profile by an object of a section. Declared once per section in
/// `ApplianceConfiguration.table`; certconfig PRINT and DELETE, the commit warnings and
/// validation's `certificate profile … does not exist` all read these.
public struct CertificateUse: Sendable, Equatable {
    /// The command that edits the section (`listenerconfig`).
    public var section: String
    /// The object that uses the profile (`.listener("IncomingMail")`).
    public var object: ValidationIssue.Subject
    public var service: CertificateService
    /// The profile, nil when none is chosen.
    public var profile: String?
}

/// A check of every object of a section, run by `validate()` in the order the section lists them.
struct ObjectCheck<T>: Sendable {
    fileprivate enum Kind: Sendable {
        /// Problems of the object on its own (or against the whole configuration).
        case rule(@Sendable (T, ApplianceConfiguration) -> [ValidationIssue.Code])
        /// No two objects of the section share this key.
        case distinct(key: @Sendable (T) -> String, code: @Sendable (T) -> ValidationIssue.Code)
        /// A name that must name an object of another section; nil: nothing chosen.
        case reference(Reference, name: @Sendable (T) -> String?)
    }

    /// What a reference names.
    fileprivate enum Reference: Sendable {
        /// A certificate profile, for this service; only while `active` (a service switched off
        /// keeps its choice but uses nothing).
        case certificateProfile(CertificateService, active: @Sendable (T) -> Bool)
        /// An interface (`interfaceconfig`).
        case interface
    }

    fileprivate let kind: Kind

    /// Problems of one object: `[]` when it is fine.
    static func rule(_ check: @escaping @Sendable (T, ApplianceConfiguration) -> [ValidationIssue.Code]) -> Self {
        Self(kind: .rule(check))
    }

    /// No two objects share `key`; the second one gets `code`.
    static func distinct(
        _ key: @escaping @Sendable (T) -> String,
        _ code: @escaping @Sendable (T) -> ValidationIssue.Code
    ) -> Self {
        Self(kind: .distinct(key: key, code: code))
    }

    /// The certificate profile `service` uses: validated to exist, listed by certconfig PRINT and
    /// DELETE, checked for expiry before a commit. While `active` is false the service is off: no use.
    static func certificate(
        _ service: CertificateService,
        active: @escaping @Sendable (T) -> Bool = { _ in true },
        _ name: @escaping @Sendable (T) -> ProfileName?
    ) -> Self {
        Self(kind: .reference(.certificateProfile(service, active: active), name: { name($0)?.text }))
    }

    /// An interface that must exist (`interface "…" does not exist`).
    static func interface(_ name: @escaping @Sendable (T) -> InterfaceName?) -> Self {
        Self(kind: .reference(.interface, name: { name($0)?.text }))
    }

    /// The problems of `object`; `seen` holds the keys of the objects before it (`distinct`).
    fileprivate func problems(
        _ object: T,
        _ config: ApplianceConfiguration,
        _ seen: inout Set<String>
    )
        -> [ValidationIssue.Code]
    {
        switch kind {
        case .rule(let check):
            return check(object, config)
        case .distinct(let key, let code):
            return seen.insert(key(object)).inserted ? [] : [code(object)]
        case .reference(.certificateProfile(_, let active), let name):
            guard active(object), let profile = name(object), config.certificate(named: profile) == nil else {
                return []
            }
            return [.missingProfile(profile)]
        case .reference(.interface, let name):
            guard let interface = name(object), config.interface(named: interface) == nil else { return [] }
            return [.missingInterface(interface)]
        }
    }

    /// The certificate use this check declares for `object`, if it is one and the service is on.
    fileprivate func certificateUse(_ object: T) -> (CertificateService, String?)? {
        guard case .reference(.certificateProfile(let service, let active), let name) = kind, active(object) else {
            return nil
        }
        return (service, name(object))
    }

    fileprivate var declaresCertificate: Bool {
        if case .reference(.certificateProfile, _) = kind { return true }
        return false
    }
}

/// One section of the configuration: one stored property of `ApplianceConfiguration`, the command
/// that edits it, how it is compared and merged, how it travels in the file, and what `validate()` checks in it — its references
/// to other sections (certificate profiles, interfaces) and its own rules.
///
/// `ApplianceConfiguration.table` lists every section; diff, merge, validation, the configuration
/// file and the certificate bindings are generated from it (Docs/Architecture.md, "The section table").
struct ConfigurationSection: Sendable {
    /// The stored property (and coding key) of `ApplianceConfiguration` the section is.
    let property: String
    /// Compares and merges it (showchanges, rebase).
    let changes: SectionDescriptor
    /// Its problems, object by object, each object's in the order of its checks.
    let issues: @Sendable (ApplianceConfiguration) -> [ValidationIssue]
    /// Its uses of certificate profiles, in object order.
    let certificateUses: @Sendable (ApplianceConfiguration) -> [CertificateUse]
    /// How it travels in the configuration file; nil: as JSON (`XMLExtraSections`).
    let xml: SectionXML?

    /// The command that edits the section.
    var command: String { changes.name }

    /// A section that is a list of objects (`KeyedList`: each id at most once, so no check for
    /// duplicate names is needed). `subject` names an object in validation messages; `afterwards`
    /// checks the list as a whole (`.users`: no administrator).
    static func keyed<T: ConfigObject>(
        _ property: String,
        _ command: String,
        _ path: WritableKeyPath<ApplianceConfiguration, KeyedList<T>> & Sendable,
        xml: SectionXML?,
        subject: @escaping @Sendable (T) -> ValidationIssue.Subject = { _ in .named("") },
        checks: [ObjectCheck<T>] = [],
        afterwards: [@Sendable (ApplianceConfiguration) -> ValidationIssue?] = []
    ) -> ConfigurationSection {
        let objects: @Sendable (ApplianceConfiguration) -> [T] = { $0[keyPath: path].elements }
        return ConfigurationSection(
            property: property,
            changes: .keyed(command, path),
            issues: validator(command, objects, subject, checks, afterwards),
            certificateUses: uses(command, objects, subject, checks),
            xml: xml
        )
    }

    /// A section that is one settings group.
    static func group<T: ConfigObject>(
        _ property: String,
        _ command: String,
        _ path: WritableKeyPath<ApplianceConfiguration, T> & Sendable,
        xml: SectionXML?,
        subject: @escaping @Sendable (T) -> ValidationIssue.Subject = { _ in .named("") },
        checks: [ObjectCheck<T>] = []
    ) -> ConfigurationSection {
        let objects: @Sendable (ApplianceConfiguration) -> [T] = { [$0[keyPath: path]] }
        return ConfigurationSection(
            property: property,
            changes: .group(command, path),
            issues: validator(command, objects, subject, checks, []),
            certificateUses: uses(command, objects, subject, checks),
            xml: xml
        )
    }

    private static func validator<T>(
        _ command: String,
        _ objects: @escaping @Sendable (ApplianceConfiguration) -> [T],
        _ subject: @escaping @Sendable (T) -> ValidationIssue.Subject,
        _ checks: [ObjectCheck<T>],
        _ afterwards: [@Sendable (ApplianceConfiguration) -> ValidationIssue?]
    ) -> @Sendable (ApplianceConfiguration) -> [ValidationIssue] {
        { config in
            var issues: [ValidationIssue] = []
            if !checks.isEmpty {
                var seen = [Set<String>](repeating: [], count: checks.count)
                for object in objects(config) {
                    for (index, check) in checks.enumerated() {
                        for code in check.problems(object, config, &seen[index]) {
                            issues.append(ValidationIssue(section: command, object: subject(object), code))
                        }
                    }
                }
            }
            issues += afterwards.compactMap { $0(config) }
            return issues
        }
    }

    private static func uses<T>(
        _ command: String,
        _ objects: @escaping @Sendable (ApplianceConfiguration) -> [T],
        _ subject: @escaping @Sendable (T) -> ValidationIssue.Subject,
        _ checks: [ObjectCheck<T>]
    ) -> @Sendable (ApplianceConfiguration) -> [CertificateUse] {
        let declared = checks.filter(\.declaresCertificate)
        if declared.isEmpty { return { _ in [] } }
        return { config in
            objects(config).flatMap { object in
                declared.compactMap { check in
                    check.certificateUse(object).map { service, profile in
                        CertificateUse(section: command, object: subject(object), service: service, profile: profile)
                    }
                }
            }
        }
    }
}

extension ApplianceConfiguration {
    /// Every section, in the order `showchanges` and `validate()` list them. A new section is one
    /// entry here (Docs/Development.md, "Adding a configuration section"); `SectionCompletenessTests`
    /// fails for a stored property without one, and for a certificate reference no check declares.
    static let table: [ConfigurationSection] = [
        .group(
            "hostname",
            "sethostname",
            \.hostnameSetting,
            xml: .element(.hostname),
            subject: { .named($0.hostname) },
            checks: [.rule { setting, _ in HostnameRules.isFQDN(setting.hostname) ? [] : [.invalidHostName] }]
        ),
        .keyed(
            "interfaces",
            "interfaceconfig",
            \.interfaces,
            xml: .element(.interfaces),
            subject: { .interface($0.name.text) },
            checks: [
                .distinct(\.address) { .addressTwice($0.address) },
                .rule { interface, _ in
                    HostnameRules.isFQDN(interface.hostname) ? [] : [.invalidInterfaceHostName(interface.hostname)]
                },
                .certificate(.https, active: { $0.httpsPort != nil }, \.httpsCertificate),
            ]
        ),
        .keyed(
            "certificates",
            "certconfig",
            \.certificates,
            xml: .element(.certificates),
            subject: { .named($0.name.text) }
        ),
        .group("certificateAuthorities", "certconfig", \.certificateAuthorities, xml: .element(.authorities)),
        .keyed("revocationLists", "certconfig", \.revocationLists, xml: .element(.revocationLists)),
        .keyed(
            "destinations",
            "destconfig",
            \.destinations,
            xml: .element(.destinations),
            subject: { .named($0.domain.text) },
            checks: [
                .rule { entry, _ in
                    // Only the Default bounce profile exists.
                    guard let profile = entry.bounceProfile, !profile.isDefaultProfile else { return [] }
                    return [.missingBounceProfile(profile.text)]
                }
            ]
        ),
        .group(
            "destinationDefaults",
            "destconfig",
            \.destinationDefaults,
            xml: .within("destconfig"),
            subject: { _ in .destinationDefaults },
            checks: [.certificate(.outgoingTLS, \.outboundCertificate)]
        ),
        .group(
            "ldap",
            "ldapconfig",
            \.ldap,
            xml: .element(.ldapCertificate),
            subject: { _ in .ldap },
            checks: [.certificate(.ldap, \.certificate)]
        ),
        .group(
            "webSecurity",
            "websecurityconfig",
            \.webSecurity,
            xml: .element(.webSecurity),
            subject: { _ in .webSecurity },
            checks: [.certificate(.webSecurity, \.clientCertificate)]
        ),
        .keyed(
            "listeners",
            "listenerconfig",
            \.listeners,
            xml: .element(.listeners),
            subject: { .listener($0.name.text) },
            checks: [
                .interface(\.interface),
                .distinct({ "\($0.interface.key.folded):\($0.port)" }) {
                    .endpointTaken(interface: $0.interface.text, port: $0.port)
                },
                .certificate(.listenerTLS, \.certificate),
                .rule { listener, _ in listener.hostAccess.missingPolicies },
            ]
        ),
        .group("listenerSettings", "listenerconfig", \.listenerSettings, xml: .element(.listenerSettings)),
        .group("alerts", "alertconfig", \.alerts, xml: .element(.alerts)),
        .keyed(
            "users",
            "userconfig",
            \.users,
            xml: .element(.users),
            subject: { .user($0.name) },
            checks: [
                .rule { user, _ in ApplianceUser.isValidName(user.name) ? [] : [.invalidUserName] }
            ],
            afterwards: [
                { config in
                    config.users.contains { $0.role == .administrator && !$0.locked }
                        ? nil : ValidationIssue(section: "userconfig", object: .users, .noAdministrator)
                }
            ]
        ),
        .group("userPolicy", "userconfig", \.userPolicy, xml: .within("users")),
        .group("logging", "tlslogconfig", \.logging, xml: .element(.tlsLogFields)),
    ]

    /// Every use of a certificate profile, in the order certconfig PRINT lists them (by service,
    /// then as the sections list their objects).
    public var certificateUses: [CertificateUse] {
        let uses = Self.table.flatMap { $0.certificateUses(self) }
        let rank = Dictionary(uniqueKeysWithValues: CertificateService.allCases.enumerated().map { ($1, $0) })
        return uses.enumerated().sorted { a, b in
            (rank[a.element.service]!, a.offset) < (rank[b.element.service]!, b.offset)
        }.map(\.element)
    }

    /// The uses of the profile `name` (ignoring case): what keeps certconfig DELETE from removing it.
    public func uses(ofProfile name: ProfileName) -> [CertificateUse] {
        certificateUses.filter { name.names($0.profile) }
    }

    /// The uses of the profile named `name` as typed (ignoring case).
    public func uses(ofProfile name: String) -> [CertificateUse] { uses(ofProfile: ProfileName(name)) }
}

extension HostAccessTable {
    /// A policy the table's sender groups (or ALL) name but does not define, each time it is named.
    var missingPolicies: [ValidationIssue.Code] {
        let defined = Set(policies.map(\.name.key))
        var codes: [ValidationIssue.Code] = []
        for entry in entries {
            if case .policy(let name) = entry.behavior, !defined.contains(name.key) {
                codes.append(.missingPolicy(in: entry.reference, policy: name))
            }
        }
        if case .policy(let name) = all, !defined.contains(name.key) {
            codes.append(.missingPolicy(in: .all, policy: name))
        }
        return codes
    }
}
