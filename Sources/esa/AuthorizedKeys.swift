import ApplianceConfig
import ArgumentParser
import Commands
import ConfigStore
import FoundationEssentials
import Shell

/// `esa ssh-authorized-keys {system user}`: OpenSSH's `AuthorizedKeysCommand` (ssh.md §1). One
/// system account carries every appliance user: for that account it prints each available user's
/// `sshconfig` keys, each forced to `esa --data-dir {D} --user {name}`, so the key decides who logs in.
struct SSHAuthorizedKeys: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh-authorized-keys",
        abstract: "Print the appliance users' SSH keys for OpenSSH's AuthorizedKeysCommand.",
        discussion: """
            sshd_config: AuthorizedKeysCommand /usr/local/bin/esa ssh-authorized-keys --data-dir /var/lib/esa \
            --account esa %u. For the system account named by --account, prints one authorized_keys line \
            per key of every available appliance user, forced to 'esa --data-dir D --user NAME'; for any \
            other account, no keys (a line on stderr says so) and status 0. Locked users get no lines. See Docs/SSH.md.
            """
    )

    @OptionGroup var data: DataDirectoryOption

    @Option(name: .long, help: "The system account that carries the appliance users.")
    var account = "esa"

    @Option(name: .long, help: "The esa program the keys are forced to (default: this program).")
    var esa: String?

    @Argument(help: "The system account sshd is authenticating (sshd's %u).")
    var systemUser: String

    func run() throws {
        let status = print()
        throw ExitCode(status.rawValue)
    }

    private func print() -> ExitStatus {
        guard systemUser == account else {
            // sshd reads no keys from an empty output; a status of 0 keeps its log free of a failed
            // command at every login of other accounts. stderr tells an admin trying it by hand.
            FileOutput.diagnose(
                "esa: No appliance users log in as the system account \(TerminalSafe.escaped(systemUser)) "
                    + "(they log in as \(TerminalSafe.escaped(account)), --account); no keys printed.\n"
            )
            return .success
        }
        let url =
            data.dataDir.map { URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL }
            ?? DataDirectory.defaultURL()
        let directory = DataDirectory(url: url)
        // A data directory not set up yet has no users with keys; nothing is created here.
        guard directory.isInitialised else { return .success }
        let program = esa ?? Programs.running
        for path in [program, url.path]
        where path.contains("'") || path.contains("\"") || path.unicodeScalars.contains(where: TerminalSafe.isControl) {
            return fail(
                "The path \(TerminalSafe.escaped(path)) cannot be put in a forced command (a quote or control character)."
            )
        }
        let configuration: ApplianceConfiguration
        do {
            let now: @Sendable () -> Date = { Date() }
            let store = try RevisionStore(
                path: directory.storePath,
                clock: now,
                createIfMissing: false,
                readOnly: true,
                sealer: SecretKeyFile(path: url.appendingPathComponent("secret.key").path)
            ) {
                throw ShellError.io("The configuration store of \(url.path) does not exist.")
            }
            configuration = try store.head().configuration
        } catch let error as StoreError {
            return fail(ErrorPresenter.message(error))
        } catch {
            return fail("The configuration store cannot be read: \(error).")
        }
        var text = ""
        for line in Self.lines(for: configuration, esa: program, dataDirectory: url.path) { text += line + "\n" }
        do {
            try FileOutput.writeStandardOutput(text)
        } catch {
            FileOutput.diagnose("esa: the keys cannot be written: \(error.message).\n")
            return .ioError
        }
        return .success
    }

    /// `restrict,pty,command="'{esa}' --data-dir '{D}' --user {name}" {key}` for every key of every
    /// available user (`restrict` turns off forwarding of every kind; `pty` allows a terminal again).
    static func lines(for configuration: ApplianceConfiguration, esa: String, dataDirectory: String) -> [String] {
        configuration.users.filter { !$0.locked && ApplianceUser.isValidName($0.name) }.flatMap { user in
            user.keys.compactMap { key -> String? in
                guard let parts = SSHKeyText.parts(key) else { return nil }
                let command = "'\(esa)' --data-dir '\(dataDirectory)' --user \(user.name)"
                let keyText = ([parts.type, parts.base64] + (parts.comment.isEmpty ? [] : [parts.comment]))
                    .joined(separator: " ")
                return "restrict,pty,command=\"\(command)\" \(keyText)"
            }
        }
    }

    private func fail(_ message: String) -> ExitStatus {
        FileOutput.diagnose("esa: \(message)\n")
        return .actionFailed
    }
}
