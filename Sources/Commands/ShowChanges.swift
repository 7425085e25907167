import ApplianceConfig
import ConfigStore
import Shell

/// `showchanges` (commit.md §8.2): the pending changes as a semantic diff.
public struct ShowChangesCommand: DeclaredCommand {
    public let grammar = Grammar(
        CommandConfiguration("showchanges", summary: "Show the pending configuration changes.", access: .view),
        Form(usage: "showchanges") { _, session in ShowChangesCommand.show(session) }
    )

    private static func show(_ session: Session) {
        let changes = session.configuration.changes(since: session.base.configuration)
        guard !changes.isEmpty else {
            session.dialog.block("There is no data to commit.")
            return
        }
        session.console.write("\n")
        session.page(changes.map(ChangeWording.line).joined(separator: "\n"))
    }
}

/// `diffconfig A [B]` (commit.md §8.2): the changes from revision A to revision B (default: the head).
public struct DiffConfigCommand: DeclaredCommand {
    static let old = Positional("old", .revision)
    static let new = Positional.optional("new", .revision)

    public let grammar = Grammar(
        CommandConfiguration(
            "diffconfig",
            summary: "Show the differences between two committed revisions.",
            access: .view
        ),
        Form(
            usage: "diffconfig {revision} [{revision}]",
            .argument(DiffConfigCommand.old),
            .argument(DiffConfigCommand.new)
        ) {
            arguments,
            session in
            try DiffConfigCommand.diff(arguments[DiffConfigCommand.old], arguments[DiffConfigCommand.new], session)
        }
    )

    private static func diff(_ from: Int, _ to: Int?, _ session: Session) throws {
        let old = try load(from, session)
        let new = try to.map { try load($0, session) } ?? session.store.head().configuration
        let changes = new.changes(since: old)
        guard !changes.isEmpty else {
            session.dialog.block("The revisions are identical.")
            return
        }
        session.console.write("\n")
        session.page(changes.map(ChangeWording.line).joined(separator: "\n"))
    }

    private static func load(_ number: Int, _ session: Session) throws -> ApplianceConfiguration {
        guard let revision = try session.store.revision(number) else {
            throw ShellError.actionFailed("Revision \(number) does not exist or is no longer kept.")
        }
        return revision.configuration
    }
}
