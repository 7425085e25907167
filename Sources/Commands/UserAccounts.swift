import ApplianceConfig
import ConfigStore
import FoundationEssentials
import Passphrases
import Shell

#if canImport(Glibc)
import Glibc
import TextSupport
#endif

/// Rules and steps shared by `userconfig`, `passwd` and `sshconfig` (ssh.md §3).
enum UserAccounts {
    /// The role list of NEW and EDIT (**exact**).
    static var roleLines: [String] { UserRole.allCases.map { "\($0.plural) - \($0.listDescription)" } }

    /// Text from the configuration shown on a terminal: control characters become `?`.
    static func printable(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "?" : $0 }
            )
        )
    }

    /// Why a new passphrase is refused, or nil when it is acceptable.
    static func problem(with passphrase: String, user: String, policy: UserPolicy) -> String? {
        if passphrase.count < policy.minimumLength {
            return "The passphrase must be at least \(policy.minimumLength) characters long."
        }
        let scalars = Array(passphrase.lowercased().unicodeScalars.map(\.value))
        if scalars.count >= 3 {
            for index in 2..<scalars.count {
                let (a, b, c) = (scalars[index - 2], scalars[index - 1], scalars[index])
                let repeated = a == b && b == c
                let ascending = b == a &+ 1 && c == b &+ 1
                let descending = b == a &- 1 && c == b &- 1
                if repeated || ascending || descending {
                    return "The passphrase must not contain three or more repetitive or sequential characters."
                }
            }
        }
        if isVariation(passphrase, of: user) {
            return "The passphrase must not be a username or one of its variations."
        }
        return nil
    }

    /// The user name itself, reversed, in other case, with digits or symbols around it, or inside.
    private static func isVariation(_ passphrase: String, of user: String) -> Bool {
        let lower = passphrase.lowercased()
        let name = user.lowercased()
        guard !name.isEmpty else { return false }
        let core = lower.trimming(where: { !$0.isLetterOrMark })
        let reversed = String(name.reversed())
        return core == name || core == reversed
            || (name.count >= 3 && (lower.contains(name) || lower.contains(reversed)))
    }

    /// A system generated passphrase that meets the rules: 12 characters from an unambiguous alphabet.
    static func generate(for user: String, policy: UserPolicy) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.!")
        while true {
            let length = max(12, policy.minimumLength)
            let candidate = String((0..<length).map { _ in alphabet.randomElement()! })
            if problem(with: candidate, user: user, policy: policy) == nil { return candidate }
        }
    }

    /// Asks for a new passphrase twice (hidden), or offers a generated one; returns its hash.
    /// `first` and `again` are the prompts of the dialog that asks.
    static func askNewPassphrase(
        _ session: Session,
        user: String,
        first: [String],
        again: [String],
        allowKeep: Bool = false
    ) throws -> String? {
        let dialog = session.dialog
        let policy = session.configuration.userPolicy
        if try dialog.yesNo("Would you like to get a system generated passphrase?", default: false) {
            let generated = generate(for: user, policy: policy)
            dialog.block("This is your system generated passphrase: \(generated)")
            guard try dialog.yesNo(continuing: "Do you want to use this passphrase?", default: true) else { return nil }
            return try hash(generated)
        }
        dialog.block(Array(first.dropLast()))
        let passphrase = try dialog.secret(first.last ?? "> ")
        if passphrase.isEmpty {
            if allowKeep { return nil }
            throw ShellError.invalidInput("A passphrase is required.")
        }
        if let problem = problem(with: passphrase, user: user, policy: policy) {
            throw ShellError.invalidInput(problem)
        }
        dialog.lines(Array(again.dropLast()))
        let repeated = try dialog.secret(again.last ?? "> ")
        guard repeated == passphrase else { throw ShellError.invalidInput("The passphrases do not match.") }
        return try hash(passphrase)
    }

    static func hash(_ passphrase: String) throws -> String {
        do {
            return try Passphrase.hash(passphrase)
        } catch {
            throw ShellError.actionFailed("The passphrase could not be stored: \(error).")
        }
    }

    /// `Enter your Passphrase to make changes:` (**exact**, hidden): the logged-in user's own
    /// passphrase before any change to users. The local operator (no `--user`) is not asked.
    static func confirmIdentity(_ session: Session) throws {
        guard let user = session.currentUser else { return }
        session.dialog.block("Enter your Passphrase to make changes:")
        let typed = try session.dialog.secret("")
        try LoginGuard(session).check(typed, for: user, failure: "Incorrect passphrase.")
    }

    /// Commits one user change at once, apart from the session's pending changes (`passwd`, locks).
    static func commitNow(
        _ session: Session,
        comment: String,
        change: @escaping (inout ApplianceConfiguration) -> Void
    ) throws {
        let store = session.store
        do {
            let head = try store.head()
            var updated = head.configuration
            change(&updated)
            let outcome = try store.commit(
                updated,
                base: head.info.number,
                user: session.environment.user,
                method: CommitMethod(session.environment.mode),
                comment: comment,
                rollbackPoint: false,
                validate: CommitFlow.validate
            )
            switch outcome {
            case .committed(let info, let configuration, _):
                session.adoptImmediateCommit(info, configuration, applying: change)
            case .nothingToCommit:
                return
            case .invalid(let problems):
                throw ShellError.actionFailed(problems.joined(separator: "\n"))
            case .conflict:
                throw ShellError.actionFailed("The change could not be stored; please try again.")
            }
        } catch let error as StoreError {
            throw ShellError.actionFailed(ErrorPresenter.message(error))
        }
    }
}

/// Failed passphrase checks: logged with the address, slowed down after three failures from one
/// address, and the account locked after the policy's number of failures (ssh.md §3). The counts
/// are the data directory's one record of failed logins (`LoginFailures`, `logs/auth-failures.json`),
/// shared with other sessions and with the embedded endpoint of `esa serve`.
struct LoginGuard {
    let session: Session

    init(_ session: Session) { self.session = session }

    /// The client address of this session (`SSH_CLIENT`), or `127.0.0.1`.
    static var address: String {
        let client = ProcessInfo.processInfo.environment["SSH_CLIENT"] ?? ""
        return client.split(separator: " ").first.map(String.init) ?? "127.0.0.1"
    }

    private var failures: LoginFailures { LoginFailures(dataDirectory: session.environment.dataDirectory.path) }

    /// Verifies `typed` against the user's hash; on failure logs, waits, may lock, and throws `failure`.
    func check(_ typed: String, for user: ApplianceUser, failure: String) throws {
        let address = Self.address
        let failures = self.failures
        if Passphrase.verify(typed, against: user.passphraseHash) {
            failures.succeeded(address: address, user: user.name)
            return
        }
        let (byAddress, byUser) = failures.failed(address: address, user: user.name)
        SystemLog(session).append(
            "Warning: \(SystemLog.pid): User \(user.name) failed authentication from \(address)"
        )
        if byUser >= session.configuration.userPolicy.maximumFailures {
            // Validation keeps the last available Administrator from being locked.
            let name = user.name
            let locked: Void? = try? UserAccounts.commitNow(session, comment: "\(name) locked after failed logins") {
                config in
                if let index = config.users.index(ofID: name) { config.users[index].locked = true }
            }
            if locked != nil {
                failures.forget(user: name)
                SystemLog(session).append(
                    "Warning: \(SystemLog.pid): User \(name) locked after \(byUser) failed logins"
                )
            }
        }
        let wait = LoginDelay.after(byAddress)
        if wait > 0 { sleep(UInt32(wait)) }
        throw ShellError.actionFailed(failure)
    }
}

/// How long a failed login from one address is answered late (ssh.md §3).
public enum LoginDelay {
    /// Seconds to wait after the `count`-th consecutive failure from one address: none for the first
    /// three, then 1, 2, 4 … up to 30.
    public static func after(_ count: Int) -> Int { LoginFailures.delaySeconds(afterFailures: count) }
}

/// Locking an account from outside a shell session: `esa serve`'s SSH endpoint after too many failed
/// logins (ssh.md §3).
public enum AccountLockout {
    /// Locks `name` in a commit of its own on top of the head (method `lockout`). False when there
    /// is no such available user, or validation refuses it (the last available Administrator is
    /// never locked), or the store cannot be written.
    public static func lock(_ name: String, in store: RevisionStore, failures: Int) -> Bool {
        for _ in 0..<3 {
            guard let head = try? store.head(),
                let index = head.configuration.users.index(ofID: name),
                !head.configuration.users[index].locked
            else { return false }
            var updated = head.configuration
            updated.users[index].locked = true
            let outcome = try? store.commit(
                updated,
                base: head.info.number,
                user: name,
                method: .lockout,
                comment: "\(name) locked after \(failures) failed logins",
                rollbackPoint: false,
                validate: CommitFlow.validate
            )
            switch outcome {
            case .committed: return true
            case .conflict: continue  // another commit came first: try again on the new head
            default: return false
            }
        }
        return false
    }
}

extension UserRole {
    /// As the CLI names it: `Administrators`.
    var plural: String {
        switch self {
        case .administrator: "Administrators"
        case .operator: "Operators"
        case .readOnlyOperator: "Read-Only Operators"
        case .guest: "Guests"
        }
    }

    /// The line of the role list (**exact**).
    var listDescription: String {
        switch self {
        case .administrator: "Administrators have full access to all settings of the system."
        case .operator: "Operators are restricted from creating new user accounts."
        case .readOnlyOperator: "Read-Only operators may only view settings and status information."
        case .guest: "Guest users may only view status information."
        }
    }
}
