import Shell

/// `showconfig` (other-commands.md §6): the configuration file, paged on a terminal.
public struct ShowConfigCommand: DeclaredCommand {
    static let option = Positional("option", .passphraseOption)

    public let grammar = Grammar(
        CommandConfiguration("showconfig", summary: "Display all configuration values.", access: .view),
        interactive: { session in try ShowConfigCommand.show(ConfigFile.askPassphraseOption(session.dialog), session) },
        Form(usage: "showconfig {1|2}", .argument(ShowConfigCommand.option)) { values, session in
            try ShowConfigCommand.show(values[ShowConfigCommand.option], session)
        }
    )

    private static func show(_ option: ConfigFile.PassphraseOption, _ session: Session) throws {
        let xml = try ConfigFile.xml(session, option)
        session.page("\n" + xml)
    }
}
