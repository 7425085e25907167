import Shell
import TestSupport
import Testing

@testable import ConfigStore

#if canImport(Glibc)
import Glibc
#endif

/// A store that cannot be read reaches the admin as one line and an I/O status (2), never as
/// `Internal error` (1); the session and its staged changes stay usable.
@Suite struct ErrorPresenterTests {
    /// A shell with revisions 1–3; revision 2's stored checksum is then spoiled behind its back.
    private func damagedShell() throws -> TestShell {
        let shell = try TestShell()
        _ = try shell.run("sethostname a.example.com\ncommit \"first\"\n")
        _ = try shell.run("sethostname b.example.com\ncommit \"second\"\n")
        try RawStoreAccess.execute(
            path: shell.directory.url.appendingPathComponent("config.db").path,
            sql: "UPDATE revision SET checksum = 'x' WHERE number = 2"
        )
        return shell
    }

    @Test func rollbackToADamagedRevisionIsAnIOError() throws {
        let shell = try damagedShell()
        let result = try shell.run("rollbackconfig 2\n")
        #expect(
            result.errorOutput
                == "line 1: The configuration store is damaged: revision 2 is unreadable; the last good revision is 1.\n"
        )
        #expect(result.status == .ioError)
        #expect(try shell.store.head().info.number == 3)
    }

    @Test func diffconfigOfADamagedRevisionIsAnIOError() throws {
        let shell = try damagedShell()
        let result = try shell.run("diffconfig 2 3\n")
        #expect(result.errorOutput.hasPrefix("line 1: The configuration store is damaged: revision 2 is unreadable"))
        #expect(result.status == .ioError)
    }

    @Test func commithistoryOfAnUnreadableStoreIsAnIOError() throws {
        let shell = try TestShell()
        let path = shell.directory.url.appendingPathComponent("config.db").path
        let (session, console, output) = try shell.session(input: "commithistory\n")
        try RawStoreAccess.execute(path: path, sql: "ALTER TABLE revision RENAME TO gone")
        let status = Interpreter(session: session).runScript()
        console.flush()
        #expect(output.stderr == "line 1: The configuration store \(path) could not be read or written.\n")
        #expect(status == .ioError)
    }

    @Test func showchangesStillShowsStagedChangesOfADamagedStore() throws {
        let shell = try damagedShell()
        let result = try shell.run("sethostname c.example.com\nshowchanges\n")
        #expect(result.status == .success)
        #expect(result.output.contains("sethostname: system hostname: b.example.com -> c.example.com"))
    }

    /// Every kind of store error, as ConfigStore reports it (a code, the file, what it was doing), and
    /// the line and status the admin gets (Docs/Errors.md holds the same lines).
    static let storeErrors: [(StoreError, String, Shell.ExitStatus)] = [
        (StoreError(.busy, path: "/d/config.db"), "The configuration store is busy; try again.", .ioError),
        (
            .pendingConfirmation,
            "A confirmed commit is waiting for confirmation; commit again after 'commit confirm' or the automatic revert.",
            .actionFailed
        ),
        (.nothingToConfirm, "There is no commit waiting for confirmation.", .actionFailed),
        (.noSuchRevision(9), "There is no revision 9.", .actionFailed),
        (
            .baseUnavailable(2),
            "Your changes were made on revision 2, which is no longer kept; use 'clearchanges' and enter them again.",
            .actionFailed
        ),
        (.invalidConfirmationTime, "The confirmation time must be between 1 and 60 minutes.", .actionFailed),
        (
            .damaged(revision: 2, lastGood: 1, reason: "checksum"),
            "The configuration store is damaged: revision 2 is unreadable; the last good revision is 1.", .ioError
        ),
        (
            .damaged(revision: 1, lastGood: nil, reason: "checksum"),
            "The configuration store is damaged: revision 1 is unreadable; no older revision is intact.", .ioError
        ),
        (
            StoreError(.missing, path: "/d/config.db", context: .absent),
            "The configuration store /d/config.db is missing; restore it from a backup (nothing was changed).", .ioError
        ),
        (
            StoreError(.missing, path: "/d/config.db", context: .empty),
            "The configuration store /d/config.db is empty; restore it from a backup (nothing was changed).", .ioError
        ),
        (
            StoreError(.newerVersion, path: "/d/config.db"),
            "The configuration store /d/config.db was written by a newer version of esa.", .ioError
        ),
        (
            StoreError(.unreadable, path: "/d/config.db"),
            "The configuration store /d/config.db is not a readable database.", .ioError
        ),
        (
            StoreError(.notWritable, path: "/d/config.db"),
            "The configuration store /d/config.db is not writable.", .ioError
        ),
        (
            StoreError(.notWritable, path: "/d/config.db", context: .upgrading),
            "The configuration store /d/config.db was written by an older version of esa and must be upgraded, "
                + "which a read-only data directory does not allow.",
            .ioError
        ),
        (
            StoreError(.notWritable, path: "/d/config.db", context: .creating, systemError: EACCES),
            "The configuration store /d/config.db cannot be created.", .ioError
        ),
        (
            StoreError(.diskFull, path: "/d/config.db", context: .creating, systemError: ENOSPC),
            "The configuration store /d/config.db cannot be created: no space left on the device.", .ioError
        ),
        (
            StoreError(.io, path: "/d/config.db", context: .lookingUp, systemError: EIO),
            "The configuration store /d/config.db cannot be read: Input/output error.", .ioError
        ),
        (
            StoreError(.diskFull, path: "/d/config.db"),
            "The configuration store /d/config.db cannot be written: no space left on the device.", .ioError
        ),
        (
            StoreError(.io, path: "/d/config.db"),
            "The configuration store /d/config.db could not be read or written.", .ioError
        ),
        (
            StoreError(.secretUnavailable, context: .sealingKeys),
            "The private keys cannot be encrypted for the configuration store.", .ioError
        ),
        (
            StoreError(.secretUnavailable, context: .noSecret),
            "The private keys in the configuration store are encrypted and no appliance secret was given.", .ioError
        ),
        (
            StoreError(.secretUnavailable, context: .openingKeys),
            "The private keys in the configuration store cannot be decrypted with this data directory's "
                + "secret.key (missing or replaced); restore it from a backup.",
            .ioError
        ),
    ]

    @Test(arguments: storeErrors.indices)
    func everyStoreErrorHasItsLineAndStatusAndNoInternalError(index: Int) {
        let (error, line, status) = Self.storeErrors[index]
        let shown = ErrorPresenter.present(error)
        #expect(shown.message == line)
        #expect(shown.code.status == status)
        #expect(ErrorPresenter.logLine(error) == line)
    }

    @Test func onlyAnUnplannedErrorIsAnInternalError() {
        struct Unplanned: Error {}
        let shown = ErrorPresenter.present(Unplanned())
        #expect(shown.code.status == .internalError)
        #expect(shown.message.hasPrefix("Internal error: "))
    }
}
