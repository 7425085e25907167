import DomainNames

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
        case missingPolicy(in: PolicyUser, policy: String)
        case missingBounceProfile(String)
        case invalidUserName
        case duplicateUserName
        case noAdministrator
    }

    /// What names a policy in a Host Access Table.
    public enum PolicyUser: Sendable, Equatable {
        case senderGroup(String)
        case entry(members: [String])
        case all
    }
}

extension ApplianceConfiguration {
    /// The structural checks every commit runs (commit.md §8.3): references to certificate profiles,
    /// host names, unique names and addresses. Checks that need certificate parsing live with the
    /// certificate commands.
    public func validate() -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if !HostnameRules.isFQDN(hostname) {
            issues.append(.init(section: "sethostname", object: .named(hostname), .invalidHostName))
        }
        func checkProfile(_ name: String?, section: String, object: ValidationIssue.Subject) {
            guard let name, certificate(named: name) == nil else { return }
            issues.append(.init(section: section, object: object, .missingProfile(name)))
        }
        var seenProfiles = Set<String>()
        for profile in certificates where !seenProfiles.insert(profile.objectID).inserted {
            issues.append(.init(section: "certconfig", object: .named(profile.name), .duplicateProfile))
        }
        var seenNames = Set<String>()
        var seenAddresses = Set<String>()
        for interface in interfaces {
            let label = ValidationIssue.Subject.interface(interface.name)
            if !seenNames.insert(interface.objectID).inserted {
                issues.append(.init(section: "interfaceconfig", object: label, .duplicateInterface))
            }
            if !seenAddresses.insert(interface.address).inserted {
                issues.append(.init(section: "interfaceconfig", object: label, .addressTwice(interface.address)))
            }
            if !HostnameRules.isFQDN(interface.hostname) {
                issues.append(
                    .init(section: "interfaceconfig", object: label, .invalidInterfaceHostName(interface.hostname))
                )
            }
            if interface.httpsPort != nil {
                checkProfile(interface.httpsCertificate, section: "interfaceconfig", object: label)
            }
        }
        checkProfile(destinationDefaults.outboundCertificate, section: "destconfig", object: .destinationDefaults)
        checkProfile(ldap.certificate, section: "ldapconfig", object: .ldap)
        checkProfile(webSecurity.clientCertificate, section: "websecurityconfig", object: .webSecurity)
        var seenListeners = Set<String>()
        var seenEndpoints = Set<String>()
        for listener in listeners {
            let label = ValidationIssue.Subject.listener(listener.name)
            if !seenListeners.insert(listener.objectID).inserted {
                issues.append(.init(section: "listenerconfig", object: label, .duplicateListener))
            }
            if interface(named: listener.interface) == nil {
                issues.append(.init(section: "listenerconfig", object: label, .missingInterface(listener.interface)))
            }
            if !seenEndpoints.insert("\(listener.interface.lowercased()):\(listener.port)").inserted {
                issues.append(
                    .init(
                        section: "listenerconfig",
                        object: label,
                        .endpointTaken(interface: listener.interface, port: listener.port)
                    )
                )
            }
            checkProfile(listener.certificate, section: "listenerconfig", object: label)
            let policies = Set(listener.hostAccess.policies.map(\.name))
            for entry in listener.hostAccess.entries {
                if case .policy(let name) = entry.behavior, !policies.contains(name) {
                    let user =
                        entry.name.map { ValidationIssue.PolicyUser.senderGroup($0) } ?? .entry(members: entry.members)
                    issues.append(
                        .init(section: "listenerconfig", object: label, .missingPolicy(in: user, policy: name))
                    )
                }
            }
            if case .policy(let name) = listener.hostAccess.all, !policies.contains(name) {
                issues.append(.init(section: "listenerconfig", object: label, .missingPolicy(in: .all, policy: name)))
            }
        }
        for entry in destinations {
            if let profile = entry.bounceProfile, profile.lowercased() != "default" {
                issues.append(
                    .init(section: "destconfig", object: .named(entry.domain), .missingBounceProfile(profile))
                )
            }
        }
        var seenUsers = Set<String>()
        for user in users {
            let label = ValidationIssue.Subject.user(user.name)
            if !ApplianceUser.isValidName(user.name) {
                issues.append(.init(section: "userconfig", object: label, .invalidUserName))
            }
            if !seenUsers.insert(user.name).inserted {
                issues.append(.init(section: "userconfig", object: label, .duplicateUserName))
            }
        }
        if !users.contains(where: { $0.role == .administrator && !$0.locked }) {
            issues.append(.init(section: "userconfig", object: .users, .noAdministrator))
        }
        return issues
    }
}
