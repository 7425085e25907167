import ApplianceConfig
import DomainNames
import FoundationEssentials
import Shell

/// The batch forms of destconfig (destconfig.md §9). Success prints nothing, except `list`,
/// `detail` and `export`, which print as their menu operations do.
enum DestConfigBatch {
    /// The settings options of `new` and `edit`.
    enum Option: String, CaseIterable {
        case maxHostConcurrency = "max_host_concurrency"
        case maxMessagesPerConnection = "max_messages_per_connection"
        case recipientLimit = "recipient_limit"
        case recipientMinutes = "recipient_minutes"
        case limitType = "limit_type"
        case limitApply = "limit_apply"
        case tls = "tls"
        case bounceValidation = "bounce_validation"
        case bounceProfile = "bounce_profile"
        case ipSortPref = "ip_sort_pref"

        /// Accepted values, as the syntax and the error messages name them.
        var accepted: String {
            switch self {
            case .maxHostConcurrency, .maxMessagesPerConnection: "1-1000"
            case .recipientLimit: "0-1000000"
            case .recipientMinutes: "1-60"
            case .limitType: "host|MXIP"
            case .limitApply: "system|VG"
            case .tls: OutboundTLS.allCases.map(\.batchName).joined(separator: "|")
            case .bounceValidation: "on|off"
            case .bounceProfile: "default|name"
            case .ipSortPref: IPPreference.allCases.map(\.batchName).joined(separator: "|")
            }
        }

        /// What Tab offers: the words of `accepted` (not a number range), and `default`.
        var candidates: [String] {
            switch self {
            case .maxHostConcurrency, .maxMessagesPerConnection, .recipientLimit, .recipientMinutes: ["default"]
            case .bounceProfile: [DestinationDefaults.bounceProfileName.text]
            default: accepted.split(separator: "|").map(String.init) + ["default"]
            }
        }

        /// The option, parsed into the change it makes.
        var option: BatchOption<DestinationSettingChange> {
            let option = self
            return BatchOption(
                rawValue,
                ValueParser("{\(accepted)}", candidates: { _ in option.candidates }) { text, _ throws(ShellError) in
                    try change(option, text)
                }
            )
        }
    }

    static let settingOptions = Option.allCases.map(\.option)
    static let settingParts = settingOptions.map { FormPart.option($0) }

    // MARK: Arguments

    /// A new domain (not `default`, which names the Default entry).
    static let newDomain = Positional(
        "domain",
        ValueParser("{domain}") { text, _ throws(ShellError) in
            guard let domain = DestinationLimits.normalizedDomain(text), !domain.names("default") else {
                throw DestConfigText.invalidDomain(text)
            }
            return domain
        },
        missing: "the domain"
    )

    /// The domains of the table, for Tab (after the given words).
    private static func domains(_ context: ArgumentContext, _ words: [String] = []) -> [String] {
        words + context.configuration.destinations.map(\.domain.text)
    }

    /// A domain with an entry; the value is its lower-case form.
    static let existingDomain = Positional(
        "domain",
        ValueParser("{domain}", candidates: { domains($0) }) { text, context throws(ShellError) in
            try DestConfigText.existing(text, context.configuration).get()
        },
        missing: "the domain"
    )

    /// What `edit` changes: the Default entry or a domain's (its existence is checked after the options).
    enum Target: Sendable {
        case defaults
        case domain(HostName)
    }

    static let target = Positional(
        "target",
        ValueParser<Target>("{domain|default}", candidates: { domains($0, ["default"]) }) {
            text,
            _ throws(ShellError) in
            if text.lowercased() == "default" { return .defaults }
            guard let domain = DestinationLimits.normalizedDomain(text) else {
                throw DestConfigText.invalidDomain(text)
            }
            return .domain(domain)
        },
        missing: "the domain or DEFAULT"
    )

    static let subject = Positional(
        "subject",
        ValueParser("{domain|default|all}", candidates: { domains($0, ["default", "all"]) }) {
            text,
            context throws(ShellError) in
            try DestConfigReports.subject(text, context.configuration).get()
        },
        missing: "the domain, DEFAULT or ALL"
    )

    /// A file in /configuration; a bad name is shown under the usage line.
    static let file = Positional(
        "file",
        ValueParser("{file}") { text, _ throws(ShellError) in try ConfigurationFolder.checkName(text).get() },
        missing: "the file name"
    )

    static let certificate = BatchOption("certificate", .profileName)
    static let alert = BatchOption(
        "send_tls_req_alert",
        .words("{yes|no}", ["yes": true, "y": true, "no": false, "n": false]) {
            "--send_tls_req_alert must be yes or no, not \"\($0)\"."
        }
    )

    // MARK: Grammar

    static let optionLines = [
        "",
        "options: --max_host_concurrency={1-1000}  --max_messages_per_connection={1-1000}",
        "         --recipient_limit={0-1000000}  --recipient_minutes={1-60}",
        "         --limit_type={host|MXIP}  --limit_apply={system|VG}",
        "         --tls={off|on|require|on_verify|require_verify}",
        "         --bounce_validation={on|off}  --bounce_profile={default|name}",
        "         --ip_sort_pref={prefer_v6|require_v6|prefer_v4|require_v4}",
    ]

    static func grammar(_ configuration: CommandConfiguration) -> Grammar {
        Grammar(
            configuration,
            notes: optionLines,
            wording: Grammar.Wording(caseInsensitiveOptions: true),
            interactive: { try DestConfigMenu.run($0) },
            Form(
                "setup",
                usage: "destconfig setup [--certificate={profile}] [--send_tls_req_alert={yes|no}]",
                .option(certificate),
                .option(alert)
            ) { values, session in
                let certificate = values[certificate]
                let alert = values[alert]
                guard certificate != nil || alert != nil else { return }
                session.stage { config in
                    if let certificate { config.destinationDefaults.outboundCertificate = certificate }
                    if let alert { config.destinationDefaults.requiredTLSAlert = alert }
                }
            },
            Form("new", usage: "destconfig new {domain} [options]", parts: [.argument(newDomain)] + settingParts) {
                values,
                session in
                try new(values[newDomain], changes(values, forDefault: false), session)
            },
            Form("edit", usage: "destconfig edit {domain|default} [options]", parts: [.argument(target)] + settingParts)
            {
                values,
                session in
                try edit(values[target], values, session)
            },
            Form("delete", usage: "destconfig delete {domain}", .argument(existingDomain)) { values, session in
                let domain = values[existingDomain]
                guard let index = DestConfigText.index(session.configuration, domain) else {
                    throw DestConfigText.notFound(domain)
                }
                session.stage { _ = $0.destinations.remove(at: index) }
            },
            Form(
                "list",
                aliases: ["print"],
                usage: "destconfig list",
                help: "destconfig list                    (print is an alias)"
            ) { _, session in
                DestConfigReports.list(session)
            },
            Form("detail", usage: "destconfig detail {domain|default|all}", .argument(subject)) { values, session in
                DestConfigReports.show(values[subject], session)
            },
            Form("clear", usage: "destconfig clear") { _, session in
                session.stage { $0.destinations.removeAll() }
            },
            Form("import", usage: "destconfig import {file}", .argument(file)) { values, session in
                try DestConfigFiles.importFile(values[file], session)
            },
            Form("export", usage: "destconfig export {file}", .argument(file)) { values, session in
                try DestConfigFiles.exportFile(values[file], session)
            }
        )
    }

    // MARK: Subcommands

    private static func new(_ domain: HostName, _ changes: [DestinationSettingChange], _ session: Session) throws {
        var entry = DestinationEntry(domain: domain)
        for change in changes { change.apply(to: &entry) }
        // A keyed lookup: 10,000 `new` lines do not scan 10,000 entries each.
        if DestConfigText.contains(session.configuration, domain) { throw DestConfigText.exists(domain) }
        session.stage { $0.destinations.append(entry) }
    }

    private static func edit(_ target: Target, _ values: BatchValues, _ session: Session) throws {
        switch target {
        case .defaults:
            let changes = try changes(values, forDefault: true)
            var defaults = session.configuration.destinationDefaults
            for change in changes { change.apply(to: &defaults) }
            let result = defaults
            session.stage { $0.destinationDefaults = result }
        case .domain(let domain):
            let changes = try changes(values, forDefault: false)
            guard let index = DestConfigText.index(session.configuration, domain) else {
                throw DestConfigText.notFound(domain)
            }
            session.stage { config in
                for change in changes { change.apply(to: &config.destinations[index]) }
            }
        }
    }

    /// The changes the settings options make; `default` as a value ("use Default") is only for a
    /// domain entry.
    private static func changes(_ values: BatchValues, forDefault: Bool) throws -> [DestinationSettingChange] {
        var changes: [DestinationSettingChange] = []
        for (option, declared) in zip(Option.allCases, settingOptions) {
            guard let change = values[declared] else { continue }
            // The bounce profile's `default` names the Default profile.
            if forDefault && change.isNil && option != .bounceProfile {
                throw Grammar.Misuse("--\(option.rawValue)=default is only for a domain entry.")
            }
            changes.append(change)
        }
        return changes
    }

    /// Reads one settings option's value (in any case). `default` means "use Default", except for
    /// `--bounce_profile`, where it names the Default profile (the only one).
    static func change(_ option: Option, _ value: String) throws(ShellError) -> DestinationSettingChange {
        let lower = value.lowercased()
        let reset = lower == "default" && option != .bounceProfile
        func number(
            _ field: WritableKeyPath<DestinationSettings, Int?> & Sendable,
            _ range: ClosedRange<Int>
        ) throws(ShellError) -> DestinationSettingChange {
            if reset { return DestinationSettingChange(field, nil) }
            guard let number = Int(value), range.contains(number) else {
                throw .invalidInput(
                    "--\(option.rawValue) must be a number from \(range.lowerBound) to \(range.upperBound), "
                        + "not \"\(value)\"."
                )
            }
            return DestinationSettingChange(field, number)
        }
        func word<Value: Sendable>(
            _ field: WritableKeyPath<DestinationSettings, Value?> & Sendable,
            _ found: Value?
        ) throws(ShellError) -> DestinationSettingChange {
            if reset { return DestinationSettingChange(field, nil) }
            guard let found else {
                throw .invalidInput("--\(option.rawValue) must be one of {\(option.accepted)}, not \"\(value)\".")
            }
            return DestinationSettingChange(field, found)
        }
        switch option {
        case .maxHostConcurrency: return try number(\.maxConcurrency, DestinationLimits.concurrency)
        case .maxMessagesPerConnection:
            return try number(\.maxMessagesPerConnection, DestinationLimits.messagesPerConnection)
        case .recipientLimit: return try number(\.recipientLimit, DestinationLimits.recipients)
        case .recipientMinutes: return try number(\.recipientLimitPeriod, DestinationLimits.minutes)
        case .limitType:
            return try word(\.limitType, DestinationLimitType.allCases.first { $0.rawValue.lowercased() == lower })
        case .limitApply:
            return try word(\.limitApplies, DestinationLimitScope.allCases.first { $0.rawValue.lowercased() == lower })
        case .tls: return try word(\.tls, OutboundTLS.allCases.first { $0.batchName == lower })
        case .bounceValidation: return try word(\.bounceVerification, ["on": true, "off": false][lower])
        case .bounceProfile:
            guard BounceProfileName(value).isDefaultProfile else {
                throw .actionFailed("The bounce profile \"\(value)\" does not exist.")
            }
            // A domain's entry then uses the Default entry's profile, which is this one.
            return DestinationSettingChange(\.bounceProfile, nil)
        case .ipSortPref: return try word(\.ipPreference, IPPreference.allCases.first { $0.batchName == lower })
        }
    }

}
