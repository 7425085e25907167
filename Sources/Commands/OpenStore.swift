import ApplianceConfig
import ConfigStore
import FoundationEssentials
import Shell

/// The data directory's configuration store and identity, opened by one rule for the shell, scp
/// and `esa serve`: in a data directory used before, a missing or damaged store or identity is
/// reported and nothing is re-created. The store is created first: a first start that stopped
/// before writing the identity left only the factory revision, and may still write it.
public struct OpenedStore {
    public let store: RevisionStore
    public let identity: (serial: String, installDate: Date)

    /// The store alone (scp only needs the users): an existing store is opened, a fresh data
    /// directory's is created with the factory configuration. `verifyHead` false leaves the head's
    /// content to be checked when it is first read.
    public static func store(
        in directory: DataDirectory,
        access: DataDirectory.Access,
        clock: ShellClock,
        verifyHead: Bool = true
    ) throws -> RevisionStore {
        try RevisionStore(
            path: directory.storePath,
            clock: clock.now,
            createIfMissing: !directory.isInitialised,
            readOnly: access == .readOnly,
            sealer: SecretKeyFile(path: directory.url.appendingPathComponent("secret.key").path),
            verifyHead: verifyHead
        ) {
            try FactoryConfiguration.make(now: clock.now())
        }
    }

    /// The store and the identity; the identity is written only into a writable data directory
    /// that is new or still holds nothing but the factory revision.
    public static func open(
        _ directory: DataDirectory,
        access: DataDirectory.Access,
        clock: ShellClock,
        verifyHead: Bool = true
    ) throws -> Self {
        let initialised = directory.isInitialised
        let existingIdentity = try directory.existingIdentity()
        let store = try store(in: directory, access: access, clock: clock, verifyHead: verifyHead)
        let identity =
            try existingIdentity
            ?? directory.identity(
                now: clock.now(),
                create: access == .writable && (!initialised || store.history(limit: 1).first?.number == 1)
            )
        return Self(store: store, identity: identity)
    }

    /// The one line and exit status for a failure to open the store or the identity.
    public static func failure(_ error: any Error) -> (message: String, status: ExitStatus) {
        switch error {
        case let error as ShellError: (error.message, error.code.status)
        case let error as StoreError: (ErrorPresenter.message(error), .ioError)
        default: ("The configuration store cannot be opened: \(error).", .ioError)
        }
    }
}
