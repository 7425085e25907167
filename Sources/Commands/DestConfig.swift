import ApplianceConfig
import DomainNames
import FoundationEssentials
import Shell

/// `destconfig` (destconfig.md): destination controls — per-domain delivery settings with outbound
/// TLS, the Default entry and the global outbound certificate and alert.
public struct DestConfigCommand: DeclaredCommand {
    /// Built once: a script's every `destconfig` line runs it.
    public let grammar = DestConfigBatch.grammar(
        CommandConfiguration(
            "destconfig",
            summary: "Configure destination controls, including outgoing TLS.",
            requiresCommit: true,
            viewingForms: ["list", "print", "detail"]
        )
    )
}

/// The modern top menu with the count line (destconfig.md §2).
enum DestConfigMenu {
    /// `There are currently {n} entries configured.`; without the final period when the menu is
    /// shown again after an operation.
    static func countLine(_ count: Int, again: Bool) -> String {
        let line =
            count == 1
            ? "There is currently 1 entry configured."
            : "There are currently \(count) entries configured."
        return again ? String(line.dropLast()) : line
    }

    /// The modern operations (descriptions shared with the classic menu are exact); PRINT of the
    /// classic menu (= LIST) is accepted but not shown.
    static func run(_ session: Session) throws {
        let list = MenuItem("LIST", "Display a summary list of all entries.") { DestConfigReports.list(session) }
        try session.dialog.run { again in
            Menu(
                status: [countLine(session.configuration.destinations.count, again: again)],
                [
                    MenuItem("SETUP", "Change global settings.") { try DestConfigDialogs.setup(session) },
                    MenuItem("NEW", "Create a new entry.") { try DestConfigDialogs.new(session) },
                    MenuItem("EDIT", "Modify an entry.") { try DestConfigDialogs.edit(session) },
                    MenuItem("DELETE", "Remove an entry.") { try DestConfigDialogs.delete(session) },
                    MenuItem("DEFAULT", "Change the default.") { try DestConfigDialogs.editDefault(session) },
                    list,
                    MenuItem("DETAIL", "Display details for one destination or all entries.") {
                        try DestConfigReports.detail(session)
                    },
                    MenuItem("CLEAR", "Remove all entries.") { try DestConfigDialogs.clear(session) },
                    MenuItem("IMPORT", "Import tables from a file.") { try DestConfigFiles.importInteractive(session) },
                    MenuItem("EXPORT", "Export tables to a file.") { try DestConfigFiles.exportInteractive(session) },
                ],
                hidden: [list.named("PRINT")]
            )
        }
    }
}

/// Texts and checks shared by the dialogs and the batch forms.
enum DestConfigText {
    /// The Demo warning (certconfig.md §10).
    static let demoWarning = [
        "The \"Demo\" certificate is currently configured. You may use \"Demo\", but this will not be secure.",
        "To assure privacy, run \"certconfig\" first.",
    ]

    /// Whether the global outbound certificate is the Demo one.
    static func usesDemo(_ configuration: ApplianceConfiguration) -> Bool {
        configuration.destinationDefaults.outboundCertificate?.isDemo ?? false
    }

    static func invalidDomain(_ text: String) -> ShellError {
        .invalidInput("Invalid domain name: \"\(text)\".")
    }

    static func exists(_ domain: HostName) -> ShellError {
        .actionFailed("An entry for \"\(domain)\" already exists.")
    }

    static func notFound(_ domain: HostName) -> ShellError {
        .actionFailed("No entry found for \"\(domain)\".")
    }

    /// Whether an entry for this domain exists, in any case (looked up by key, so as fast on large tables).
    static func contains(_ configuration: ApplianceConfiguration, _ domain: HostName) -> Bool {
        configuration.destinations[domain] != nil
    }

    /// The index of the entry for this domain, in any case.
    static func index(_ configuration: ApplianceConfiguration, _ domain: HostName) -> Int? {
        configuration.destinations.index(of: domain)
    }

    /// A domain that must name an existing entry (EDIT, DELETE); the lower-case form.
    static func existing(_ text: String, _ configuration: ApplianceConfiguration) -> Result<HostName, ShellError> {
        guard let domain = DestinationLimits.normalizedDomain(text) else { return .failure(invalidDomain(text)) }
        guard contains(configuration, domain) else { return .failure(notFound(domain)) }
        return .success(domain)
    }

    /// A domain for a new entry: valid, not `default`, not there yet; the lower-case form.
    static func fresh(_ text: String, _ configuration: ApplianceConfiguration) -> Result<HostName, ShellError> {
        guard let domain = DestinationLimits.normalizedDomain(text), !domain.names("default") else {
            return .failure(invalidDomain(text))
        }
        guard !contains(configuration, domain) else { return .failure(exists(domain)) }
        return .success(domain)
    }

    /// Left-aligns `text` in a column of `width` characters (at least one space after it).
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
