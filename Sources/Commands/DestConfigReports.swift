import ApplianceConfig
import DomainNames
import FoundationEssentials
import Shell

/// LIST and DETAIL (destconfig.md §7).
enum DestConfigReports {
    /// What DETAIL shows: one domain, the Default entry, or everything.
    enum Subject: Equatable {
        case domain(HostName)
        case defaultEntry
        case all
    }

    // MARK: LIST

    static func list(_ session: Session) {
        session.dialog.console.write("\n")
        session.page(listLines(session.configuration).joined(separator: "\n"))
    }

    /// The summary table: domains alphabetically, then the Default entry.
    static func listLines(_ configuration: ApplianceConfiguration) -> [String] {
        func row(_ cells: [String]) -> String {
            let widths = [22, 12, 15, 15]
            var line = ""
            for (index, cell) in cells.enumerated() {
                line += index < widths.count ? DestConfigText.pad(cell, widths[index]) : cell
            }
            return String(line.trimmingTrailing(" "))
        }
        var lines = [
            row(["", "Rate", "TLS", "Bounce", "Bounce"]),
            row(["Domain", "Limiting", "Setting", "Verification", "Profile"]),
            row([20, 10, 13, 13, 10].map { String(repeating: "=", count: $0) }),
        ]
        for entry in configuration.destinations.sorted(by: { $0.domain.text < $1.domain.text }) {
            lines.append(
                row([
                    entry.domain.text,
                    entry.hasOwnRateLimit ? "On" : "Default",
                    entry.tls?.listLabel ?? "Default",
                    entry.bounceVerification.map(onOff) ?? "Default",
                    entry.bounceProfile?.text ?? "Default",
                ])
            )
        }
        let defaults = configuration.destinationDefaults
        lines.append(
            row([
                "(Default)",
                "On",
                defaults.tls.listLabel,
                onOff(defaults.bounceVerification),
                "(\(defaults.bounceProfile))",
            ])
        )
        return lines
    }

    private static func onOff(_ value: Bool) -> String { value ? "On" : "Off" }

    // MARK: DETAIL

    static func detail(_ session: Session) throws {
        guard
            let subject = try session.dialog.ask(
                [
                    "Enter the domain name to view, or enter DEFAULT to view details for the default, or enter ALL to view details for all:"
                ],
                completer: DestConfigDialogs.domainCompleter(session),
                format: AnswerFormat("The domain of an entry (Tab lists them), DEFAULT or ALL.") {
                    subject($0, session.configuration)
                }
            )
        else { return }
        show(subject, session)
    }

    /// Reads DETAIL's answer (or the batch argument): a domain with an entry, `default` or `all`.
    static func subject(_ text: String, _ configuration: ApplianceConfiguration) -> Result<Subject, ShellError> {
        switch text.lowercased() {
        case "default": return .success(.defaultEntry)
        case "all": return .success(.all)
        default: return DestConfigText.existing(text, configuration).map(Subject.domain)
        }
    }

    static func show(_ subject: Subject, _ session: Session) {
        let blocks = detailBlocks(subject, session.configuration)
        session.dialog.console.write("\n")
        session.page(blocks.map { $0.joined(separator: "\n") }.joined(separator: "\n\n"))
    }

    /// One block of lines per entry shown: domains alphabetically, then Default.
    static func detailBlocks(_ subject: Subject, _ configuration: ApplianceConfiguration) -> [[String]] {
        let defaults = configuration.destinationDefaults
        switch subject {
        case .domain(let domain):
            return configuration.destinations[domain].map { [describe($0, defaults)] } ?? []
        case .defaultEntry:
            return [describe(defaults)]
        case .all:
            return configuration.destinations.sorted { $0.domain.text < $1.domain.text }.map { describe($0, defaults) }
                + [describe(defaults)]
        }
    }

    private static func titled(_ title: String, _ lines: [String]) -> [String] {
        [title, String(repeating: "=", count: title.count)] + lines
    }

    /// The details of a domain entry; "Default" where it uses the Default entry's value.
    private static func describe(_ entry: DestinationEntry, _ defaults: DestinationDefaults) -> [String] {
        let resolved = entry.resolved(against: defaults)
        let concurrency =
            resolved.isOwn(\.maxConcurrency)
            ? limits(resolved.maxConcurrency, resolved.limitType, resolved.limitApplies) : nil
        var recipients = "Default"
        if resolved.isOwn(\.recipientLimit) || resolved.isOwn(\.recipientLimitPeriod) {
            recipients = recipientText(resolved.recipientLimit, resolved.recipientLimitPeriod)
        }
        return titled(
            entry.domain.text,
            [
                "IP Address Preference: \(entry.ipPreference?.rawValue ?? "Default")",
                "Maximum Concurrency: \(concurrency ?? "Default")",
                "Maximum Messages Per Connection: \(entry.maxMessagesPerConnection.map(String.init) ?? "Default")",
                "Recipient Limit: \(recipients)",
                "TLS: \(entry.tls?.detailLabel ?? "Default")",
                "Bounce Verification Tagging: \(entry.bounceVerification.map(onOff) ?? "Default")",
                "Bounce Profile: \(entry.bounceProfile?.text ?? "Default")",
            ]
        )
    }

    /// The details of the Default entry and the global settings.
    private static func describe(_ defaults: DestinationDefaults) -> [String] {
        titled(
            "Default",
            [
                "IP Address Preference: \(defaults.ipPreference.rawValue)",
                "Maximum Concurrency: \(limits(defaults.maxConcurrency, defaults.limitType, defaults.limitApplies))",
                "Maximum Messages Per Connection: \(defaults.maxMessagesPerConnection)",
                "Recipient Limit: \(recipientText(defaults.recipientLimit, defaults.recipientLimitPeriod))",
                "TLS: \(defaults.tls.detailLabel)",
                "Bounce Verification Tagging: \(onOff(defaults.bounceVerification))",
                "Bounce Profile: \(defaults.bounceProfile)",
                "Certificate: \(defaults.outboundCertificate ?? "(none)")",
                "Send Alert When Required TLS Fails: \(defaults.requiredTLSAlert ? "Yes" : "No")",
            ]
        )
    }

    private static func limits(_ count: Int, _ type: DestinationLimitType, _ scope: DestinationLimitScope) -> String {
        "\(count) (\(type.detailLabel), \(scope.detailLabel))"
    }

    private static func recipientText(_ limit: Int, _ minutes: Int) -> String {
        limit == 0 ? "None" : "\(limit) per \(counted(minutes, "minute"))"
    }
}

extension String {
    /// The text without the given trailing character.
    fileprivate func trimmingTrailing(_ character: Character) -> Substring {
        var text = Substring(self)
        while text.last == character { text = text.dropLast() }
        return text
    }
}
