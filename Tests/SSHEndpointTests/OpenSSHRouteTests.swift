import Foundation
import TestSupport
import Testing

/// The OpenSSH route (ssh.md §1, Docs/SSH.md): a private `sshd -f` on a loopback port with host keys
/// of its own, one system account (here root) carrying the appliance users through `esa
/// ssh-authorized-keys`; ssh exec and `scp -O` both ways as each user's key decides.
@Suite(.serialized)
struct OpenSSHRouteTests {
    static let port = 22430

    /// The `sshd_config` lines of Docs/SSH.md ("The OpenSSH route"), with this test's paths and account.
    static func fragment(account: String, keysCommand: String) -> String {
        """
        Match User \(account)
            AuthorizedKeysFile none
            AuthorizedKeysCommand \(keysCommand) %u
            AuthorizedKeysCommandUser \(account)
            PasswordAuthentication no
            KbdInteractiveAuthentication no

        """
    }

    /// Root and Debian's openssh-server are needed; a skip says why, and under CI=true it is a failure.
    static func available(_ sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        var reasons: [String] = []
        if getuid() != 0 { reasons.append("not root (sshd checks its files' owners and runs sessions as root)") }
        if !FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") {
            reasons.append("openssh-server is not installed (Scripts/bootstrap installs it)")
        }
        if !SSHEndpointTests.clientInstalled { reasons.append("openssh-client is not installed") }
        return MachineRequirement.met(unless: reasons, sourceLocation: sourceLocation)
    }

    @Test func sshExecAndScpBothWaysThroughSSHDWithEachUsersKey() async throws {
        guard Self.available() else { return }
        guard let esa = EsaBinary.url?.resolvingSymlinksInPath().path else { throw EsaProcess.NotBuilt() }
        // sshd wants its AuthorizedKeysCommand in folders only root can write: not /tmp.
        let folder = URL(fileURLWithPath: "/run/esa-ep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(chmod(folder.path, 0o755) == 0)
        let data = folder.appendingPathComponent("data").path

        // Two appliance users, each with a key of their own, on the one system account.
        let alice = folder.appendingPathComponent("alice").path
        let rita = folder.appendingPathComponent("rita").path
        for (key, type) in [(alice, "ed25519"), (rita, "ecdsa")] {
            let made = try EndpointHarness.run("/usr/bin/ssh-keygen", ["-q", "-t", type, "-N", "", "-f", key])
            #expect(made.status == 0, "\(made.stderr)")
        }
        let alicePublic = try String(contentsOfFile: alice + ".pub", encoding: .utf8).trimmingCharacters(in: .newlines)
        let ritaPublic = try String(contentsOfFile: rita + ".pub", encoding: .utf8).trimmingCharacters(in: .newlines)
        let pass = EndpointHarness.alicePassphrase
        let users = try EsaProcess.run([
            "--data-dir", data, "-c",
            "userconfig add alice \"Alice Example\" operator \(pass); userconfig add rita \"Rita\" readonly \(pass); "
                + "sshconfig userkey new alice \"\(alicePublic)\"; sshconfig userkey new rita \"\(ritaPublic)\"; "
                + "commit \"users and keys\"",
        ])
        #expect(users.status == 0, "\(users.stderr)")

        // esa ssh-authorized-keys: the account's lines, each key forced to its user; other accounts none.
        let listed = try EsaProcess.run(["ssh-authorized-keys", "--data-dir", data, "--account", "root", "root"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(
            listed.stdout.contains(
                "restrict,pty,command=\"'\(esa)' --data-dir '\(data)' --user alice\" \(alicePublic)\n"
            ),
            "\(listed.stdout)"
        )
        #expect(listed.stdout.contains("--user rita\" \(ritaPublic)\n"))
        let other = try EsaProcess.run(["ssh-authorized-keys", "--data-dir", data, "--account", "root", "www-data"])
        #expect(other.status == 0 && other.stdout.isEmpty)

        let sshd = try await PrivateSSHD(folder: folder, esa: esa, data: data, port: Self.port)
        defer { sshd.stop() }

        // ssh exec: the key decides the appliance user; exit statuses come back as `esa -c` gives them.
        let version = try sshd.ssh(key: alice, "version")
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.stdout.contains("Current Version"))
        let unknown = try sshd.ssh(key: alice, "nosuchcommand")
        let local = try EsaProcess.run(["--data-dir", data, "--user", "alice", "-c", "nosuchcommand"])
        #expect(unknown.status == local.status && unknown.status != 0)
        let refused = try sshd.ssh(key: rita, "sethostname rita.example.com")
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("You are not in the correct access group to use this command."))
        let log = try String(contentsOfFile: data + "/logs/system.log", encoding: .utf8)
        #expect(log.contains("User alice executed batch command: version"))

        // As automation does it: scp -O of a PKCS#12 into /configuration, then an interactive session
        // on a terminal (banner, certconfig IMPORT, commit with the prompt after the pause, exit).
        let pfx = try AutomationOverEndpointTests.pkcs12(in: folder)
        let uploaded = try sshd.scp(key: alice, [pfx.path, "root@127.0.0.1:/configuration/esacert.pfx"])
        #expect(uploaded.status == 0, "\(uploaded.stderr)")
        let terminal = try PseudoTerminal(
            executable: "/usr/bin/ssh",
            arguments: sshd.options + ["-tt", "-i", alice, "-p", String(Self.port), "root@127.0.0.1"]
        )
        let banner = try terminal.expect("> ")
        #expect(banner.contains("Welcome to the esa Email Security Appliance Shell"))
        try AutomationOverEndpointTests.importAndCommit(on: terminal)
        terminal.send("exit\r")
        #expect(try terminal.waitForExit() == 0)
        let listed2 = try sshd.ssh(key: alice, "certconfig list")
        #expect(
            listed2.stdout.contains("mail_cert") && listed2.stdout.contains("mail.example.com"),
            "\(listed2.stdout)"
        )

        // scp -O upload (0600, same bytes) and download, as automation does it.
        let payload = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let source = folder.appendingPathComponent("bundle.p12")
        try Data(payload).write(to: source)
        let upload = try sshd.scp(key: alice, [source.path, "root@127.0.0.1:/configuration/bundle.p12"])
        #expect(upload.status == 0, "\(upload.stderr)")
        let stored = data + "/configuration/bundle.p12"
        #expect(FileManager.default.contents(atPath: stored) == Data(payload))
        #expect((try FileManager.default.attributesOfItem(atPath: stored)[.posixPermissions] as? Int) == 0o600)
        let back = folder.appendingPathComponent("back.p12").path
        let download = try sshd.scp(key: rita, ["root@127.0.0.1:/configuration/bundle.p12", back])
        #expect(download.status == 0, "\(download.stderr)")
        #expect(FileManager.default.contents(atPath: back) == Data(payload))

        // Refused: a path outside /configuration, and any upload by a Read-Only Operator.
        let outside = try sshd.scp(key: alice, [source.path, "root@127.0.0.1:/etc/esa-test"])
        #expect(outside.status != 0 && outside.stderr.contains("Permission denied"), "\(outside.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/etc/esa-test"))
        let readOnly = try sshd.scp(key: rita, [source.path, "root@127.0.0.1:/configuration/rita.p12"])
        #expect(readOnly.status != 0, "\(readOnly.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data + "/configuration/rita.p12"))

        // certconfig EXPORT (the Demo profile) into /configuration over ssh exec, then the export
        // downloaded with scp -O, byte for byte the file on disk.
        let exported = try sshd.ssh(
            key: alice,
            "certconfig",
            input: "certificate\nexport\n1\ndemo_export.p12\nexport-pass\nexport-pass\nn\n\n\n"
        )
        #expect(exported.status == 0, "\(exported.stderr)")
        try AutomationOverEndpointTests.downloadMatchesExport(
            named: "demo_export.p12",
            in: URL(fileURLWithPath: data),
            into: folder,
            user: "root",
            passphrase: "export-pass",
            commonName: nil
        ) { try sshd.scp(key: rita, $0) }

        // Public-key login after sshconfig NEW + commit: sshd asks esa ssh-authorized-keys at every
        // login, so a key counts once committed, not while only staged.
        let otto = folder.appendingPathComponent("otto").path
        let made = try EndpointHarness.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", otto])
        #expect(made.status == 0, "\(made.stderr)")
        let ottoPublic = try String(contentsOfFile: otto + ".pub", encoding: .utf8).trimmingCharacters(in: .newlines)
        let staged = try EsaProcess.run([
            "--data-dir", data, "-c",
            "userconfig add otto \"Otto\" operator \(pass); sshconfig userkey new otto \"\(ottoPublic)\"",
        ])
        #expect(staged.status == 0, "\(staged.stderr)")
        #expect(try sshd.ssh(key: otto, "version").status == 255)
        let committed = try EsaProcess.run([
            "--data-dir", data, "-c",
            "userconfig add otto \"Otto\" operator \(pass); sshconfig userkey new otto \"\(ottoPublic)\"; commit \"otto\"",
        ])
        #expect(committed.status == 0, "\(committed.stderr)")
        let ottoLogin = try sshd.ssh(key: otto, "version")
        #expect(ottoLogin.status == 0, "\(ottoLogin.stderr)")
        #expect(ottoLogin.stdout.contains("Current Version"))

        // 50 concurrent exec sessions through sshd, each the same as esa -c gives it.
        let direct = try EsaProcess.run(["--data-dir", data, "--user", "alice", "-c", "version; nosuchcommand"])
        let running = try (0..<50).map { _ in
            try RunningProgram(
                "/usr/bin/ssh",
                sshd.options + ["-i", alice, "-p", String(Self.port), "root@127.0.0.1", "version; nosuchcommand"]
            )
        }
        for result in running.map({ $0.finish() }) {
            #expect(result.stdout == direct.stdout, "\(result.stderr)")
            #expect(result.status == direct.status, "\(result.stderr)")
        }
    }
}

/// `sshd -D -e -f {config}` on 127.0.0.1:{port} with an ed25519 host key of its own and the fragment
/// of Docs/SSH.md; stopped (SIGTERM) by `stop()`.
final class PrivateSSHD {
    let sshd: PseudoTerminal
    let port: Int

    init(folder: URL, esa: String, data: String, port: Int) async throws {
        self.port = port
        let hostKey = folder.appendingPathComponent("ssh_host_ed25519_key").path
        let made = try EndpointHarness.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey])
        guard made.status == 0 else { throw HarnessError("ssh-keygen: \(made.stderr)") }
        // The keys command as installed: a root-owned program in a root-owned folder.
        let keys = folder.appendingPathComponent("esa-authorized-keys").path
        try "#!/bin/sh\nexec '\(esa)' ssh-authorized-keys --data-dir '\(data)' --account root \"$@\"\n"
            .write(toFile: keys, atomically: true, encoding: .utf8)
        chmod(keys, 0o755)
        let config = folder.appendingPathComponent("sshd_config")
        try """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(hostKey)
        PidFile \(folder.path)/sshd.pid
        UsePAM no
        PermitRootLogin prohibit-password
        LogLevel VERBOSE
        MaxStartups 100:30:200

        """.appending(OpenSSHRouteTests.fragment(account: "root", keysCommand: keys))
            .write(to: config, atomically: true, encoding: .utf8)
        // sshd refuses to start without its privilege separation folder.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let check = try EndpointHarness.run("/usr/sbin/sshd", ["-t", "-f", config.path])
        guard check.status == 0 else { throw HarnessError("sshd -t: \(check.stderr)") }

        // On a terminal of its own (posix_spawn): Foundation's Process would block its reaper on sshd.
        // Its log goes to a file (-E), not to that terminal, which nobody reads once it listens: a
        // full terminal buffer would stop sshd at its next log line.
        let log = folder.appendingPathComponent("sshd.log").path
        sshd = try PseudoTerminal(executable: "/usr/sbin/sshd", arguments: ["-D", "-E", log, "-f", config.path])
        let deadline = ContinuousClock.now + .seconds(20)
        while !((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains(
            "Server listening on 127.0.0.1 port \(port)."
        ) {
            guard ContinuousClock.now < deadline else {
                kill(sshd.pid, SIGTERM)
                throw HarnessError("sshd did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    var options: [String] {
        [
            "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
        ]
    }

    func ssh(key: String, _ command: String, input: String = "") throws -> Finished {
        try EndpointHarness.run(
            "/usr/bin/ssh",
            options + ["-i", key, "-p", String(port), "root@127.0.0.1", command],
            input: input
        )
    }

    func scp(key: String, _ arguments: [String]) throws -> Finished {
        try EndpointHarness.run("/usr/bin/scp", ["-O"] + options + ["-i", key, "-P", String(port)] + arguments)
    }

    func stop() {
        kill(sshd.pid, SIGTERM)
        _ = try? sshd.waitForExit()
    }
}
