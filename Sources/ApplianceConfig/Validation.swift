/// A problem found by `validate()`: the command that owns the section, the object and what is
/// wrong with it, as codes carrying names. `ErrorPresenter` (Shell) writes the administrator's line,
/// `Error: {section}: {object}: {problem}`.
public struct ValidationIssue: Sendable, Equatable {
    /// The command that edits the section (`listenerconfig`).
    public var section: String
    public var object: Subject
    public var code: Code

    public init(section: String, object: Subject, _ code: Code) {
        self.section = section
        self.object = object
        self.code = code
    }

    /// The object an issue is about.
    public enum Subject: Sendable, Hashable {
        /// Shown as it is: the host name, a certificate profile's name, a destination's domain.
        case named(String)
        case interface(String)
        case listener(String)
        case user(String)
        case destinationDefaults
        case ldap
        case webSecurity
        case tlsLogging
        case users
    }

    /// What is wrong.
    public enum Code: Sendable, Equatable {
        case invalidHostName
        case missingProfile(String)
        case duplicateProfile
        case duplicateInterface
        case addressTwice(String)
        case invalidInterfaceHostName(String)
        case duplicateListener
        case missingInterface(String)
        case endpointTaken(interface: String, port: Int)
        /// A Host Access Table names a policy it does not define (the name without `$`).
        case missingPolicy(in: HostAccessReference, policy: PolicyName)
        case missingBounceProfile(String)
        case invalidUserName
        case duplicateUserName
        case noAdministrator
    }
}

extension ApplianceConfiguration {
    /// The structural checks every commit runs (commit.md §8.3): references to certificate profiles
    /// and interfaces, host names, unique names and addresses — each section's checks as declared in
    /// `table`, section by section. Checks that need certificate parsing live with the certificate
    /// commands.
    public func validate() -> [ValidationIssue] {
        Self.table.flatMap { $0.issues(self) }
    }
}
