import ApplianceConfig
import FoundationEssentials

/// The committed configuration as the shell sees it: a numbered history of revisions with one head.
///
/// This is the whole surface callers use — open (the backend's initialiser), read the head or a kept
/// revision, list history, commit a candidate with rebase, confirm or revert a confirmed commit, and
/// verify. Rollback is reading a kept revision and committing its content. ``RevisionStore`` is the
/// SQLite backend (one file per appliance); a second backend (PostgreSQL, shared by a cluster of
/// gateways) implements the same protocol and nothing above it changes.
public protocol ConfigurationStore: AnyObject, Sendable {
    /// The newest revision and its content.
    func head() throws -> (info: RevisionInfo, configuration: ApplianceConfiguration)

    /// A kept revision and its content, or nil when it does not exist (never did, or pruned).
    func revision(_ number: Int) throws -> (info: RevisionInfo, configuration: ApplianceConfiguration)?

    /// The newest `limit` revisions, newest first.
    func history(limit: Int) throws -> [RevisionInfo]

    /// The head's number, cheaply: asked before every prompt to notice other sessions' commits.
    func headNumber() throws -> Int

    /// The automatic reverts stored after revision `number`, oldest first: each one's number and the
    /// revision it reverted. Read for the notice at a session's next prompt, without the records'
    /// change lines (a large commit's are megabytes).
    func automaticReverts(after number: Int) throws -> [(revert: Int, reverted: Int)]

    /// The newest `limit` rollback points (the head included when it is one), newest first.
    func rollbackPoints(limit: Int) throws -> [RevisionInfo]

    /// Commits `candidate`, edited from revision `base` whose content was `baseConfiguration`
    /// (commit.md §8.4).
    ///
    /// Atomically: if the head is still `base` the candidate is taken as is; otherwise the session's
    /// changes (candidate against `baseConfiguration`) are rebased onto the head — `.conflict` when
    /// both sides changed an object. The base's content comes from the caller, so a base pruned since
    /// does not prevent the rebase; without it a pruned base throws `.baseUnavailable`. The result is
    /// validated (`.invalid`), compared with the head (`.nothingToCommit`) and stored as head+1.
    /// With `confirmMinutes`, the new revision is reverted unless confirmed in time (§8.5). Throws
    /// `.pendingConfirmation` while a confirmed commit waits.
    func commit(
        _ candidate: ApplianceConfiguration,
        base: Int,
        baseConfiguration: ApplianceConfiguration?,
        user: String,
        method: CommitMethod,
        comment: String,
        rollbackPoint: Bool,
        confirmMinutes: Int?,
        validate: (ApplianceConfiguration) -> [String]
    ) throws -> CommitOutcome

    /// What ``commit(_:base:baseConfiguration:user:method:comment:rollbackPoint:confirmMinutes:validate:)``
    /// would do now, storing nothing (`commit --check`).
    func check(
        _ candidate: ApplianceConfiguration,
        base: Int,
        baseConfiguration: ApplianceConfiguration?,
        validate: (ApplianceConfiguration) -> [String]
    ) throws -> CommitCheck

    /// The revision waiting for `commit confirm` and its deadline, if any.
    func pendingConfirmation() throws -> (revision: Int, deadline: Date)?

    /// Confirms the pending confirmed commit; returns its revision. `.nothingToConfirm` when none.
    @discardableResult func confirm() throws -> Int

    /// Reverts a confirmed commit whose deadline is at or before `now`; returns the new revision, or
    /// nil when none is due. Takes no write lock unless a revert is due.
    func revertIfDue(now: Date) throws -> RevisionInfo?

    /// Checks every kept revision (record and content); `.damaged` names the oldest damaged one.
    /// Returns the number of revisions checked.
    @discardableResult func verify() throws -> Int
}

extension ConfigurationStore {
    /// Checks a commit against the kept base revision (see the requirement).
    public func check(
        _ candidate: ApplianceConfiguration,
        base: Int,
        validate: (ApplianceConfiguration) -> [String]
    ) throws -> CommitCheck {
        try check(candidate, base: base, baseConfiguration: nil, validate: validate)
    }

    /// Commits without confirmation (see the requirement).
    public func commit(
        _ candidate: ApplianceConfiguration,
        base: Int,
        baseConfiguration: ApplianceConfiguration? = nil,
        user: String,
        method: CommitMethod,
        comment: String,
        rollbackPoint: Bool,
        validate: (ApplianceConfiguration) -> [String]
    ) throws -> CommitOutcome {
        try commit(
            candidate,
            base: base,
            baseConfiguration: baseConfiguration,
            user: user,
            method: method,
            comment: comment,
            rollbackPoint: rollbackPoint,
            confirmMinutes: nil,
            validate: validate
        )
    }

    /// Commits, and in the same transaction records that the new revision is reverted unless
    /// ``confirm()`` is called within `minutes` (1…60, else `.invalidArgument`). Nothing is recorded
    /// when nothing is committed.
    public func commitConfirmed(
        _ candidate: ApplianceConfiguration,
        base: Int,
        baseConfiguration: ApplianceConfiguration? = nil,
        user: String,
        method: CommitMethod,
        comment: String,
        rollbackPoint: Bool,
        minutes: Int,
        validate: (ApplianceConfiguration) -> [String]
    ) throws -> CommitOutcome {
        guard RevisionStore.confirmationMinutes.contains(minutes) else {
            throw StoreError.invalidConfirmationTime
        }
        return try commit(
            candidate,
            base: base,
            baseConfiguration: baseConfiguration,
            user: user,
            method: method,
            comment: comment,
            rollbackPoint: rollbackPoint,
            confirmMinutes: minutes,
            validate: validate
        )
    }
}

extension ConfigurationStore {
    public func headNumber() throws -> Int { try history(limit: 1).first?.number ?? 0 }

    public func automaticReverts(after number: Int) throws -> [(revert: Int, reverted: Int)] {
        try history(limit: 20).filter { $0.number > number && $0.method == .autoRevert }.reversed().map {
            ($0.number, $0.baseRevision ?? $0.number - 1)
        }
    }
}
