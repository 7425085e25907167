import DomainNames

/// A problem found by `validate()`: `Error: {section}: {object}: {problem}`.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    public var section: String
    public var object: String
    public var problem: String

    public init(section: String, object: String, problem: String) {
        self.section = section
        self.object = object
        self.problem = problem
    }

    public var description: String { "Error: \(section): \(object): \(problem)" }
}

extension ApplianceConfiguration {
    /// The structural checks every commit runs (commit.md §8.3): references to certificate profiles,
    /// host names, unique names and addresses. Checks that need certificate parsing live with the
    /// certificate commands.
    public func validate() -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if !HostnameRules.isFQDN(hostname) {
            issues.append(.init(section: "sethostname", object: hostname, problem: "invalid host name"))
        }
        func checkProfile(_ name: String?, section: String, object: String) {
            guard let name, certificate(named: name) == nil else { return }
            issues.append(
                .init(section: section, object: object, problem: "certificate profile \"\(name)\" does not exist")
            )
        }
        var seenProfiles = Set<String>()
        for profile in certificates where !seenProfiles.insert(profile.objectID).inserted {
            issues.append(.init(section: "certconfig", object: profile.name, problem: "duplicate profile name"))
        }
        var seenNames = Set<String>()
        var seenAddresses = Set<String>()
        for interface in interfaces {
            let label = "interface \"\(interface.name)\""
            if !seenNames.insert(interface.objectID).inserted {
                issues.append(.init(section: "interfaceconfig", object: label, problem: "duplicate interface name"))
            }
            if !seenAddresses.insert(interface.address).inserted {
                issues.append(
                    .init(
                        section: "interfaceconfig",
                        object: label,
                        problem: "address \(interface.address) is used twice"
                    )
                )
            }
            if !HostnameRules.isFQDN(interface.hostname) {
                issues.append(
                    .init(
                        section: "interfaceconfig",
                        object: label,
                        problem: "invalid host name \"\(interface.hostname)\""
                    )
                )
            }
            if interface.httpsPort != nil {
                checkProfile(interface.httpsCertificate, section: "interfaceconfig", object: label)
            }
        }
        checkProfile(destinationDefaults.outboundCertificate, section: "destconfig", object: "global settings")
        checkProfile(ldap.certificate, section: "ldapconfig", object: "LDAP")
        checkProfile(webSecurity.clientCertificate, section: "websecurityconfig", object: "web security")
        var seenListeners = Set<String>()
        var seenEndpoints = Set<String>()
        for listener in listeners {
            let label = "listener \"\(listener.name)\""
            if !seenListeners.insert(listener.objectID).inserted {
                issues.append(.init(section: "listenerconfig", object: label, problem: "duplicate listener name"))
            }
            if interface(named: listener.interface) == nil {
                issues.append(
                    .init(
                        section: "listenerconfig",
                        object: label,
                        problem: "interface \"\(listener.interface)\" does not exist"
                    )
                )
            }
            if !seenEndpoints.insert("\(listener.interface.lowercased()):\(listener.port)").inserted {
                issues.append(
                    .init(
                        section: "listenerconfig",
                        object: label,
                        problem: "another listener uses interface \"\(listener.interface)\" port \(listener.port)"
                    )
                )
            }
            checkProfile(listener.certificate, section: "listenerconfig", object: label)
            let policies = Set(listener.hostAccess.policies.map(\.name))
            for entry in listener.hostAccess.entries {
                if case .policy(let name) = entry.behavior, !policies.contains(name) {
                    let what =
                        entry.name.map { "sender group \"\($0)\"" }
                        ?? "entry \"\(entry.members.joined(separator: ", "))\""
                    issues.append(
                        .init(
                            section: "listenerconfig",
                            object: label,
                            problem: "\(what) names a missing policy \"$\(name)\""
                        )
                    )
                }
            }
            if case .policy(let name) = listener.hostAccess.all, !policies.contains(name) {
                issues.append(
                    .init(section: "listenerconfig", object: label, problem: "ALL names a missing policy \"$\(name)\"")
                )
            }
        }
        var seenDomains = Set<String>()
        for entry in destinations {
            if !seenDomains.insert(entry.objectID).inserted {
                issues.append(.init(section: "destconfig", object: entry.domain, problem: "duplicate destination"))
            }
            if let profile = entry.bounceProfile, profile.lowercased() != "default" {
                issues.append(
                    .init(
                        section: "destconfig",
                        object: entry.domain,
                        problem: "bounce profile \"\(profile)\" does not exist"
                    )
                )
            }
        }
        var seenUsers = Set<String>()
        for user in users {
            let label = "user \"\(user.name)\""
            if !ApplianceUser.isValidName(user.name) {
                issues.append(.init(section: "userconfig", object: label, problem: "invalid user name"))
            }
            if !seenUsers.insert(user.name).inserted {
                issues.append(.init(section: "userconfig", object: label, problem: "duplicate user name"))
            }
        }
        if !users.contains(where: { $0.role == .administrator && !$0.locked }) {
            issues.append(
                .init(section: "userconfig", object: "users", problem: "at least one available Administrator is needed")
            )
        }
        return issues
    }
}
