/// The one error type of the configuration store.
///
/// Tests and callers assert on ``code``; the facts the admin's line needs (``path``, ``context``,
/// ``systemError``) are public, and the shell words them once (`ErrorPresenter.message(_:)`); the
/// detail for the log is kept apart (``debugDescription``) and never shown.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, as a value that can grow without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The cases, for the one exhaustive switch that words them (the shell's `ErrorPresenter`).
        public enum Kind: Hashable, Sendable {
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

        public let kind: Kind

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

    /// What the store was doing when it failed, where the code alone does not say it (a file that
    /// is not writable while it was being created, or a database that is not).
    public enum Context: Sendable, Equatable {
        /// Opening, reading or writing the database (or a refusal of the store as a whole).
        case database
        /// Looking at the store file before opening it.
        case lookingUp
        /// Creating a new store file.
        case creating
        /// Upgrading a store written by an older version, which a read-only data directory forbids.
        case upgrading
        /// The store file does not exist (`.missing`).
        case absent
        /// The store file is empty (`.missing`).
        case empty
        /// Encrypting private keys for the store (`.secretUnavailable`).
        case sealingKeys
        /// The keys are sealed and no appliance secret was given (`.secretUnavailable`).
        case noSecret
        /// Decrypting the sealed keys with the given secret (`.secretUnavailable`).
        case openingKeys
    }

    /// What went wrong; assert on this.
    public var code: Code
    /// The store file concerned ("" where the error is not about the file).
    public var path: String
    /// What the store was doing.
    public var context: Context
    /// The system's error number of a failed call on the store file (0 for none).
    public var systemError: Int32
    /// Detail for the log (SQLite message, file name…); never shown to the admin.
    private var reason: String

    init(
        _ code: Code,
        path: String = "",
        context: Context = .database,
        systemError: Int32 = 0,
        reason: String = ""
    ) {
        self.code = code
        self.path = path
        self.context = context
        self.systemError = systemError
        self.reason = reason
    }

    /// The code and what it concerns; the admin's line is worded by the shell (`ErrorPresenter`).
    public var description: String {
        var parts = ["\(code)"]
        if !path.isEmpty { parts.append(path) }
        if context != .database { parts.append("\(context)") }
        if systemError != 0 { parts.append("errno \(systemError)") }
        return parts.joined(separator: " ")
    }
    public var debugDescription: String { reason.isEmpty ? description : "\(description) [\(reason)]" }
}

extension StoreError {
    static func damaged(revision: Int, lastGood: Int?, reason: String) -> StoreError {
        StoreError(.damaged(revision: revision, lastGood: lastGood), reason: reason)
    }

    static let pendingConfirmation = StoreError(.pendingConfirmation)
    static let nothingToConfirm = StoreError(.nothingToConfirm)
    static let invalidConfirmationTime = StoreError(.invalidArgument)

    static func noSuchRevision(_ number: Int) -> StoreError { StoreError(.noSuchRevision(number)) }

    static func baseUnavailable(_ number: Int) -> StoreError { StoreError(.baseUnavailable(number)) }
}
