import ApplianceConfig
import Foundation
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
            var defaults = tables.defaults
            defaults.outboundCertificate = config.destinationDefaults.outboundCertificate
            defaults.requiredTLSAlert = config.destinationDefaults.requiredTLSAlert
            config.destinationDefaults = defaults
            config.destinations = DestinationINI.ordered(tables.entries, like: config.destinations)
        }
    }

    // MARK: EXPORT

    static func exportInteractive(_ session: Session) throws {
        guard let name = try ConfigurationFolder(session).askInputName("Enter the name of the file to export:") else {
            return
        }
        try exportFile(name, session)
    }

    /// Writes the Default entry and the domain entries, then says where.
    static func exportFile(_ name: String, _ session: Session) throws {
        let configuration = session.configuration
        let text = DestinationINI.encode(
            defaults: configuration.destinationDefaults,
            entries: configuration.destinations
        )
        try ConfigurationFolder(session).write(Data(text.utf8), named: name)
    }
}
