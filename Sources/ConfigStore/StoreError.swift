/// The one error type of the configuration store.
///
/// Tests and callers assert on ``code``; ``message`` is the one line shown to the admin; the detail
/// for the log is kept apart (``debugDescription``) and never shown.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, as a value that can grow without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            case damaged(revision: Int, lastGood: Int?)
            case unreadable
            case notWritable
            case busy
            case io
            case diskFull
            case missing
            case secretUnavailable
            case newerVersion
            case pendingConfirmation
            case nothingToConfirm
            case noSuchRevision(Int)
            case baseUnavailable(Int)
            case invalidArgument
        }

        let kind: Kind

        /// A kept revision fails its checksum or cannot be decoded. `lastGood` is the newest revision
        /// older than the damaged one that is intact (at open, every revision is checked), nil if none.
        public static func damaged(revision: Int, lastGood: Int?) -> Code {
            Code(kind: .damaged(revision: revision, lastGood: lastGood))
        }
        /// The file is not an SQLite database, or SQLite reports it corrupt.
        public static let unreadable = Code(kind: .unreadable)
        /// The store file or its folder cannot be written.
        public static let notWritable = Code(kind: .notWritable)
        /// Another process held the store for longer than the busy timeout.
        public static let busy = Code(kind: .busy)
        /// Any other input/output failure (an I/O error of the device…).
        public static let io = Code(kind: .io)
        /// The file system holding the store is full; nothing was stored.
        public static let diskFull = Code(kind: .diskFull)
        /// The store file is missing or empty where one must exist (an existing data directory); it
        /// is not re-created.
        public static let missing = Code(kind: .missing)
        /// The private keys are sealed and the appliance secret that opens them is missing or another.
        public static let secretUnavailable = Code(kind: .secretUnavailable)
        /// The store was written by a newer version of esa (unknown schema migrations).
        public static let newerVersion = Code(kind: .newerVersion)
        /// A confirmed commit waits for `commit confirm` or its automatic revert; commits are refused.
        public static let pendingConfirmation = Code(kind: .pendingConfirmation)
        /// `commit confirm` with no confirmed commit pending.
        public static let nothingToConfirm = Code(kind: .nothingToConfirm)
        /// The revision does not exist (never did, or a base newer than the head).
        public static func noSuchRevision(_ number: Int) -> Code { Code(kind: .noSuchRevision(number)) }
        /// A candidate's base revision has been pruned: a rebase is impossible, the commit is refused.
        public static func baseUnavailable(_ number: Int) -> Code { Code(kind: .baseUnavailable(number)) }
        /// An argument is out of range (e.g. confirmation minutes).
        public static let invalidArgument = Code(kind: .invalidArgument)

        /// Whether the store refused the operation (a pending confirmation, nothing to confirm, a
        /// revision that does not exist or is not kept, an argument out of range) rather than failed
        /// to read or write.
        public var isRefusal: Bool {
            switch kind {
            case .pendingConfirmation, .nothingToConfirm, .noSuchRevision, .baseUnavailable, .invalidArgument: true
            default: false
            }
        }

        /// For `.damaged`: the damaged revision and the last good one.
        public var damage: (revision: Int, lastGood: Int?)? {
            if case .damaged(let revision, let lastGood) = kind { return (revision, lastGood) }
            return nil
        }

        public var description: String {
            switch kind {
            case .damaged(let revision, let lastGood):
                "damaged(revision: \(revision), lastGood: \(lastGood.map(String.init) ?? "nil"))"
            case .unreadable: "unreadable"
            case .notWritable: "notWritable"
            case .busy: "busy"
            case .io: "io"
            case .diskFull: "diskFull"
            case .missing: "missing"
            case .secretUnavailable: "secretUnavailable"
            case .newerVersion: "newerVersion"
            case .pendingConfirmation: "pendingConfirmation"
            case .nothingToConfirm: "nothingToConfirm"
            case .noSuchRevision(let number): "noSuchRevision(\(number))"
            case .baseUnavailable(let number): "baseUnavailable(\(number))"
            case .invalidArgument: "invalidArgument"
            }
        }
    }

    /// What went wrong; assert on this.
    public var code: Code
    /// One line for the admin.
    public var message: String
    /// Detail for the log (SQLite message, file name…); never shown to the admin.
    private var reason: String

    init(_ code: Code, _ message: String, reason: String = "") {
        self.code = code
        self.message = message
        self.reason = reason
    }

    public var description: String { message }
    public var debugDescription: String { reason.isEmpty ? "\(code): \(message)" : "\(code): \(message) [\(reason)]" }
}

extension StoreError {
    static func damaged(revision: Int, lastGood: Int?, reason: String) -> StoreError {
        let tail =
            lastGood.map { "the last good revision is \($0)." } ?? "no older revision is intact."
        return StoreError(
            .damaged(revision: revision, lastGood: lastGood),
            "The configuration store is damaged: revision \(revision) is unreadable; \(tail)",
            reason: reason
        )
    }

    static let pendingConfirmation = StoreError(
        .pendingConfirmation,
        "A confirmed commit is waiting for confirmation; commit again after 'commit confirm' or the automatic revert."
    )

    static let nothingToConfirm = StoreError(.nothingToConfirm, "There is no commit waiting for confirmation.")

    static func noSuchRevision(_ number: Int) -> StoreError {
        StoreError(.noSuchRevision(number), "There is no revision \(number).")
    }

    static func baseUnavailable(_ number: Int) -> StoreError {
        StoreError(
            .baseUnavailable(number),
            "Your changes were made on revision \(number), which is no longer kept; "
                + "use 'clearchanges' and enter them again."
        )
    }
}
