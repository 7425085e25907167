import Foundation
import TestSupport
import Testing

/// `esa serve --ssh` end to end: the built binary serves the committed users; OpenSSH's `ssh` logs
/// in with a password typed at its terminal.
@Suite(.serialized)
struct ServeSSHTests {
    @Test(
        .enabled(if: SSHEndpointTests.clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)")
    )
    func serveRunsTheEndpointForTheCommittedUsers() async throws {
        let run = try ServeRun(port: 22420, users: "userconfig add bob \"Bob Example\" operator \(Self.passphrase)")
        defer { run.tearDown() }
        #expect(run.announced.contains("esa serve: the SSH endpoint listens on 127.0.0.1:22420"))
        let keyFile = URL(fileURLWithPath: run.data).appendingPathComponent("ssh/ssh_host_ed25519_key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        #expect(try run.login("bob", Self.passphrase, expecting: "Current Version") == 0)

        // A wrong passphrase is refused and logged with the address; the session lines come from
        // the child (the shell's own system-log lines).
        #expect(try run.login("bob", "not-bobs-passphrase", expecting: "Permission denied") == 255)
        let log = try run.systemLog()
        #expect(log.contains("Warning: PID \(run.serve.pid): User bob failed authentication from 127.0.0.1\n"))
        #expect(!log.contains("not-bobs-passphrase"))

        try run.stop()
    }

    /// Users are read afresh at each login: one committed while the endpoint runs logs in at once,
    /// one deleted no longer does.
    @Test(
        .enabled(if: SSHEndpointTests.clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)")
    )
    func aCommitInAnyShellCountsFromTheNextLogin() async throws {
        let run = try ServeRun(port: 22421, users: "userconfig add bob \"Bob Example\" operator \(Self.passphrase)")
        defer { run.tearDown() }
        let added = try run.esa("userconfig add carol \"Carol Example\" readonly \(Self.passphrase); commit \"carol\"")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try run.login("carol", Self.passphrase, expecting: "Current Version") == 0)

        let deleted = try run.esa("userconfig delete carol; commit \"no carol\"")
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try run.login("carol", Self.passphrase, expecting: "Permission denied") == 255)
        try run.stop()
    }

    /// ssh.md §3: five wrong passwords in a row (the POLICY default) lock the account in a commit of
    /// its own; the right password no longer logs in, and the lock is logged.
    @Test(
        .enabled(if: SSHEndpointTests.clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)")
    )
    func fiveWrongPasswordsInARowLockTheAccount() async throws {
        let run = try ServeRun(port: 22422, users: "userconfig add bob \"Bob Example\" operator \(Self.passphrase)")
        defer { run.tearDown() }
        for attempt in 1...4 {
            #expect(try run.login("bob", "wrong-\(attempt)-pass", expecting: "Permission denied") == 255)
        }
        // Four failures do not lock: the right password still works and starts the count again.
        #expect(try run.login("bob", Self.passphrase, expecting: "Current Version") == 0)
        for attempt in 1...5 {
            #expect(try run.login("bob", "wrong-\(attempt)-pass", expecting: "Permission denied") == 255)
        }
        #expect(try run.login("bob", Self.passphrase, expecting: "Permission denied") == 255)

        let log = try run.systemLog()
        #expect(log.contains("Warning: PID \(run.serve.pid): User bob locked after 5 failed logins\n"))
        let history = try run.esa("commithistory")
        #expect(history.stdout.contains("lockout"), "\(history.stdout)")
        let shell = try EsaProcess.run(["--data-dir", run.data, "--user", "bob", "-c", "version"])
        #expect(shell.status == 3)
        #expect(shell.stderr == "esa: Access denied for bob.\n")
        try run.stop()
    }

    /// ssh.md §3: a key added with `sshconfig userkey new` logs in once committed, not before.
    @Test(
        .enabled(if: SSHEndpointTests.clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)")
    )
    func publicKeyLoginAfterSSHConfigNewAndCommit() async throws {
        let run = try ServeRun(port: 22423, users: "userconfig add bob \"Bob Example\" operator \(Self.passphrase)")
        defer { run.tearDown() }
        let key = run.folder.appendingPathComponent("id_ecdsa").path
        let keygen = try EndpointHarness.run(
            "/usr/bin/ssh-keygen",
            ["-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "bob@ci", "-f", key]
        )
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try run.keyLogin("bob", key: key).status == 255)

        let staged = try run.esa("sshconfig userkey new bob \"\(publicKey)\"")
        #expect(staged.status == 0, "\(staged.stderr)")
        // Staged only (that shell ended without commit): still no login.
        #expect(try run.keyLogin("bob", key: key).status == 255)

        let committed = try run.esa("sshconfig userkey new bob \"\(publicKey)\"; commit \"bob's key\"")
        #expect(committed.status == 0, "\(committed.stderr)")
        let login = try run.keyLogin("bob", key: key)
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.stdout.contains("Current Version"))

        let removed = try run.esa("sshconfig userkey delete bob 1; commit \"no key\"")
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try run.keyLogin("bob", key: key).status == 255)
        try run.stop()
    }

    /// ssh.md §3: the factory admin (passphrase `ironport`, to be changed) logging in on a terminal
    /// changes it before the banner with `Old Password:`, `New Password:`, `Retype New Password:`;
    /// a wrong old one ends the login.
    @Test(
        .enabled(if: SSHEndpointTests.clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)")
    )
    func anExpiredPassphraseIsChangedAtLoginBeforeTheBanner() async throws {
        let run = try ServeRun(port: 22424, users: "userconfig add bob \"Bob Example\" operator \(Self.passphrase)")
        defer { run.tearDown() }
        let wrong = try PseudoTerminal(executable: "/usr/bin/ssh", arguments: run.options + ["-tt", "admin@127.0.0.1"])
        try wrong.expect("admin@127.0.0.1's password: ")
        wrong.send("ironport\r")
        try wrong.expect("Old Password: ")
        wrong.send("not-ironport\r")
        let refused = try wrong.expect("Old passphrase did not match.")
        #expect(!refused.contains("Welcome"))
        #expect(try wrong.waitForExit() == 3)

        let login = try PseudoTerminal(executable: "/usr/bin/ssh", arguments: run.options + ["-tt", "admin@127.0.0.1"])
        try login.expect("admin@127.0.0.1's password: ")
        login.send("ironport\r")
        let before = try login.expect("Old Password: ")
        #expect(!before.contains("Welcome"))
        login.send("ironport\r")
        try login.expect("New Password: ")
        login.send("Fresh-9-Harbor\r")
        try login.expect("Retype New Password: ")
        login.send("Fresh-9-Harbor\r")
        try login.expect("Passphrase changed.")
        try login.expect("Welcome to the esa Email Security Appliance Shell")
        try login.expect("> ")
        login.send("version\r")
        let version = try login.expect("Current Version")
        #expect(!version.contains("change the default passphrase"))
        login.send("exit\r")
        #expect(try login.waitForExit() == 0)

        // The new passphrase logs in; the old one no longer does; nothing is asked any more.
        #expect(try run.login("admin", "Fresh-9-Harbor", expecting: "Current Version") == 0)
        #expect(try run.login("admin", "ironport", expecting: "Permission denied") == 255)
        #expect(!(try run.systemLog().contains("Fresh-9-Harbor")))
        try run.stop()
    }

    /// ssh.md §3: one record of failed logins for every route, kept in the data directory: failures
    /// in the shell (the OpenSSH route: `passwd`'s old passphrase) and at the endpoint add up per
    /// address (the slowdown) and per user (the lockout), and a restart of `esa serve` forgets none.
    @Test(
        .enabled(if: SSHEndpointTests.clientInstalled, "needs Debian's openssh-client (Scripts/bootstrap installs it)")
    )
    func failedLoginsAreCountedAcrossRoutesAndRestarts() async throws {
        let run = try ServeRun(port: 22425, users: "userconfig add bob \"Bob Example\" operator \(Self.passphrase)")
        defer { run.tearDown() }
        // The shell route as sshd starts it: SSH_CLIENT names the client's address.
        var environment = ProcessInfo.processInfo.environment
        environment["SSH_CLIENT"] = "127.0.0.1 50000 22"
        func wrongOldPassphrase() throws -> Duration {
            let start = ContinuousClock.now
            let result = try EsaProcess.run(
                ["--data-dir", run.data, "--user", "bob", "-c", "passwd"],
                input: "not-bobs-passphrase\n",
                environment: environment
            )
            #expect(result.status == 3)
            #expect(result.stderr == "line 1: Old passphrase did not match.\n", "\(result.stderr)")
            return ContinuousClock.now - start
        }

        // 1st and 2nd failure in the shell, 3rd at the endpoint: none is slowed down yet.
        _ = try wrongOldPassphrase()
        _ = try wrongOldPassphrase()
        #expect(try run.login("bob", "wrong-3-pass", expecting: "Permission denied") == 255)

        // esa serve restarts: the 4th failure from the address (at the endpoint) is answered 1 s late.
        try run.restart()
        let start = ContinuousClock.now
        #expect(try run.login("bob", "wrong-4-pass", expecting: "Permission denied") == 255)
        #expect(ContinuousClock.now - start >= .seconds(1))

        // The 5th, in the shell: 2 s late, and bob's fifth failure in a row locks the account.
        #expect(try wrongOldPassphrase() >= .seconds(2))
        let log = try run.systemLog()
        #expect(log.contains("User bob locked after 5 failed logins\n"), "\(log)")
        #expect(try run.login("bob", Self.passphrase, expecting: "Permission denied") == 255)
        let record = try String(contentsOfFile: run.data + "/logs/auth-failures.json", encoding: .utf8)
        #expect(!record.contains("wrong") && !record.contains(Self.passphrase))
        try run.stop()
    }

    static let passphrase = EndpointHarness.alicePassphrase
}

/// `esa serve --ssh 127.0.0.1:{port} --no-gateway` on a fresh data directory with the users made by
/// `users` committed first; logins through OpenSSH's `ssh` with a password typed at its terminal.
final class ServeRun {
    let folder: URL
    let data: String
    let port: Int
    private(set) var serve: PseudoTerminal
    /// The announcement line of the endpoint.
    private(set) var announced: String

    init(port: Int, users: String) throws {
        guard let esa = EsaBinary.url?.path else { throw EsaProcess.NotBuilt() }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("esa-serve-ssh-\(UUID().uuidString)")
        data = folder.appendingPathComponent("data").path
        self.port = port
        let added = try EsaProcess.run(["--data-dir", data, "-c", "\(users); commit \"users\""])
        guard added.status == 0 else { throw HarnessError("adding users failed: \(added.stderr)") }
        (serve, announced) = try Self.start(esa: esa, data: data, port: port)
    }

    /// The endpoint announces itself on the terminal once it listens.
    private static func start(esa: String, data: String, port: Int) throws -> (PseudoTerminal, String) {
        let serve = try PseudoTerminal(
            executable: esa,
            arguments: ["serve", "--data-dir", data, "--ssh", "127.0.0.1:\(port)", "--no-gateway"]
        )
        return (serve, try serve.expect("(host keys SHA256:", timeout: .seconds(20)))
    }

    /// Stops `esa serve` (SIGTERM) and starts it again on the same data directory and port.
    func restart() throws {
        try stop()
        guard let esa = EsaBinary.url?.path else { throw EsaProcess.NotBuilt() }
        (serve, announced) = try Self.start(esa: esa, data: data, port: port)
    }

    var options: [String] {
        [
            "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password",
            "-o", "NumberOfPasswordPrompts=1", "-p", String(port),
        ]
    }

    /// `ssh user@127.0.0.1 {command}` with `password` typed; waits for `expecting`, returns the exit status.
    func login(_ user: String, _ password: String, command: String = "version", expecting: String) throws -> Int32 {
        let client = try PseudoTerminal(
            executable: "/usr/bin/ssh",
            arguments: options + ["\(user)@127.0.0.1", command]
        )
        try client.expect("\(user)@127.0.0.1's password: ")
        client.send(password + "\r")
        try client.expect(expecting, timeout: .seconds(40))
        return try client.waitForExit(timeout: .seconds(20))
    }

    /// `ssh -i {key} user@127.0.0.1 {command}` with public-key authentication only, no terminal.
    func keyLogin(_ user: String, key: String, command: String = "version") throws -> Finished {
        try EndpointHarness.run(
            "/usr/bin/ssh",
            [
                "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                "-o", "PreferredAuthentications=publickey", "-i", key, "-p", String(port),
                "\(user)@127.0.0.1", command,
            ]
        )
    }

    /// `esa --data-dir … -c {commands}`, as another shell would run it.
    func esa(_ commands: String) throws -> EsaProcess.Result {
        try EsaProcess.run(["--data-dir", data, "-c", commands])
    }

    func systemLog() throws -> String {
        try String(contentsOfFile: data + "/logs/system.log", encoding: .utf8)
    }

    /// SIGTERM: the endpoint says so and ends with status 0.
    func stop() throws {
        kill(serve.pid, SIGTERM)
        try serve.expect("esa serve: stopped.")
        #expect(try serve.waitForExit() == 0)
    }

    func tearDown() {
        kill(serve.pid, SIGKILL)
        try? FileManager.default.removeItem(at: folder)
    }
}
