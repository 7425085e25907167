import ApplianceConfig
import Crypto
import Foundation
import Passphrases
import Service
import Shell
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The committed appliance users (ssh.md §3) as the endpoint's user directory: passphrases are
/// checked against the yescrypt hash of the newest committed configuration, keys are the user's
/// `sshconfig` keys; a locked user logs in with neither. The configuration is read afresh at every
/// login, so a commit in any shell counts from the next login on.
///
/// Failed logins per user are counted in `failures` (the data directory's record, shared with the
/// shell): after the account policy's number (`userconfig POLICY`, 5 by default) in a row, `lock` is
/// asked to lock the account (a commit of its own); a successful login or the lock starts the count
/// again.
public final class CommittedUsers: SSHUserDirectory, Sendable {
    private let configuration: @Sendable () -> ApplianceConfiguration?
    private let lock: @Sendable (_ user: String, _ failures: Int) -> Bool
    private let failures: LoginFailures

    /// - Parameters:
    ///   - configuration: the newest committed configuration.
    ///   - failures: the record of failed logins (normally the data directory's).
    ///   - lock: locks a user after too many failed logins; true when the lock was committed.
    public init(
        configuration: @escaping @Sendable () -> ApplianceConfiguration?,
        failures: LoginFailures = LoginFailures(path: nil),
        lock: @escaping @Sendable (_ user: String, _ failures: Int) -> Bool = { _, _ in false }
    ) {
        self.configuration = configuration
        self.failures = failures
        self.lock = lock
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

    public func passwordFailed(user: String, address: String) {
        // Only existing, available accounts are counted (a stranger's names would grow the record).
        guard let config = configuration(), let account = config.user(named: user), !account.locked else { return }
        let count = failures.failed(address: nil, user: user).user
        guard count >= config.userPolicy.maximumFailures else { return }
        if lock(user, count) { failures.forget(user: user) }
    }

    public func loginSucceeded(user: String) {
        failures.succeeded(address: nil, user: user)
    }
}

/// `esa serve`'s SSH part: the endpoint on the data directory of the service, authenticating the
/// committed users; failed logins are logged in the system log, slowed down per address and lock
/// the account after the policy's number in a row.
public struct SSHEndpointPart: ServicePart {
    public let name = "SSH endpoint"
    public var listen: ListenAddress
    /// The `esa` binary every session runs (normally the running binary itself).
    public var executable: String
    /// Locks an account after too many failed logins (a commit); true when it is locked.
    public var lock: @Sendable (_ user: String, _ failures: Int) -> Bool
    /// Told once the endpoint listens, with a line for the terminal.
    public var onListening: @Sendable (String) -> Void

    public init(
        listen: ListenAddress,
        executable: String,
        lock: @escaping @Sendable (_ user: String, _ failures: Int) -> Bool,
        onListening: @escaping @Sendable (String) -> Void
    ) {
        self.listen = listen
        self.executable = executable
        self.lock = lock
        self.onListening = onListening
    }

    public func run(_ context: ServiceContext) async throws {
        // The data directory's record of failed logins, shared with the shell (the OpenSSH route).
        let failures = LoginFailures(dataDirectory: context.dataDirectory.path)
        let endpoint = SSHEndpoint(
            configuration: .init(
                listen: listen,
                hostKeyFolder: context.dataDirectory.appendingPathComponent("ssh").path,
                command: SessionCommand(executable: executable, dataDirectory: context.dataDirectory.path),
                users: CommittedUsers(configuration: { context.current?.configuration }, failures: failures) {
                    user,
                    count in
                    guard lock(user, count) else { return false }
                    context.systemLog.append(
                        "Warning: PID \(getpid()): User \(user) locked after \(count) failed logins"
                    )
                    return true
                },
                log: { context.systemLog.append($0) }
            ),
            throttle: LoginThrottle(record: failures)
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
