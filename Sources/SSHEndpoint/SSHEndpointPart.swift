import ApplianceConfig
import Crypto
import Passphrases
import Service

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The committed appliance users (ssh.md §3) as the endpoint's user directory: passphrases are
/// checked against the yescrypt hash of the newest committed configuration, keys are the user's
/// `sshconfig` keys; a locked user logs in with neither. A commit in any shell reaches it with the
/// next snapshot of the store watcher.
public struct CommittedUsers: SSHUserDirectory {
    private let configuration: @Sendable () -> ApplianceConfiguration?

    public init(configuration: @escaping @Sendable () -> ApplianceConfiguration?) {
        self.configuration = configuration
    }

    private func account(_ name: String) -> ApplianceUser? {
        guard let user = configuration()?.user(named: name), !user.locked else { return nil }
        return user
    }

    public func verifyPassword(_ password: String, user: String) -> Bool {
        guard let account = account(user) else {
            // As long as a real check: the answer time tells nothing about the user's existence.
            _ = Passphrase.verify(password, against: ApplianceUser.factoryHash)
            return false
        }
        return Passphrase.verify(password, against: account.passphraseHash)
    }

    public func publicKeys(user: String) -> [String] {
        account(user)?.keys ?? []
    }
}

/// `esa serve`'s SSH part: the endpoint on the data directory of the service, authenticating the
/// committed users, its failed logins in the system log.
public struct SSHEndpointPart: ServicePart {
    public let name = "SSH endpoint"
    public var listen: ListenAddress
    /// The `esa` binary every session runs (normally the running binary itself).
    public var executable: String
    /// Told once the endpoint listens, with a line for the terminal.
    public var onListening: @Sendable (String) -> Void

    public init(listen: ListenAddress, executable: String, onListening: @escaping @Sendable (String) -> Void) {
        self.listen = listen
        self.executable = executable
        self.onListening = onListening
    }

    public func run(_ context: ServiceContext) async throws {
        let endpoint = SSHEndpoint(
            configuration: .init(
                listen: listen,
                hostKeyFolder: context.dataDirectory.appendingPathComponent("ssh").path,
                command: SessionCommand(executable: executable, dataDirectory: context.dataDirectory.path),
                users: CommittedUsers { context.latest?.configuration },
                log: { context.systemLog.append($0) }
            )
        )
        try await endpoint.run { port, hostKeys in
            let fingerprints = hostKeys.publicKeys.map(Self.fingerprint).joined(separator: ", ")
            let address = ListenAddress(host: listen.host, port: port)
            onListening("the SSH endpoint listens on \(address) (host keys \(fingerprints)).")
        }
    }

    /// OpenSSH's `SHA256:…` fingerprint of a public key line (`ssh-keygen -l`).
    static func fingerprint(_ line: String) -> String {
        let fields = line.split(separator: " ")
        guard fields.count >= 2, let blob = Data(base64Encoded: String(fields[1])) else { return line }
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }
}
