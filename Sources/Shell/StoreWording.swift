import ConfigStore

#if canImport(Glibc)
import Glibc
#endif

/// The administrator's wording of the configuration store's errors. `ConfigStore` reports a code
/// with the file and what it was doing (`StoreError`); every sentence it becomes is written here,
/// once. Docs/Errors.md, the transcript and end-to-end tests hold these strings byte for byte.
extension ErrorPresenter {
    /// The one line for a store error.
    public static func message(_ error: StoreError) -> String {
        let store = "The configuration store \(error.path)"
        switch (error.code.kind, error.context) {
        case (.damaged(let revision, let lastGood), _):
            let tail = lastGood.map { "the last good revision is \($0)." } ?? "no older revision is intact."
            return "The configuration store is damaged: revision \(revision) is unreadable; \(tail)"
        case (.pendingConfirmation, _):
            return "A confirmed commit is waiting for confirmation; commit again after 'commit confirm' or the "
                + "automatic revert."
        case (.nothingToConfirm, _): return "There is no commit waiting for confirmation."
        case (.noSuchRevision(let number), _): return "There is no revision \(number)."
        case (.baseUnavailable(let number), _):
            return "Your changes were made on revision \(number), which is no longer kept; "
                + "use 'clearchanges' and enter them again."
        case (.invalidArgument, _): return "The confirmation time must be between 1 and 60 minutes."
        case (.busy, _): return "The configuration store is busy; try again."
        case (.missing, let context):
            let state = context == .empty ? "empty" : "missing"
            return "\(store) is \(state); restore it from a backup (nothing was changed)."
        case (.newerVersion, _): return "\(store) was written by a newer version of esa."
        case (.unreadable, _): return "\(store) is not a readable database."
        case (.secretUnavailable, .sealingKeys):
            return "The private keys cannot be encrypted for the configuration store."
        case (.secretUnavailable, .noSecret):
            return "The private keys in the configuration store are encrypted and no appliance secret was given."
        case (.secretUnavailable, _):
            return "The private keys in the configuration store cannot be decrypted with this data directory's "
                + "secret.key (missing or replaced); restore it from a backup."
        case (.notWritable, .upgrading):
            return "\(store) was written by an older version of esa and must be upgraded, which a read-only data "
                + "directory does not allow."
        case (.notWritable, .lookingUp), (.notWritable, .creating),
            (.diskFull, .lookingUp), (.diskFull, .creating),
            (.io, .lookingUp), (.io, .creating):
            let what = "\(store) cannot be \(error.context == .creating ? "created" : "read")"
            switch error.code.kind {
            case .notWritable: return "\(what)."
            case .diskFull: return "\(what): no space left on the device."
            default: return "\(what): \(String(cString: strerror(error.systemError)))."
            }
        case (.notWritable, _): return "\(store) is not writable."
        case (.diskFull, _): return "\(store) cannot be written: no space left on the device."
        case (.io, _): return "\(store) could not be read or written."
        }
    }
}

extension ErrorPresenter {
    /// An error as a log line says it: a store error worded as the admin sees it, any other error's
    /// own description.
    public static func logLine(_ error: any Error) -> String {
        if let error = error as? StoreError { return message(error) }
        return "\(error)"
    }
}

extension ShellError {
    /// A store failure as the admin sees it: the store's one line; a refused operation (a pending
    /// confirmation, a revision that is not kept) is an action that failed (status 3), a busy,
    /// damaged, full or unreadable store an I/O error (status 2). Never an internal error.
    public init(_ error: StoreError) {
        self.init(error.code.isRefusal ? .actionFailed : .io, ErrorPresenter.message(error))
    }
}
