import NIOCore
import NIOPosix
import NIOSSH
import Passphrases
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who may log in through the endpoint: the committed appliance users (ssh.md §3).
///
/// The endpoint calls these on its own thread pool, never on an event loop, so they may block
/// (a yescrypt hash takes tens of milliseconds).
public protocol SSHUserDirectory: Sendable {
    /// Whether `password` is the passphrase of `user` and the account may log in. For an unknown
    /// user this should take about as long as for a known one (hash against a dummy).
    func verifyPassword(_ password: String, user: String) -> Bool
    /// The OpenSSH public key lines (`ssh-ed25519 AAAA… comment`) that log in as `user`; none for an
    /// unknown or locked user.
    func publicKeys(user: String) -> [String]
    /// A wrong password for `user` from `address` (the user may not exist); may lock the account.
    func passwordFailed(user: String, address: String)
    /// `user` logged in (with a password or a key): their count of failed logins starts again.
    func loginSucceeded(user: String)
}

extension SSHUserDirectory {
    public func passwordFailed(user: String, address: String) {}
    public func loginSucceeded(user: String) {}
}

/// Failed password logins per client address (ssh.md §3): the answer to the 4th failure and every
/// later one from the same address comes after a delay that doubles (1 s, 2 s, 4 s … at most
/// 30 s). An address is forgotten after 15 minutes without a failure, or after a successful login.
/// The counts are kept in `record`: `esa serve` gives it the data directory's record of failed
/// logins, which the shell (the OpenSSH route) shares, so a restart or another route counts on.
public final class LoginThrottle: Sendable {
    public let record: LoginFailures

    /// - Parameter record: where failures are counted (by default in memory, for this endpoint only).
    public init(record: LoginFailures = LoginFailures(path: nil)) {
        self.record = record
    }

    /// Records a failure from `address`; returns how long to wait before answering it.
    public func failed(from address: String) -> TimeAmount {
        let count = record.failed(address: address, user: nil).address
        return .seconds(Int64(LoginFailures.delaySeconds(afterFailures: count)))
    }

    /// A successful login from `address` clears its failures.
    public func succeeded(from address: String) {
        record.succeeded(address: address, user: nil)
    }
}

/// One connection's authentication: password and public key against the user directory. Never tells
/// the client whether a user exists: an unknown user fails exactly like a wrong password.
final class UserAuthentication: NIOSSHServerUserAuthenticationDelegate, Sendable {
    let directory: any SSHUserDirectory
    let throttle: LoginThrottle
    let pool: NIOThreadPool
    let log: @Sendable (String) -> Void
    let address: String
    /// The user name that logged in, once one did.
    let authenticated = Mutex<String?>(nil)

    init(
        directory: any SSHUserDirectory,
        throttle: LoginThrottle,
        pool: NIOThreadPool,
        log: @escaping @Sendable (String) -> Void,
        address: String
    ) {
        self.directory = directory
        self.throttle = throttle
        self.pool = pool
        self.log = log
        self.address = address
    }

    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods { [.publicKey, .password] }

    func requestReceived(
        request: NIOSSHUserAuthenticationRequest,
        responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>
    ) {
        let user = request.username
        let loop = responsePromise.futureResult.eventLoop
        switch request.request {
        case .password(let password):
            let directory = self.directory
            let address = self.address
            let log = self.log
            let throttle = self.throttle
            // The check, the record of failures (a file) and the lock all run on the pool; the answer
            // to a failure waits on the event loop.
            pool.runIfActive(eventLoop: loop) { () -> TimeAmount? in
                if directory.verifyPassword(password.password, user: user) {
                    directory.loginSucceeded(user: user)
                    throttle.succeeded(from: address)
                    return nil
                }
                log("Warning: PID \(getpid()): User \(Self.printable(user)) failed authentication from \(address)")
                directory.passwordFailed(user: user, address: address)
                return throttle.failed(from: address)
            }.whenComplete { result in
                switch result {
                case .success(nil):
                    self.succeed(user, responsePromise)
                case .success(let delay?) where delay > .zero:
                    loop.scheduleTask(in: delay) { responsePromise.succeed(.failure) }
                default:
                    responsePromise.succeed(.failure)
                }
            }
        case .publicKey(let offered):
            // NIOSSH has checked the signature; what is left is whether the key belongs to the user.
            let directory = self.directory
            let address = self.address
            let throttle = self.throttle
            pool.runIfActive(eventLoop: loop) {
                let known = directory.publicKeys(user: user).contains { line in
                    (try? NIOSSHPublicKey(openSSHPublicKey: line)) == offered.publicKey
                }
                if known {
                    directory.loginSucceeded(user: user)
                    throttle.succeeded(from: address)
                }
                return known
            }.whenComplete { result in
                if case .success(true) = result {
                    self.succeed(user, responsePromise)
                } else {
                    responsePromise.succeed(.failure)
                }
            }
        default:
            responsePromise.succeed(.failure)
        }
    }

    private func succeed(_ user: String, _ promise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>) {
        authenticated.withLock { $0 = user }
        promise.succeed(.success)
    }

    /// A user name as the log shows it: printable ASCII without spaces, at most 64 characters (a
    /// client chooses it; it must not forge or break log lines).
    static func printable(_ name: String) -> String {
        let cleaned = name.unicodeScalars.prefix(64).map { scalar -> Character in
            (0x21...0x7e).contains(scalar.value) ? Character(scalar) : "?"
        }
        return cleaned.isEmpty ? "?" : String(cleaned)
    }
}
