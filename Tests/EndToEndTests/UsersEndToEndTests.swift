import Foundation
import TestSupport
import Testing

/// Appliance users through the built binary: `--user NAME` selects the user whose role applies.
@Suite struct UsersEndToEndTests {
    static let denied = "You are not in the correct access group to use this command."

    @Test func rolesApplyToCommandsAndToScpAndTheSystemLogRecordsBatchCommands() throws {
        let data = try TemporaryDirectory()
        let esa = ["--data-dir", data.url.path]
        // The local operator (no --user) creates a Read-Only Operator; the passphrase stays out of logs.
        let created = try EsaProcess.run(
            esa + ["-c", "userconfig add ro \"Read Only\" readonly Watch-7-Tower; commit \"ro\""]
        )
        #expect(created.status == 0, "\(created.stderr)")

        let staged = try EsaProcess.run(esa + ["--user", "ro", "-c", "version; sethostname a.example.com"])
        #expect(staged.status == 3)
        #expect(staged.stdout.contains("Current Version"))
        #expect(staged.stderr == "line 2: \(Self.denied)\n")

        let stranger = try EsaProcess.run(esa + ["--user", "nobody", "-c", "version"])
        #expect(stranger.status == 3)
        #expect(stranger.stderr == "esa: Access denied for nobody.\n")

        let log = try data.readText("logs/system.log")
        #expect(log.contains("User ro executed batch command: sethostname a.example.com"), "\(log)")
        #expect(log.contains("executed batch command: userconfig add ro \"Read Only\" readonly *****"), "\(log)")
        #expect(!log.contains("Watch-7-Tower"))
        #expect(!(try data.readText("logs/audit.log")).contains("Watch-7-Tower"))

        guard MachineRequirement.met(unless: [SCPClient.unavailable].compactMap { $0 }) else { return }
        let scp = try SCPClient(dataDirectory: data.url, extraArguments: ["--user", "ro"])
        let local = try TemporaryDirectory()
        let file = try local.write("cert.p12", "not really\n")
        let upload = try scp.run([file, "esa:/configuration/cert.p12"])
        #expect(upload.status != 0)
        #expect(upload.stderr.contains("scp: /configuration/cert.p12: Permission denied"), "\(upload.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data.path("configuration/cert.p12")))
        try data.write("configuration/notes.txt", "readable\n")
        let download = try scp.run(["esa:/configuration/notes.txt", local.path("notes.txt")])
        #expect(download.status == 0, "\(download.stderr)")
        #expect(try local.readText("notes.txt") == "readable\n")
    }

    @Test func theFactoryAdminMustChangeThePassphraseFirst() throws {
        let data = try TemporaryDirectory()
        let esa = ["--data-dir", data.url.path, "--user", "admin"]
        let refused = try EsaProcess.run(esa + ["-c", "sethostname mail.example.com"])
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("change the default passphrase"))
        let changed = try EsaProcess.run(
            esa + ["-c", "passwd; sethostname mail.example.com; commit renamed"],
            input: "ironport\nn\nFresh-42-Gate\nFresh-42-Gate\n"
        )
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(changed.stdout.contains("Changes committed: "))
    }

    /// `esa ssh-authorized-keys` (OpenSSH's AuthorizedKeysCommand): the carrying account gets each
    /// user's key forced to `--user NAME`; any other account gets no keys and status 0 (sshd reads
    /// an empty list and logs no failed command), with one line on stderr naming the account.
    @Test func authorizedKeysForAnotherAccountPrintNoKeysAndSaySo() throws {
        let data = try TemporaryDirectory()
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@laptop"
        let made = try EsaProcess.run([
            "--data-dir", data.url.path, "-c",
            "userconfig add ops \"Ops\" operator Watch-7-Tower; sshconfig userkey new ops \"\(key)\"; commit keys",
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let keys = ["ssh-authorized-keys", "--data-dir", data.url.path, "--esa", "/usr/local/bin/esa"]

        let carried = try EsaProcess.run(keys + ["esa"])
        #expect(carried.status == 0)
        #expect(carried.stderr.isEmpty)
        #expect(
            carried.stdout
                == "restrict,pty,command=\"'/usr/local/bin/esa' --data-dir '\(data.url.path)' --user ops\" \(key)\n"
        )

        let other = try EsaProcess.run(keys + ["www-data"])
        #expect(other.status == 0)
        #expect(other.stdout.isEmpty)
        #expect(
            other.stderr
                == "esa: No appliance users log in as the system account www-data (they log in as esa, --account); "
                + "no keys printed.\n"
        )
        // A name sshd passes is shown escaped, never with its control characters.
        let odd = try EsaProcess.run(keys + ["x\u{1b}[2Jy"])
        #expect(odd.status == 0 && odd.stdout.isEmpty)
        #expect(odd.stderr.hasPrefix("esa: No appliance users log in as the system account x\\x1b[2Jy "))

        // A path that cannot be quoted in a forced command is refused, nothing printed.
        let quoted = try EsaProcess.run([
            "ssh-authorized-keys", "--data-dir", data.url.path, "--esa", "/opt/it's/esa", "esa",
        ])
        #expect(quoted.status == 3)
        #expect(quoted.stdout.isEmpty)
        #expect(
            quoted.stderr
                == "esa: The path /opt/it's/esa cannot be put in a forced command (a quote or control character).\n"
        )
    }
}
