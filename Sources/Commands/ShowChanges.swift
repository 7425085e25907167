import ApplianceConfig
import Shell

/// `showchanges` (commit.md §8.2): the pending changes as a semantic diff.
public struct ShowChangesCommand: ShellCommand {
    public let name = "showchanges"
    public let summary = "Show the pending configuration changes."
    public let requiresCommit = false
    public let access = CommandAccess.view
    public let batchSyntax = ["showchanges"]

    public init() {}

    public func run(_ arguments: [String], in session: Session) throws {
        guard arguments.isEmpty else { throw ShellError.invalidInput("Usage: showchanges") }
        let changes = session.configuration.changes(since: session.base.configuration)
        guard !changes.isEmpty else {
            session.dialog.block("There is no data to commit.")
            return
        }
        session.console.write("\n")
        session.page(changes.map(\.line).joined(separator: "\n"))
    }
}

/// `diffconfig A [B]` (commit.md §8.2): the changes from revision A to revision B (default: the head).
public struct DiffConfigCommand: ShellCommand {
    public let name = "diffconfig"
    public let summary = "Show the differences between two committed revisions."
    public let requiresCommit = false
    public let access = CommandAccess.view
    public let batchSyntax = ["diffconfig {revision} [{revision}]"]

    public init() {}

    public func run(_ arguments: [String], in session: Session) throws {
        guard (1...2).contains(arguments.count) else {
            throw ShellError.invalidInput("Usage: diffconfig {revision} [{revision}]")
        }
        let numbers = try arguments.map { text -> Int in
            guard let number = Int(text), number > 0 else {
                throw ShellError.invalidInput(
                    "Usage: diffconfig {revision} [{revision}]\nNot a revision number: \"\(text)\"."
                )
            }
            return number
        }
        let old = try load(numbers[0], session)
        let new = try numbers.count == 2 ? load(numbers[1], session) : session.store.head().configuration
        let changes = new.changes(since: old)
        guard !changes.isEmpty else {
            session.dialog.block("The revisions are identical.")
            return
        }
        session.console.write("\n")
        session.page(changes.map(\.line).joined(separator: "\n"))
    }

    private func load(_ number: Int, _ session: Session) throws -> ApplianceConfiguration {
        guard let revision = try session.store.revision(number) else {
            throw ShellError.actionFailed("Revision \(number) does not exist or is no longer kept.")
        }
        return revision.configuration
    }
}
