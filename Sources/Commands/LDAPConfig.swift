import ApplianceConfig
import Shell

/// `ldapconfig` (other-commands.md §4): LDAP server profiles are out of scope; SETUP chooses the
/// client certificate LDAP connections present (seed-guide.md SG-18).
public struct LDAPConfigCommand: DeclaredCommand {
    static let certificate = BatchOption("certificate", .profileName, required: true)

    public let grammar = Grammar(
        CommandConfiguration("ldapconfig", summary: "Configure LDAP servers.", requiresCommit: true),
        interactive: { try LDAPConfigCommand.menu($0) },
        Form("setup", usage: "ldapconfig setup --certificate={profile}", .option(LDAPConfigCommand.certificate)) {
            values,
            session in
            let profile = values[LDAPConfigCommand.certificate] ?? ""
            ServiceCertificateChoice.warnIfDemo(profile, in: session)
            session.stage { $0.ldap.certificate = profile }
        }
    )

    private static func menu(_ session: Session) throws {
        try session.dialog.run { _ in
            Menu(
                status: ["No LDAP server configurations."],
                [MenuItem("SETUP", "Configure LDAP options.") { try setup(in: session) }]
            )
        }
    }

    private static func setup(in session: Session) throws {
        let chosen = try ServiceCertificateChoice.ask(
            ["Choose the certificate:"],
            current: session.configuration.ldap.certificate,
            in: session
        )
        session.stage { $0.ldap.certificate = chosen }
    }
}
