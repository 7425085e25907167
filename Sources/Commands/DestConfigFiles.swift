import ApplianceConfig
import FoundationEssentials
import Shell

/// IMPORT and EXPORT of the INI destination file in /configuration (destconfig.md §10).
enum DestConfigFiles {
    // MARK: IMPORT

    static func importInteractive(_ session: Session) throws {
        guard let name = try ConfigurationFolder(session).askInputName() else { return }
        try importFile(name, session)
    }

    /// Reads, checks and stages the file: the Default entry and all domain entries are replaced;
    /// the global settings stay. Any error refuses the whole file and stages nothing.
    static func importFile(_ name: String, _ session: Session) throws {
        let text = try ConfigurationFolder(session).readText(name, what: "a destination table")
        let tables = try DestinationINI.decode(text, globals: session.configuration.destinationDefaults)
        session.stage { config in
            // The global settings stay.
            config.destinationDefaults.controls = tables.defaults.controls
            config.destinations = DestinationINI.ordered(tables.entries, like: config.destinations)
        }
    }

    // MARK: EXPORT

    static func exportInteractive(_ session: Session) throws {
        // An existing file is replaced only after the overwrite question.
        guard let name = try ConfigurationFolder(session).askOutputName("Enter the name of the file to export:") else {
            return
        }
        try exportFile(name, session, replacing: true)
    }

    /// Writes the Default entry and the domain entries, then says where. Without `replacing` (the
    /// batch form, where nobody can be asked) an existing file is refused, never overwritten.
    static func exportFile(_ name: String, _ session: Session, replacing: Bool = false) throws {
        let folder = ConfigurationFolder(session)
        if !replacing && FileManager.default.fileExists(atPath: folder.url.appendingPathComponent(name).path) {
            throw ShellError.actionFailed(
                "The file \"\(name)\" already exists in /configuration; export to another name or delete it first."
            )
        }
        let configuration = session.configuration
        let text = DestinationINI.encode(
            defaults: configuration.destinationDefaults,
            entries: configuration.destinations.elements
        )
        try ConfigurationFolder(session).write(Data(text.utf8), named: name)
    }
}
