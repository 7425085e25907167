import ApplianceConfig
import DomainNames
import FoundationEssentials
import Shell
import Synchronization

/// `destconfig` (destconfig.md): destination controls — per-domain delivery settings with outbound
/// TLS, the Default entry and the global outbound certificate and alert.
public struct DestConfigCommand: DeclaredCommand {
    public let name = "destconfig"
    public let viewingForms: Set<String> = ["list", "print", "detail"]
    public let summary = "Configure destination controls, including outgoing TLS."
    public let requiresCommit = true
    /// The domains of the last table a batch `new` saw, so 10,000 lines do not scan 10,000 entries each.
    let index: DestinationIndex
    /// Built once: a script's every `destconfig` line runs it.
    public let grammar: Grammar

    public init() {
        index = DestinationIndex()
        grammar = DestConfigBatch.grammar(index: index)
    }
}

/// A memo of the lower-case domains of one destinations table, for the duplicate check of batch
/// `new`. It holds a reference to the table it describes: while it does, that table's storage cannot
/// change in place (any change copies it first), so "same storage" proves "same domains". A table
/// with other storage gets a fresh set. Purely a speed-up: the answers are the same without it.
final class DestinationIndex: Sendable {
    private struct Memo {
        var table: [DestinationEntry]
        var domains: Set<String>
    }

    private let memo = Mutex<Memo?>(nil)

    /// The domains of `table`, taking them out of the memo (which then holds nothing, so the session's
    /// table is uniquely referenced again and can grow in place). Give them back with `remember`.
    func take(for table: [DestinationEntry]) -> Set<String> {
        let memo = memo.withLock { memo in
            let taken = memo
            memo = nil
            return taken
        }
        if let memo, Self.sameStorage(memo.table, table) { return memo.domains }
        return Set(table.map { $0.domain.lowercased() })
    }

    /// Remembers the domains of `table` (as returned by `take`, plus what was added since).
    func remember(_ table: [DestinationEntry], _ domains: Set<String>) {
        memo.withLock { $0 = Memo(table: table, domains: domains) }
    }

    private static func sameStorage(_ a: [DestinationEntry], _ b: [DestinationEntry]) -> Bool {
        a.count == b.count
            && a.withUnsafeBufferPointer { first in
                b.withUnsafeBufferPointer { second in first.baseAddress == second.baseAddress }
            }
    }
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
        guard let name = configuration.destinationDefaults.outboundCertificate else { return false }
        return ProfileName(name).isDemo
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

    /// Whether an entry for this lower-case domain exists. Domains are stored in lower case, so a
    /// plain comparison is enough (and fast on large tables).
    static func contains(_ configuration: ApplianceConfiguration, _ domain: String) -> Bool {
        configuration.destinations.contains { $0.domain == domain }
    }

    /// The index of the entry for this lower-case domain.
    static func index(_ configuration: ApplianceConfiguration, _ domain: String) -> Int? {
        configuration.destinations.firstIndex { $0.domain == domain }
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
