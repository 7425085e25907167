import ApplianceConfig
import FoundationEssentials

/// How a revision came to be (`commithistory`'s Method column).
public enum CommitMethod: String, Sendable, Codable, CaseIterable {
    /// Revision 1, the factory configuration.
    case factory
    /// `commit` at an interactive prompt.
    case interactive
    /// `commit` in a script fed on standard input.
    case script
    /// `commit` given with `-c`.
    case exec
    /// `rollbackconfig` committed at once.
    case rollback
    /// `loadconfig` committed.
    case load
    /// The automatic revert of an unconfirmed confirmed commit.
    case autoRevert = "auto-revert"
    /// An account locked by `esa serve`'s SSH endpoint after too many failed logins.
    case lockout
}

/// The record of one revision (commit.md §7), without its content.
public struct RevisionInfo: Sendable, Equatable {
    /// 1 for the factory configuration, then +1 per commit.
    public var number: Int
    /// When the commit was stored (injected clock).
    public var date: Date
    /// Who committed.
    public var user: String
    public var method: CommitMethod
    /// The admin's comment, possibly empty.
    public var comment: String
    /// Offered by `rollbackconfig`.
    public var rollbackPoint: Bool
    /// The revision the session edited from (nil for the factory revision).
    public var baseRevision: Int?
    /// Each change against the previous head, in `showchanges` order (Shell words them).
    public var changes: RecordedChanges
    /// SHA-256 hex of the stored content bytes.
    public var checksum: String

    public init(
        number: Int,
        date: Date,
        user: String,
        method: CommitMethod,
        comment: String,
        rollbackPoint: Bool,
        baseRevision: Int?,
        changes: RecordedChanges,
        checksum: String
    ) {
        self.number = number
        self.date = date
        self.user = user
        self.method = method
        self.comment = comment
        self.rollbackPoint = rollbackPoint
        self.baseRevision = baseRevision
        self.changes = changes
        self.checksum = checksum
    }
}

/// One change a revision records: a typed change, or — in a revision stored before changes were
/// typed — the line `showchanges` showed for it then, kept as it was stored.
public enum RecordedChange: Sendable, Equatable {
    case change(ConfigChange)
    case line(String)
}

/// The changes a revision records, kept as their stored text (``ChangeRecords`` joined by
/// ``ChangeLines``, which the revision's checksum covers) and decoded one at a time when read. A
/// 10,000-destination commit records 30,000 changes; the session that made it keeps its record for
/// `commitdetail`, and `commithistory` reads many records it never shows the changes of.
public struct RecordedChanges: Sendable, Equatable, Sequence, ExpressibleByArrayLiteral {
    /// The stored text.
    let stored: String

    init(stored: String) { self.stored = stored }

    /// Encodes `changes` (each is encoded and dropped in turn).
    public init(_ changes: some Collection<RecordedChange>) {
        stored = ChangeLines.join(changes.lazy.map(ChangeRecords.encode))
    }

    public init(arrayLiteral changes: RecordedChange...) { self.init(changes) }

    /// The changes from `old` to `new`, encoded as the diff finds them (never held as an array). The
    /// diff runs twice: once to measure the text, once to write it into a text of that size.
    public init(from old: ApplianceConfiguration, to new: ApplianceConfiguration) {
        stored = ChangeLines.text { line in new.forEachChange(since: old) { line(ChangeRecords.encode(.change($0))) } }
    }

    public var isEmpty: Bool { stored.isEmpty }

    public func makeIterator() -> Iterator { Iterator(lines: ChangeLines.Lines(stored)) }

    public struct Iterator: IteratorProtocol {
        var lines: ChangeLines.Lines

        public mutating func next() -> RecordedChange? { lines.next().map(ChangeRecords.decode) }
    }
}

/// The result of ``RevisionStore/commit(_:base:user:method:comment:rollbackPoint:validate:)``.
public enum CommitOutcome: Sendable {
    /// Stored durably as the new head. The configuration is the stored content (the candidate rebased
    /// onto the head when `rebased` is true); the session should adopt it and clear its changes.
    case committed(RevisionInfo, ApplianceConfiguration, rebased: Bool)
    /// The candidate (after any rebase) equals the head; nothing stored.
    case nothingToCommit
    /// Another commit changed the same objects differently; nothing stored. `with` is the newest
    /// revision that touched a conflicting object.
    case conflict(with: RevisionInfo, conflicts: [MergeConflict])
    /// Validation of the (rebased) candidate failed; nothing stored. One line per problem.
    case invalid([String])
}

/// What a commit would do now (`commit --check`); nothing is stored.
public enum CommitCheck: Sendable {
    /// The commit would store this content (the candidate rebased onto the head when `rebased`).
    case ready(ApplianceConfiguration, rebased: Bool)
    /// The candidate (after any rebase) equals the head.
    case nothingToCommit
    /// Another commit changed the same objects differently.
    case conflict(with: RevisionInfo, conflicts: [MergeConflict])
    /// Validation of the (rebased) candidate fails. One line per problem.
    case invalid([String])
}
