import Shell

/// `showconfig` (other-commands.md §6): the configuration file, paged on a terminal.
public struct ShowConfigCommand: ShellCommand {
    public let name = "showconfig"
    public let summary = "Display all configuration values."
    public let requiresCommit = false
    public let access = CommandAccess.view
    public let batchSyntax = ["showconfig {1|2}"]
    public let completions = ["1", "2"]

    public init() {}

    public func run(_ arguments: [String], in session: Session) throws {
        let option =
            try arguments.isEmpty
            ? ConfigFile.askPassphraseOption(session.dialog)
            : ConfigFile.batchPassphraseOption(arguments, syntax: batchSyntax[0], historic: false)
        let xml = try ConfigFile.xml(session, option)
        session.page("\n" + xml)
    }
}
