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

/// The operations of the destconfig menu, one method each.
enum DestConfigOperation: Sendable, CaseIterable {
    case setup, new, edit, delete, defaultEntry, list, detail, clear, importFile, exportFile

    /// The name typed at the menu.
    var name: String {
        switch self {
        case .setup: "SETUP"
        case .new: "NEW"
        case .edit: "EDIT"
        case .delete: "DELETE"
        case .defaultEntry: "DEFAULT"
        case .list: "LIST"
        case .detail: "DETAIL"
        case .clear: "CLEAR"
        case .importFile: "IMPORT"
        case .exportFile: "EXPORT"
        }
    }

    /// The menu line's description (lines shared with the classic menu are exact).
    var description: String {
        switch self {
        case .setup: "Change global settings."
        case .new: "Create a new entry."
        case .edit: "Modify an entry."
        case .delete: "Remove an entry."
        case .defaultEntry: "Change the default."
        case .list: "Display a summary list of all entries."
        case .detail: "Display details for one destination or all entries."
        case .clear: "Remove all entries."
        case .importFile: "Import tables from a file."
        case .exportFile: "Export tables to a file."
        }
    }

    func run(_ session: Session) throws {
        switch self {
        case .setup: try DestConfigDialogs.setup(session)
        case .new: try DestConfigDialogs.new(session)
        case .edit: try DestConfigDialogs.edit(session)
        case .delete: try DestConfigDialogs.delete(session)
        case .defaultEntry: try DestConfigDialogs.editDefault(session)
        case .list: DestConfigReports.list(session)
        case .detail: try DestConfigReports.detail(session)
        case .clear: try DestConfigDialogs.clear(session)
        case .importFile: try DestConfigFiles.importInteractive(session)
        case .exportFile: try DestConfigFiles.exportInteractive(session)
        }
    }
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

    /// The modern operations; PRINT of the classic menu (= LIST) is accepted but not shown.
    static func run(_ session: Session) throws {
        try session.dialog.run { again in
            Menu(
                status: [countLine(session.configuration.destinations.count, again: again)],
                DestConfigOperation.allCases.map { MenuItem($0.name, $0.description, $0) },
                hidden: [MenuItem("PRINT", DestConfigOperation.list.description, .list)]
            )
        } perform: { operation in
            try operation.run(session)
            return .stay
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

    static func exists(_ domain: String) -> ShellError {
        .actionFailed("An entry for \"\(domain)\" already exists.")
    }

    static func notFound(_ domain: String) -> ShellError {
        .actionFailed("No entry found for \"\(domain)\".")
    }

    /// Whether an entry for this domain exists (looked up by key, so as fast on large tables).
    static func contains(_ configuration: ApplianceConfiguration, _ domain: String) -> Bool {
        configuration.destinations.contains(id: domain.lowercased())
    }

    /// The index of the entry for this domain.
    static func index(_ configuration: ApplianceConfiguration, _ domain: String) -> Int? {
        configuration.destinations.index(ofID: domain.lowercased())
    }

    /// A domain that must name an existing entry (EDIT, DELETE); the lower-case form.
    static func existing(_ text: String, _ configuration: ApplianceConfiguration) -> Result<String, ShellError> {
        guard let domain = DestinationLimits.normalizedDomain(text) else { return .failure(invalidDomain(text)) }
        guard contains(configuration, domain) else { return .failure(notFound(domain)) }
        return .success(domain)
    }

    /// A domain for a new entry: valid, not `default`, not there yet; the lower-case form.
    static func fresh(_ text: String, _ configuration: ApplianceConfiguration) -> Result<String, ShellError> {
        guard let domain = DestinationLimits.normalizedDomain(text), domain != "default" else {
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
