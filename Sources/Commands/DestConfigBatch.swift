import ApplianceConfig
import Foundation
import Shell

/// The batch forms of destconfig (destconfig.md §9). Success prints nothing, except `list`,
/// `detail` and `export`, which print as their menu operations do.
enum DestConfigBatch {
    /// The subcommands; `print` is an alias of `list`.
    enum Subcommand: String, CaseIterable {
        case setup, new, edit, delete, list, print, detail, clear
        case importFile = "import"
        case exportFile = "export"

        /// The syntax line of `help destconfig` and of `Usage:` messages.
        var usage: String {
            switch self {
            case .setup: "destconfig setup [--certificate={profile}] [--send_tls_req_alert={yes|no}]"
            case .new: "destconfig new {domain} [options]"
            case .edit: "destconfig edit {domain|default} [options]"
            case .delete: "destconfig delete {domain}"
            case .list, .print: "destconfig list"
            case .detail: "destconfig detail {domain|default|all}"
            case .clear: "destconfig clear"
            case .importFile: "destconfig import {file}"
            case .exportFile: "destconfig export {file}"
            }
        }
    }

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
    }

    static let setupOptions = ["certificate", "send_tls_req_alert"]

    static let syntax: [String] =
        [
            Subcommand.setup.usage,
            Subcommand.new.usage,
            Subcommand.edit.usage,
            Subcommand.delete.usage,
            "destconfig list                    (print is an alias)",
            Subcommand.detail.usage,
            Subcommand.clear.usage,
            Subcommand.importFile.usage,
            Subcommand.exportFile.usage,
            "",
            "options: --max_host_concurrency={1-1000}  --max_messages_per_connection={1-1000}",
            "         --recipient_limit={0-1000000}  --recipient_minutes={1-60}",
            "         --limit_type={host|MXIP}  --limit_apply={system|VG}",
            "         --tls={off|on|require|on_verify|require_verify}",
            "         --bounce_validation={on|off}  --bounce_profile={default|name}",
            "         --ip_sort_pref={prefer_v6|require_v6|prefer_v4|require_v4}",
        ]

    static let completions: [String] =
        Subcommand.allCases.map(\.rawValue) + Option.allCases.map { "--\($0.rawValue)=" }
        + setupOptions.map { "--\($0)=" }

    // MARK: Dispatch

    static func run(_ arguments: [String], _ session: Session, index: DestinationIndex) throws {
        let names = Subcommand.allCases.map(\.rawValue)
        let subcommand: Subcommand
        switch Dialog.match(arguments[0], among: names) {
        case .found(let index):
            subcommand = Subcommand.allCases[index]
        case .ambiguous(let candidates):
            throw ShellError.invalidInput(
                "Usage: destconfig {subcommand} …\nAmbiguous subcommand \"\(arguments[0])\": "
                    + "\(candidates.joined(separator: ", "))."
            )
        case .none:
            throw ShellError.invalidInput(
                "Usage: destconfig {\(names.joined(separator: "|"))} …\nUnknown subcommand \"\(arguments[0])\"."
            )
        }
        let rest = Array(arguments.dropFirst())
        switch subcommand {
        case .setup: try setup(rest, session)
        case .new: try new(rest, session, index: index)
        case .edit: try edit(rest, session)
        case .delete: try delete(rest, session)
        case .list, .print:
            try noArguments(rest, subcommand)
            DestConfigReports.list(session)
        case .detail:
            let text = try single(rest, subcommand, what: "the domain, DEFAULT or ALL")
            DestConfigReports.show(
                try resolve(DestConfigReports.subject(text, session.configuration), subcommand),
                session
            )
        case .clear:
            try noArguments(rest, subcommand)
            session.stage { $0.destinations.removeAll() }
        case .importFile:
            let name = try single(rest, subcommand, what: "the file name")
            try DestConfigFiles.importFile(try resolve(ConfigurationFolder.checkName(name), subcommand), session)
        case .exportFile:
            let name = try single(rest, subcommand, what: "the file name")
            try DestConfigFiles.exportFile(try resolve(ConfigurationFolder.checkName(name), subcommand), session)
        }
    }

    // MARK: Subcommands

    private static func new(_ arguments: [String], _ session: Session, index: DestinationIndex) throws {
        let parsed = try parse(arguments, .new, options: Option.allCases.map(\.rawValue))
        let text = try single(parsed.positional, .new, what: "the domain")
        guard let domain = DestinationLimits.normalizedDomain(text), domain != "default" else {
            throw usage(.new, DestConfigText.invalidDomain(text).message)
        }
        let changes = try settings(parsed.options, .new, forDefault: false)
        var entry = DestinationEntry(domain: domain)
        for change in changes { change.apply(to: &entry) }
        // No copy of the table is kept while staging, so the entry is appended in place.
        var domains = index.take(for: session.configuration.destinations)
        if domains.contains(domain) {
            index.remember(session.configuration.destinations, domains)
            throw DestConfigText.exists(domain)
        }
        session.stage { $0.destinations.append(entry) }
        domains.insert(domain)
        index.remember(session.configuration.destinations, domains)
    }

    private static func edit(_ arguments: [String], _ session: Session) throws {
        let parsed = try parse(arguments, .edit, options: Option.allCases.map(\.rawValue))
        let text = try single(parsed.positional, .edit, what: "the domain or DEFAULT")
        if text.lowercased() == "default" {
            let changes = try settings(parsed.options, .edit, forDefault: true)
            var defaults = session.configuration.destinationDefaults
            for change in changes { change.apply(to: &defaults) }
            let result = defaults
            session.stage { $0.destinationDefaults = result }
            return
        }
        guard let domain = DestinationLimits.normalizedDomain(text) else {
            throw usage(.edit, DestConfigText.invalidDomain(text).message)
        }
        let changes = try settings(parsed.options, .edit, forDefault: false)
        guard let index = DestConfigText.index(session.configuration, domain) else {
            throw DestConfigText.notFound(domain)
        }
        session.stage { config in
            for change in changes { change.apply(to: &config.destinations[index]) }
        }
    }

    private static func delete(_ arguments: [String], _ session: Session) throws {
        let text = try single(arguments, .delete, what: "the domain")
        guard let domain = DestinationLimits.normalizedDomain(text) else {
            throw usage(.delete, DestConfigText.invalidDomain(text).message)
        }
        guard let index = DestConfigText.index(session.configuration, domain) else {
            throw DestConfigText.notFound(domain)
        }
        session.stage { _ = $0.destinations.remove(at: index) }
    }

    private static func setup(_ arguments: [String], _ session: Session) throws {
        let parsed = try parse(arguments, .setup, options: setupOptions)
        if let extra = parsed.positional.first { throw usage(.setup, "Unexpected argument \"\(extra)\".") }
        var certificate: String?
        if let name = parsed.options["certificate"] {
            guard
                let profile = session.configuration.certificates.first(where: {
                    $0.name.caseInsensitiveCompare(name) == .orderedSame
                })
            else { throw ShellError.actionFailed(CertificateProfileText.missing(name)) }
            certificate = profile.name
        }
        var alert: Bool?
        if let value = parsed.options["send_tls_req_alert"] {
            switch value.lowercased() {
            case "yes", "y": alert = true
            case "no", "n": alert = false
            default:
                throw usage(.setup, "--send_tls_req_alert must be yes or no, not \"\(value)\".")
            }
        }
        guard certificate != nil || alert != nil else { return }
        session.stage { config in
            if let certificate { config.destinationDefaults.outboundCertificate = certificate }
            if let alert { config.destinationDefaults.requiredTLSAlert = alert }
        }
    }

    // MARK: Arguments

    private static func usage(_ subcommand: Subcommand, _ problem: String) -> ShellError {
        .invalidInput("Usage: \(subcommand.usage)\n\(problem)")
    }

    private static func resolve<T>(_ result: Result<T, ShellError>, _ subcommand: Subcommand) throws -> T {
        switch result {
        case .success(let value): return value
        case .failure(let error):
            if error.code == .invalidInput { throw usage(subcommand, error.message) }
            throw error
        }
    }

    private static func noArguments(_ arguments: [String], _ subcommand: Subcommand) throws {
        if let extra = arguments.first { throw usage(subcommand, "Unexpected argument \"\(extra)\".") }
    }

    private static func single(_ arguments: [String], _ subcommand: Subcommand, what: String) throws -> String {
        guard let first = arguments.first else { throw usage(subcommand, "Missing \(what).") }
        if arguments.count > 1 { throw usage(subcommand, "Unexpected argument \"\(arguments[1])\".") }
        return first
    }

    /// Options with case-insensitive names; a bad option fails with the subcommand's usage.
    private static func parse(
        _ arguments: [String],
        _ subcommand: Subcommand,
        options: [String]
    ) throws -> BatchArguments {
        let normalized = arguments.map { word -> String in
            guard word.hasPrefix("--") else { return word }
            guard let equals = word.firstIndex(of: "=") else { return word.lowercased() }
            return word[..<equals].lowercased() + word[equals...]
        }
        do {
            return try BatchArguments(normalized, valued: Set(options))
        } catch {
            throw usage(subcommand, error.message)
        }
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

        func apply(to entry: inout DestinationEntry) {
            switch self {
            case .ipPreference(let value): entry.ipPreferenceValue = value
            case .concurrency(let value): entry.maxConcurrency = value
            case .messages(let value): entry.maxMessagesPerConnection = value
            case .recipients(let value): entry.recipientLimit = value
            case .minutes(let value): entry.recipientLimitPeriod = value
            case .limitType(let value): entry.limitTypeValue = value
            case .limitScope(let value): entry.limitScopeValue = value
            case .tls(let value): entry.tls = value
            case .bounceVerification(let value): entry.bounceVerification = value
            case .bounceProfile(let value): entry.bounceProfile = value
            }
        }

        /// For the Default entry; `settings(…, forDefault: true)` never makes a nil value.
        func apply(to defaults: inout DestinationDefaults) {
            switch self {
            case .ipPreference(let value): if let value { defaults.ipPreferenceValue = value }
            case .concurrency(let value): if let value { defaults.maxConcurrency = value }
            case .messages(let value): if let value { defaults.maxMessagesPerConnection = value }
            case .recipients(let value): if let value { defaults.recipientLimit = value }
            case .minutes(let value): if let value { defaults.recipientLimitPeriod = value }
            case .limitType(let value): if let value { defaults.limitTypeValue = value }
            case .limitScope(let value): if let value { defaults.limitScopeValue = value }
            case .tls(let value): if let value { defaults.tls = value }
            case .bounceVerification(let value): if let value { defaults.bounceVerification = value }
            case .bounceProfile(let value): if let value { defaults.bounceProfile = value }
            }
        }
    }

    /// Reads the settings options (names already lower case; values in any case). `default` as a
    /// value means "use Default" for a domain and is refused for the Default entry itself, except
    /// for `--bounce_profile`, where it names the Default profile.
    static func settings(
        _ options: [String: String],
        _ subcommand: Subcommand,
        forDefault: Bool
    ) throws -> [Change] {
        var changes: [Change] = []
        for option in Option.allCases {
            guard let value = options[option.rawValue] else { continue }
            let lower = value.lowercased()
            func bad() -> ShellError {
                usage(subcommand, "--\(option.rawValue) must be one of {\(option.accepted)}, not \"\(value)\".")
            }
            if lower == "default" && option != .bounceProfile {
                if forDefault {
                    throw usage(subcommand, "--\(option.rawValue)=default is only for a domain entry.")
                }
                changes.append(reset(option))
                continue
            }
            func number(_ range: ClosedRange<Int>) throws -> Int {
                guard let number = Int(value), range.contains(number) else {
                    throw usage(
                        subcommand,
                        "--\(option.rawValue) must be a number from \(range.lowerBound) to \(range.upperBound), "
                            + "not \"\(value)\"."
                    )
                }
                return number
            }
            switch option {
            case .maxHostConcurrency:
                changes.append(.concurrency(try number(DestinationLimits.concurrency)))
            case .maxMessagesPerConnection:
                changes.append(.messages(try number(DestinationLimits.messagesPerConnection)))
            case .recipientLimit:
                changes.append(.recipients(try number(DestinationLimits.recipients)))
            case .recipientMinutes:
                changes.append(.minutes(try number(DestinationLimits.minutes)))
            case .limitType:
                guard let type = DestinationLimitType.allCases.first(where: { $0.rawValue.lowercased() == lower })
                else { throw bad() }
                changes.append(.limitType(type))
            case .limitApply:
                guard let scope = DestinationLimitScope.allCases.first(where: { $0.rawValue.lowercased() == lower })
                else { throw bad() }
                changes.append(.limitScope(scope))
            case .tls:
                guard let level = OutboundTLS.allCases.first(where: { $0.batchName == lower }) else { throw bad() }
                changes.append(.tls(level))
            case .bounceValidation:
                switch lower {
                case "on": changes.append(.bounceVerification(true))
                case "off": changes.append(.bounceVerification(false))
                default: throw bad()
                }
            case .bounceProfile:
                guard lower == DestinationDefaults.bounceProfileName.lowercased() else {
                    throw ShellError.actionFailed("The bounce profile \"\(value)\" does not exist.")
                }
                changes.append(.bounceProfile(forDefault ? DestinationDefaults.bounceProfileName : nil))
            case .ipSortPref:
                guard let preference = IPPreference.allCases.first(where: { $0.batchName == lower }) else {
                    throw bad()
                }
                changes.append(.ipPreference(preference))
            }
        }
        return changes
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
