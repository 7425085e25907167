import ApplianceConfig
import DomainNames
import FoundationEssentials
import Shell

/// The interactive operations of destconfig that change something (destconfig.md §3–§6).
/// Each asks everything first and stages once at the end, so an abandoned dialog stages nothing.
enum DestConfigDialogs {
    // MARK: Answers

    /// A domain for a new entry.
    static func newDomain(_ configuration: ApplianceConfiguration) -> AnswerFormat<HostName> {
        AnswerFormat("A domain with no entry yet, such as example.com or .example.com (its subdomains).") {
            DestConfigText.fresh($0, configuration)
        }
    }

    /// The domain of an existing entry (Tab completes it); nil on Enter alone.
    static func askExistingDomain(_ question: String, _ session: Session) throws -> HostName? {
        let configuration = session.configuration
        return try session.dialog.ask(
            [question],
            completer: domainCompleter(session),
            format: AnswerFormat("The domain of an existing entry (Tab lists them; LIST shows them).") {
                DestConfigText.existing($0, configuration)
            }
        )
    }

    // MARK: NEW and EDIT

    /// NEW (§3, exact dialog).
    static func new(_ session: Session) throws {
        guard
            let domain = try session.dialog.ask(
                ["Enter the domain you wish to limit."],
                format: newDomain(session.configuration)
            )
        else { return }
        var entry = DestinationEntry(domain: domain)
        guard try askEntry(&entry, session, isNew: true) else { return }
        session.stage { $0.destinations.append(entry) }
    }

    /// EDIT (§4): NEW's questions for an existing entry, defaults from its current settings.
    static func edit(_ session: Session) throws {
        guard
            let domain = try askExistingDomain("Choose the domain you wish to edit.", session),
            let index = DestConfigText.index(session.configuration, domain)
        else { return }
        var entry = session.configuration.destinations[index]
        guard try askEntry(&entry, session, isNew: false) else { return }
        session.stage { config in
            if let index = DestConfigText.index(config, domain) { config.destinations[index] = entry }
        }
    }

    /// The questions of NEW after the domain. A gate answered N resets its settings to "use Default".
    /// Returns false when the admin abandoned the dialog (an empty answer to a required question).
    private static func askEntry(_ entry: inout DestinationEntry, _ session: Session, isNew: Bool) throws -> Bool {
        let dialog = session.dialog
        let defaults = session.configuration.destinationDefaults
        let domain = entry.domain.text

        let concurrency = try dialog.yesNo(
            "Do you wish to configure a concurrency limit for \(domain)?",
            default: isNew || entry.maxConcurrency != nil
        )
        if concurrency {
            guard
                let value = try dialog.askNumber(
                    ["Enter the max concurrency limit for \"\(domain)\"."],
                    range: DestinationLimits.concurrency,
                    default: entry.resolved(against: defaults).maxConcurrency
                )
            else { return false }
            entry.maxConcurrency = value
        } else {
            entry.maxConcurrency = nil
        }

        let recipients = try dialog.yesNo(
            "Do you wish to apply a recipient limit to this domain?",
            default: entry.recipientLimit != nil || entry.recipientLimitPeriod != nil
        )
        if recipients {
            guard
                let minutes = try dialog.askNumber(
                    ["Enter the number of minutes used to measure the recipient limit."],
                    range: DestinationLimits.minutes,
                    default: entry.recipientLimitPeriod ?? 60
                ),
                let limit = try dialog.askNumber(
                    ["Enter the max number of recipients per \(counted(minutes, "minute")) for \"\(domain)\"."],
                    range: 1...DestinationLimits.recipients.upperBound,
                    default: entry.recipientLimit.flatMap { $0 > 0 ? $0 : nil }
                )
            else { return false }
            entry.recipientLimitPeriod = minutes
            entry.recipientLimit = limit
        } else {
            entry.recipientLimitPeriod = nil
            entry.recipientLimit = nil
        }

        if concurrency || recipients {
            entry.limitType = try askLimitType(dialog, for: domain, current: entry.limitType ?? .host)
            entry.limitApplies = try askLimitScope(dialog, current: entry.limitApplies ?? .system)
        } else {
            entry.limitType = nil
            entry.limitApplies = nil
        }

        if try dialog.yesNo("Do you wish to apply a specific TLS setting for this domain?", default: entry.tls != nil) {
            entry.tls = try askTLS(session, current: entry.tls ?? .no)
        } else {
            entry.tls = nil
        }

        if try dialog.yesNo(
            "Do you wish to apply a specific bounce verification address tagging setting for this domain?",
            default: entry.bounceVerification != nil
        ) {
            entry.bounceVerification = try askBounceVerification(dialog, current: entry.bounceVerification ?? false)
        } else {
            entry.bounceVerification = nil
        }

        if try dialog.yesNo(
            "Do you wish to apply a specific bounce profile to this domain?",
            default: entry.bounceProfile != nil
        ) {
            entry.bounceProfile = try askBounceProfile(dialog)
        } else {
            entry.bounceProfile = nil
        }
        return true
    }

    // MARK: Shared questions

    /// The first "Select how …" list; `domain` nil for the Default entry.
    private static func askLimitType(
        _ dialog: Dialog,
        for domain: String?,
        current: DestinationLimitType
    ) throws -> DestinationLimitType {
        let question =
            domain.map { "Select how you want to apply the limits for \($0):" }
            ?? "Select how you want to apply the limits for the default destination:"
        let entire =
            domain.map { "One limit applies to the entire domain \($0)" } ?? "One limit applies to the entire domain"
        let choice = try dialog.choose(
            [question],
            items: [entire, "Separate limit for each mail exchanger IP address"],
            default: current == .host ? 0 : 1
        )
        return choice == 0 ? .host : .mxIP
    }

    /// The second "Select how …" list.
    private static func askLimitScope(_ dialog: Dialog, current: DestinationLimitScope) throws -> DestinationLimitScope
    {
        let choice = try dialog.choose(
            ["Select how the limits will be enforced:"],
            items: ["System Wide", "Per Virtual Gateway(tm)"],
            default: current == .system ? 0 : 1
        )
        return choice == 0 ? .system : .virtualGateway
    }

    /// The TLS list (§5.1); a level that uses TLS prints the certconfig reminder and, while the
    /// global certificate is Demo, the Demo warning.
    static func askTLS(_ session: Session, current: OutboundTLS) throws -> OutboundTLS {
        let choice = try session.dialog.choose(
            ["Do you want to use TLS support?"],
            items: OutboundTLS.allCases.map(\.menuLabel),
            default: current.number
        )
        let level = OutboundTLS(number: choice) ?? .no
        if level.usesTLS {
            session.dialog.block(
                "You have chosen to enable TLS. Please use the 'certconfig' command to",
                "ensure that there is a valid certificate configured."
            )
            if DestConfigText.usesDemo(session.configuration) { session.dialog.block(DestConfigText.demoWarning) }
        }
        return level
    }

    private static func askBounceVerification(_ dialog: Dialog, current: Bool) throws -> Bool {
        try dialog.yesNo("Perform bounce verification address tagging?", default: current)
    }

    /// The bounce profile list: `Default` is the only profile of esa.
    private static func askBounceProfile(_ dialog: Dialog) throws -> BounceProfileName {
        _ = try dialog.choose(
            ["Please choose a bounce profile to apply:"],
            items: [DestinationDefaults.bounceProfileName.text],
            default: 0
        )
        return DestinationDefaults.bounceProfileName
    }

    static func domainCompleter(_ session: Session) -> Completer {
        let domains = session.configuration.destinations.map(\.domain).sorted { $0.text < $1.text }
        return Completer { text in
            let typed = HostName(text).key.folded
            return domains.filter { $0.key.folded.hasPrefix(typed) }.map(\.text)
        }
    }

    // MARK: DELETE, CLEAR

    /// DELETE (§4).
    static func delete(_ session: Session) throws {
        guard let domain = try askExistingDomain("Enter the domain you wish to delete.", session) else { return }
        session.stage { $0.destinations.remove(domain) }
        session.dialog.block("Entry for \"\(domain)\" deleted.")
    }

    /// CLEAR (§4): removes every domain entry, keeps Default.
    static func clear(_ session: Session) throws {
        guard try session.dialog.yesNo("Are you sure you want to delete all entries?", default: false) else { return }
        session.stage { $0.destinations.removeAll() }
    }

    // MARK: DEFAULT

    /// DEFAULT (§4): every value concrete, each question with its current value as default.
    static func editDefault(_ session: Session) throws {
        let dialog = session.dialog
        var defaults = session.configuration.destinationDefaults
        defaults.maxConcurrency =
            try dialog.askNumber(
                ["Enter the max concurrency limit for the default destination."],
                range: DestinationLimits.concurrency,
                default: defaults.maxConcurrency
            ) ?? defaults.maxConcurrency
        defaults.maxMessagesPerConnection =
            try dialog.askNumber(
                ["Enter the max number of messages per connection for the default destination."],
                range: DestinationLimits.messagesPerConnection,
                default: defaults.maxMessagesPerConnection
            ) ?? defaults.maxMessagesPerConnection
        if try dialog.yesNo(
            "Do you wish to apply a recipient limit to the default destination?",
            default: defaults.recipientLimit > 0
        ) {
            guard
                let minutes = try dialog.askNumber(
                    ["Enter the number of minutes used to measure the recipient limit."],
                    range: DestinationLimits.minutes,
                    default: defaults.recipientLimitPeriod
                ),
                let limit = try dialog.askNumber(
                    [
                        "Enter the max number of recipients per \(counted(minutes, "minute")) for the default destination."
                    ],
                    range: 1...DestinationLimits.recipients.upperBound,
                    default: defaults.recipientLimit > 0 ? defaults.recipientLimit : nil
                )
            else { return }
            defaults.recipientLimitPeriod = minutes
            defaults.recipientLimit = limit
        } else {
            defaults.recipientLimit = 0
        }
        defaults.limitType = try askLimitType(dialog, for: nil, current: defaults.limitType)
        defaults.limitApplies = try askLimitScope(dialog, current: defaults.limitApplies)
        defaults.tls = try askTLS(session, current: defaults.tls)
        defaults.bounceVerification = try askBounceVerification(dialog, current: defaults.bounceVerification)
        defaults.bounceProfile = try askBounceProfile(dialog)
        let preferences = IPPreference.allCases
        let choice = try dialog.choose(
            ["Select the IP address preference:"],
            items: preferences.map(\.rawValue),
            default: preferences.firstIndex(of: defaults.ipPreference) ?? 2
        )
        defaults.ipPreference = preferences[choice]
        let controls = defaults.controls
        // The global settings are SETUP's: they stay whatever they are now.
        session.stage { config in config.destinationDefaults.controls = controls }
    }

    // MARK: SETUP

    /// SETUP (§6): the certificate for all outgoing TLS and the required-TLS alert.
    static func setup(_ session: Session) throws {
        let dialog = session.dialog
        let configuration = session.configuration
        let current = configuration.destinationDefaults
        let wasDemo = DestConfigText.usesDemo(configuration)
        if wasDemo { dialog.block(DestConfigText.demoWarning) }
        let names = configuration.certificates.map(\.name)
        guard !names.isEmpty else {
            throw ShellError.actionFailed("There is no certificate profile. Use 'certconfig' to create one first.")
        }
        let currentIndex =
            current.outboundCertificate.flatMap { name in
                names.firstIndex { name.names($0) }
            } ?? 0
        let choice = try dialog.choose(
            ["Please choose the certificate to apply:"],
            items: names.map(\.text),
            default: currentIndex
        )
        let certificate = names[choice]
        let isDemo = certificate.isDemo
        if isDemo && !wasDemo { dialog.block(DestConfigText.demoWarning) }
        let alert = try dialog.yesNo(
            "Do you want to send an alert when a required TLS connection fails?",
            default: current.requiredTLSAlert
        )
        session.stage { config in
            config.destinationDefaults.outboundCertificate = certificate
            config.destinationDefaults.requiredTLSAlert = alert
        }
    }
}
