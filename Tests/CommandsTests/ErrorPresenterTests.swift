import Shell
import TestSupport
import Testing

@testable import ConfigStore

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

    @Test(arguments: [
        (StoreError(.busy, "The configuration store is busy; try again."), Shell.ExitStatus.ioError),
        (StoreError.pendingConfirmation, .actionFailed),
        (StoreError.nothingToConfirm, .actionFailed),
        (StoreError.noSuchRevision(9), .actionFailed),
        (StoreError.baseUnavailable(2), .actionFailed),
        (StoreError.damaged(revision: 2, lastGood: 1, reason: "checksum"), .ioError),
        (StoreError(.unreadable, "The configuration store is not a readable database."), .ioError),
        (StoreError(.notWritable, "The configuration store is not writable."), .ioError),
        (StoreError(.io, "The configuration store could not be read or written."), .ioError),
        (StoreError(.newerVersion, "The configuration store was written by a newer esa."), .ioError),
        (StoreError(.invalidArgument, "The confirmation time must be between 1 and 60 minutes."), .actionFailed),
    ])
    func everyStoreErrorHasItsStatusAndNoInternalError(error: StoreError, status: Shell.ExitStatus) {
        let shown = ErrorPresenter.present(error)
        #expect(shown.code.status == status)
        #expect(shown.message == error.message)
        #expect(!shown.message.contains("\n"))
    }

    @Test func onlyAnUnplannedErrorIsAnInternalError() {
        struct Unplanned: Error {}
        let shown = ErrorPresenter.present(Unplanned())
        #expect(shown.code.status == .internalError)
        #expect(shown.message.hasPrefix("Internal error: "))
    }
}
