import ApplianceConfig
import Shell

/// `ldapconfig` (other-commands.md §4): LDAP server profiles are out of scope; SETUP chooses the
/// client certificate LDAP connections present (seed-guide.md SG-18).
public struct LDAPConfigCommand: ShellCommand {
    public let name = "ldapconfig"
    public let summary = "Configure LDAP servers."
    public let requiresCommit = true
    public let batchSyntax = ["ldapconfig setup --certificate={profile}"]
    public let completions = ["setup", "--certificate="]

    static let usage = "Usage: ldapconfig setup --certificate={profile}"

    public init() {}

    enum Operation: Sendable {
        case setup
    }

    public func run(_ arguments: [String], in session: Session) throws {
        guard arguments.isEmpty else { return try runBatch(arguments, in: session) }
        try session.dialog.run { _ in
            Menu(
                status: ["No LDAP server configurations."],
                [MenuItem("SETUP", "Configure LDAP options.", Operation.setup)]
            )
        } perform: { operation in
            switch operation {
            case .setup: try setup(in: session)
            }
            return .stay
        }
    }

    private func setup(in session: Session) throws {
        let chosen = try ServiceCertificateChoice.ask(
            ["Choose the certificate:"],
            current: session.configuration.ldap.certificate,
            in: session
        )
        session.stage { $0.ldap.certificate = chosen }
    }

    private func runBatch(_ arguments: [String], in session: Session) throws {
        let parsed: BatchArguments
        do {
            parsed = try BatchArguments(arguments, valued: ["certificate"])
        } catch {
            throw ShellError.invalidInput("\(Self.usage)\n\(error.message)")
        }
        guard parsed.positional.count == 1, parsed.positional[0].lowercased() == "setup" else {
            let words = parsed.positional.joined(separator: " ")
            throw ShellError.invalidInput("\(Self.usage)\nUnknown operation \"\(words)\".")
        }
        guard let name = parsed.options["certificate"] else {
            throw ShellError.invalidInput("\(Self.usage)\nThe option \"--certificate\" is required.")
        }
        let profile = try ServiceCertificateChoice.resolve(name, in: session)
        ServiceCertificateChoice.warnIfDemo(profile, in: session)
        session.stage { $0.ldap.certificate = profile }
    }
}
