import ApplianceConfig
import Foundation
import Shell

/// IMPORT and EXPORT of the INI destination file in /configuration (destconfig.md §10).
enum DestConfigFiles {
    /// A basename only (spec README, `/configuration`).
    static func checkName(_ name: String) -> Result<String, ShellError> {
        if name.isEmpty || name.contains("/") || name == "." || name == ".." || name.contains("\0") {
            return .failure(
                .invalidInput("Invalid file name: \"\(name)\". Only a file name in /configuration is allowed.")
            )
        }
        return .success(name)
    }

    private static func fileCompleter(_ session: Session) -> Completer {
        let folder = session.environment.configurationDirectory
        return Completer { text in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.filter { !$0.hasPrefix(".") && $0.hasPrefix(text) }.sorted()
        }
    }

    // MARK: IMPORT

    static func importInteractive(_ session: Session) throws {
        guard
            let name = try session.dialog.ask(
                ["Enter the name of the file to import:"],
                completer: fileCompleter(session),
                validate: checkName
            )
        else { return }
        try importFile(name, session)
    }

    /// Reads, checks and stages the file: the Default entry and all domain entries are replaced;
    /// the global settings stay. Any error refuses the whole file and stages nothing.
    static func importFile(_ name: String, _ session: Session) throws {
        let url = session.environment.configurationDirectory.appendingPathComponent(name)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw ShellError.actionFailed("Error: file '\(name)' does not exist.")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ShellError.io("Error: file '\(name)' cannot be read.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ShellError.actionFailed("Error: file '\(name)' is not a text file.")
        }
        let tables: DestinationTables
        do {
            tables = try DestinationINI.decode(text, globals: session.configuration.destinationDefaults)
        } catch {
            throw ShellError.actionFailed(error.description)
        }
        session.stage { config in
            var defaults = tables.defaults
            defaults.outboundCertificate = config.destinationDefaults.outboundCertificate
            defaults.requiredTLSAlert = config.destinationDefaults.requiredTLSAlert
            config.destinationDefaults = defaults
            config.destinations = DestinationINI.ordered(tables.entries, like: config.destinations)
        }
    }

    // MARK: EXPORT

    static func exportInteractive(_ session: Session) throws {
        guard
            let name = try session.dialog.ask(
                ["Enter the name of the file to export:"],
                completer: fileCompleter(session),
                validate: checkName
            )
        else { return }
        try exportFile(name, session)
    }

    /// Writes the Default entry and the domain entries, then says where.
    static func exportFile(_ name: String, _ session: Session) throws {
        let configuration = session.configuration
        let text = DestinationINI.encode(
            defaults: configuration.destinationDefaults,
            entries: configuration.destinations
        )
        let folder = session.environment.configurationDirectory
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: folder.appendingPathComponent(name), options: .atomic)
        } catch {
            throw ShellError.io("The file /configuration/\(name) cannot be written.")
        }
        session.dialog.block(
            "File written on machine \"\(session.committedHostname)\" to the location \"/configuration/\(name)\"."
        )
    }
}
