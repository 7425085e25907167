import ApplianceConfig
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
            case .bounceProfile: [DestinationDefaults.bounceProfileName]
            default: accepted.split(separator: "|").map(String.init) + ["default"]
            }
        }

        /// The option, parsed into the change it makes.
        var option: BatchOption<Change> {
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
            guard let domain = DestinationLimits.normalizedDomain(text), domain != "default" else {
                throw DestConfigText.invalidDomain(text)
            }
            return domain
        },
        missing: "the domain"
    )

    /// The domains of the table, for Tab (after the given words).
    private static func domains(_ context: ArgumentContext, _ words: [String] = []) -> [String] {
        words + context.configuration.destinations.map(\.domain)
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
        case domain(String)
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
        ValueParser("{yes|no}", candidates: { _ in ["yes", "no"] }) { text, _ throws(ShellError) in
            switch text.lowercased() {
            case "yes", "y": return true
            case "no", "n": return false
            default: throw .invalidInput("--send_tls_req_alert must be yes or no, not \"\(text)\".")
            }
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

    private static func new(_ domain: String, _ changes: [Change], _ session: Session) throws {
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
    private static func changes(_ values: BatchValues, forDefault: Bool) throws -> [Change] {
        var changes: [Change] = []
        for (option, declared) in zip(Option.allCases, settingOptions) {
            guard let change = values[declared] else { continue }
            if forDefault && change.isReset {
                throw Grammar.Misuse("--\(option.rawValue)=default is only for a domain entry.")
            }
            changes.append(change)
        }
        return changes
    }

    /// One setting given by an option: a value, or back to "use Default".
    enum Change {
        case ipPreference(IPPreference?)
        case concurrency(Int?)
        case messages(Int?)
        case recipients(Int?)
        case minutes(Int?)
        case limitType(DestinationLimitType?)
        case limitScope(DestinationLimitScope?)
        case tls(OutboundTLS?)
        case bounceVerification(Bool?)
        case bounceProfile(String?)

        /// Whether it sets the value back to "use Default".
        var isReset: Bool {
            switch self {
            case .ipPreference(let value): value == nil
            case .concurrency(let value), .messages(let value), .recipients(let value), .minutes(let value):
                value == nil
            case .limitType(let value): value == nil
            case .limitScope(let value): value == nil
            case .tls(let value): value == nil
            case .bounceVerification(let value): value == nil
            // The bounce profile's `default` names the Default profile.
            case .bounceProfile: false
            }
        }

        func apply(to entry: inout DestinationEntry) {
            switch self {
            case .ipPreference(let value): entry.ipPreference = value
            case .concurrency(let value): entry.maxConcurrency = value
            case .messages(let value): entry.maxMessagesPerConnection = value
            case .recipients(let value): entry.recipientLimit = value
            case .minutes(let value): entry.recipientLimitPeriod = value
            case .limitType(let value): entry.limitType = value
            case .limitScope(let value): entry.limitApplies = value
            case .tls(let value): entry.tls = value
            case .bounceVerification(let value): entry.bounceVerification = value
            case .bounceProfile(let value): entry.bounceProfile = value
            }
        }

        /// For the Default entry, which has no "use Default" (nil) values.
        func apply(to defaults: inout DestinationDefaults) {
            switch self {
            case .ipPreference(let value): if let value { defaults.ipPreference = value }
            case .concurrency(let value): if let value { defaults.maxConcurrency = value }
            case .messages(let value): if let value { defaults.maxMessagesPerConnection = value }
            case .recipients(let value): if let value { defaults.recipientLimit = value }
            case .minutes(let value): if let value { defaults.recipientLimitPeriod = value }
            case .limitType(let value): if let value { defaults.limitType = value }
            case .limitScope(let value): if let value { defaults.limitApplies = value }
            case .tls(let value): if let value { defaults.tls = value }
            case .bounceVerification(let value): if let value { defaults.bounceVerification = value }
            case .bounceProfile(let value): if let value { defaults.bounceProfile = value }
            }
        }
    }

    /// Reads one settings option's value (in any case). `default` means "use Default", except for
    /// `--bounce_profile`, where it names the Default profile (the only one).
    static func change(_ option: Option, _ value: String) throws(ShellError) -> Change {
        let lower = value.lowercased()
        let bad = ShellError.invalidInput("--\(option.rawValue) must be one of {\(option.accepted)}, not \"\(value)\".")
        if lower == "default" && option != .bounceProfile { return reset(option) }
        func number(_ range: ClosedRange<Int>) throws(ShellError) -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw .invalidInput(
                    "--\(option.rawValue) must be a number from \(range.lowerBound) to \(range.upperBound), "
                        + "not \"\(value)\"."
                )
            }
            return number
        }
        switch option {
        case .maxHostConcurrency: return .concurrency(try number(DestinationLimits.concurrency))
        case .maxMessagesPerConnection: return .messages(try number(DestinationLimits.messagesPerConnection))
        case .recipientLimit: return .recipients(try number(DestinationLimits.recipients))
        case .recipientMinutes: return .minutes(try number(DestinationLimits.minutes))
        case .limitType:
            guard let type = DestinationLimitType.allCases.first(where: { $0.rawValue.lowercased() == lower }) else {
                throw bad
            }
            return .limitType(type)
        case .limitApply:
            guard let scope = DestinationLimitScope.allCases.first(where: { $0.rawValue.lowercased() == lower }) else {
                throw bad
            }
            return .limitScope(scope)
        case .tls:
            guard let level = OutboundTLS.allCases.first(where: { $0.batchName == lower }) else { throw bad }
            return .tls(level)
        case .bounceValidation:
            switch lower {
            case "on": return .bounceVerification(true)
            case "off": return .bounceVerification(false)
            default: throw bad
            }
        case .bounceProfile:
            guard lower == DestinationDefaults.bounceProfileName.lowercased() else {
                throw .actionFailed("The bounce profile \"\(value)\" does not exist.")
            }
            // A domain's entry then uses the Default entry's profile, which is this one.
            return .bounceProfile(nil)
        case .ipSortPref:
            guard let preference = IPPreference.allCases.first(where: { $0.batchName == lower }) else { throw bad }
            return .ipPreference(preference)
        }
    }

    private static func reset(_ option: Option) -> Change {
        switch option {
        case .maxHostConcurrency: .concurrency(nil)
        case .maxMessagesPerConnection: .messages(nil)
        case .recipientLimit: .recipients(nil)
        case .recipientMinutes: .minutes(nil)
        case .limitType: .limitType(nil)
        case .limitApply: .limitScope(nil)
        case .tls: .tls(nil)
        case .bounceValidation: .bounceVerification(nil)
        case .bounceProfile: .bounceProfile(nil)
        case .ipSortPref: .ipPreference(nil)
        }
    }
}
