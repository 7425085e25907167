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
        guard let esa = EsaBinary.url?.path else { throw EsaProcess.NotBuilt() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("esa-serve-ssh-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data").path
        let added = try EsaProcess.run([
            "--data-dir", data, "-c",
            "userconfig add bob \"Bob Example\" operator \(EndpointHarness.alicePassphrase); commit \"bob\"",
        ])
        #expect(added.status == 0, "\(added.stderr)")

        // The endpoint announces itself on the terminal once it listens.
        let serve = try PseudoTerminal(
            executable: esa,
            arguments: ["serve", "--data-dir", data, "--ssh", "127.0.0.1:22420", "--no-gateway"]
        )
        defer { kill(serve.pid, SIGKILL) }
        let announced = try serve.expect("(host keys SHA256:", timeout: .seconds(20))
        #expect(announced.contains("esa serve: the SSH endpoint listens on 127.0.0.1:22420"))
        let keyFile = URL(fileURLWithPath: data).appendingPathComponent("ssh/ssh_host_ed25519_key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let options = [
            "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password",
            "-o", "NumberOfPasswordPrompts=1", "-p", "22420",
        ]
        let login = try PseudoTerminal(executable: "/usr/bin/ssh", arguments: options + ["bob@127.0.0.1", "version"])
        try login.expect("bob@127.0.0.1's password: ")
        login.send(EndpointHarness.alicePassphrase + "\r")
        try login.expect("Current Version")
        #expect(try login.waitForExit() == 0)

        // A wrong passphrase is refused and logged with the address; the session lines come from
        // the child (the shell's own system-log lines).
        let wrong = try PseudoTerminal(executable: "/usr/bin/ssh", arguments: options + ["bob@127.0.0.1", "version"])
        try wrong.expect("password: ")
        wrong.send("not-bobs-passphrase\r")
        try wrong.expect("Permission denied")
        #expect(try wrong.waitForExit() == 255)
        let log = try String(contentsOfFile: data + "/logs/system.log", encoding: .utf8)
        #expect(log.contains("Warning: PID \(serve.pid): User bob failed authentication from 127.0.0.1\n"))
        #expect(!log.contains("not-bobs-passphrase"))

        kill(serve.pid, SIGTERM)
        try serve.expect("esa serve: stopped.")
        #expect(try serve.waitForExit() == 0)
    }
}
