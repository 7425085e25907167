import ApplianceConfig
import ConfigStore
import Shell

/// `rollbackconfig` (commit.md §5): stage a saved revision, then offer to commit it.
public struct RollbackConfigCommand: DeclaredCommand {
    static let revision = Positional("revision", .revision)
    static let discard = BatchOption.flag("discard")

    public let grammar = Grammar(
        CommandConfiguration(
            "rollbackconfig",
            summary: "Roll back to one of the last 10 saved configurations.",
            requiresCommit: true
        ),
        interactive: { try RollbackConfigCommand.interactive($0) },
        Form(
            usage: "rollbackconfig {revision} [--discard]",
            .argument(RollbackConfigCommand.revision),
            .option(RollbackConfigCommand.discard)
        ) { arguments, session in
            try RollbackConfigCommand.batch(
                arguments[RollbackConfigCommand.revision],
                discard: arguments.has(RollbackConfigCommand.discard),
                session
            )
        }
    )

    /// Stages the revision. Pending changes are never dropped silently: without `--discard` the
    /// rollback is refused while there are any.
    private static func batch(_ number: Int, discard: Bool, _ session: Session) throws {
        if session.hasPendingChanges && !discard {
            throw ShellError.actionFailed(
                "There are uncommitted changes; commit or clear them first, or add --discard to drop them."
            )
        }
        guard let revision = try session.store.revision(number) else {
            throw ShellError.actionFailed("Revision \(number) does not exist or is no longer kept.")
        }
        session.replaceCandidate(with: revision.configuration, method: .rollback)
        session.dialog.block("Revision \(number) is staged. Use 'commit' to make it active.")
    }

    private static func interactive(_ session: Session) throws {
        let dialog = session.dialog
        let points = try session.store.rollbackPoints(limit: 10)
        guard !points.isEmpty else {
            dialog.block("There are no previous commits to roll back to.")
            return
        }
        if session.hasPendingChanges {
            guard try dialog.yesNo("Pending changes will be discarded. Continue?", default: false) else { return }
        }
        func row(_ info: RevisionInfo) -> String {
            pad(session.clock.appliance(info.date, zone: false), 31) + pad(info.user, 11) + info.comment
        }
        var table = [
            "Previous Commits:",
            "",
            "    " + pad("Committed On", 31) + pad("User", 11) + "Description",
            "    " + String(repeating: "-", count: 73),
        ]
        for (index, info) in points.enumerated() {
            table.append(pad("\(index + 1).", 4) + row(info))
        }
        dialog.block(table)
        let count = points.count
        let picked = try dialog.askNumber(
            ["Enter the number of the config to revert to."],
            range: 1...count,
            default: nil
        )
        .map { $0 - 1 }
        guard let choice = picked else { return }
        guard try dialog.yesNo("Are you sure you want to roll back the configuration?", default: false) else { return }
        let target = points[choice]
        guard let revision = try session.store.revision(target.number) else {
            throw ShellError.actionFailed("Revision \(target.number) is no longer kept.")
        }
        session.replaceCandidate(with: revision.configuration, method: .rollback)
        dialog.block("Reverted to " + row(target))
        guard try dialog.yesNo(continuing: "Do you want to commit this configuration now?", default: false)
        else { return }
        try CommitFlow.commit(
            session,
            comment: "Rollback to revision \(target.number)",
            rollbackPoint: true,
            method: .rollback,
            successMessage: { _ in "Committed the changes successfully" }
        )
    }
}
