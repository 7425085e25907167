import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell

/// `certconfig` (certconfig.md): certificate profiles, the CA lists. Interactive menus, plus the
/// batch forms `list`, `print` and `expiring [DAYS]` (§13).
public struct CertConfigCommand: DeclaredCommand {
    static let days = Positional.optional(
        "days",
        .number("{days}", 0...36500) { _ in "The number of days must be a number from 0 to 36500." }
    )

    public let grammar = Grammar(
        CommandConfiguration(
            "certconfig",
            summary: "Configure security certificates and keys.",
            requiresCommit: true,
            viewingForms: ["list", "print", "expiring"]
        ),
        style: .joined,
        interactive: { try CertConfigMenu.top($0) },
        Form("list", usage: "certconfig list") { _, session in CertConfigBatch.list(session) },
        Form("print", usage: "certconfig print") { _, session in CertConfigBatch.printBindings(session) },
        Form("expiring", usage: "certconfig expiring [{days}]", .argument(CertConfigCommand.days)) { values, session in
            try CertConfigBatch.expiring(days: values[CertConfigCommand.days] ?? 30, session)
        }
    )
}

/// The certconfig menus (§2); each operation's dialog lives in its own file.
enum CertConfigMenu {
    static func top(_ session: Session) throws {
        try session.dialog.run { _ in
            Menu([
                MenuItem("CERTIFICATE", "Import, Create a request, Edit or Remove Certificate Profiles") {
                    try certificates(session)
                },
                MenuItem("CERTAUTHORITY", "Manage System and Customer CAs") { try CertAuthorityMenu.run(session) },
                MenuItem("CRL", "Manage Certificate Revocation Lists") { try CertConfigCRL.run(session) },
            ])
        }
    }

    static func certificates(_ session: Session) throws {
        try session.dialog.run { _ in
            Menu(
                status: CertificateList.lines(session.configuration, now: session.clock.now()),
                [
                    MenuItem("IMPORT", "Import a certificate from a local PKCS#12 file") {
                        try CertConfigImport.importFile(session)
                    },
                    MenuItem("PASTE", "Paste a certificate into the CLI") { try CertConfigImport.paste(session) },
                    MenuItem("NEW", "Create a self-signed certificate and CSR") { try CertConfigNew.run(session) },
                    MenuItem("EDIT", "Update certificate or view the signing request") {
                        try CertConfigEdit.run(session)
                    },
                    MenuItem("EXPORT", "Export a certificate") { try CertConfigExport.run(session) },
                    MenuItem("DELETE", "Remove a certificate") { try CertConfigServices.delete(session) },
                    MenuItem("PRINT", "View certificates assigned to services") { CertConfigServices.print(session) },
                ]
            )
        }
    }
}

/// Shared helpers of the certconfig dialogs.
enum CertConfigSupport {
    /// Profile names: letters, digits, `_`, `-`; 1–64 characters (§1).
    static func checkProfileName(_ name: String) -> Result<String, ShellError> {
        let allowed = name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-"
        }
        guard allowed else { return .failure(.invalidInput("Symbols are not allowed in the profile name.")) }
        guard name.count <= 64 else {
            return .failure(.invalidInput("The profile name must be at most 64 characters."))
        }
        return .success(name)
    }

    /// The name question of IMPORT, PASTE and NEW, with the overwrite question for an existing name.
    /// Returns the name to store under (the existing spelling when replacing), or nil when the
    /// admin declines to overwrite.
    static func askProfileName(_ session: Session) throws -> (name: ProfileName, replacing: Bool)? {
        let name = try session.dialog.askBare(
            ["Enter a name for this certificate profile:"],
            format: AnswerFormat(
                "A profile name of 1 to 64 letters, digits, \"_\" and \"-\"; an existing name replaces that profile.",
                check: checkProfileName
            )
        )
        guard let existing = session.configuration.certificate(named: name) else { return (ProfileName(name), false) }
        let overwrite = try session.dialog.yesNo(
            [
                "Certificate profile \"\(existing.name)\" already exists. Do you want to",
                "overwrite with this new one?",
            ],
            default: false
        )
        return overwrite ? (existing.name, true) : nil
    }

    /// The FQDN question of §3 (exact, with its line break and the space before `?`).
    static func askFQDNCheck(_ session: Session) throws -> Bool {
        try session.dialog.yesNo(
            [
                "Do you want to check if Common Name or SAN:dNSName or both are in Fully",
                "Qualified Domain Name(FQDN) format ?",
            ],
            default: false
        )
    }

    /// Numbered choice of a profile (EDIT, EXPORT, DELETE).
    /// A numbered choice of the profiles; with `skippingDemo`, an empty answer takes the first profile
    /// that is not Demo (DELETE: the default is never the one that cannot be deleted).
    static func chooseProfile(
        _ session: Session,
        _ question: String,
        skippingDemo: Bool = false
    ) throws -> CertificateProfileRecord {
        let profiles = session.configuration.certificates
        guard !profiles.isEmpty else { throw ShellError.actionFailed("There are no certificate profiles.") }
        let preferred = skippingDemo ? profiles.firstIndex { !$0.name.isDemo } : nil
        let index = try session.dialog.choose([question], items: profiles.map(\.name.text), default: preferred ?? 0)
        return profiles[index]
    }

    /// Adds or replaces a profile in the configuration, keeping its place in the list.
    static func store(_ record: CertificateProfileRecord, in config: inout ApplianceConfiguration) {
        if let index = config.certificates.index(of: record.name) {
            config.certificates[index] = record
        } else {
            config.certificates.append(record)
        }
    }

    /// `Sep 22 09:00:00 2026 GMT` (§8).
    static func date(_ date: Date) -> String {
        ShellClock.utc(date, "%b %d %H:%M:%S %Y GMT")
    }

    /// The parsed parts of a stored profile.
    static func parse(_ record: CertificateProfileRecord) throws -> (certificate: Certificate, key: PrivateKey) {
        do {
            return (
                try Certificate(pem: record.certificatePEM), try PrivateKey(pem: record.privateKeyPEM, passphrase: nil)
            )
        } catch {
            throw ShellError.actionFailed("The certificate profile \"\(record.name)\" cannot be read.")
        }
    }

    /// The certificates the enabled CA lists hold (system bundle and custom list).
    static func trustedCertificates(_ config: ApplianceConfiguration) -> [Certificate] {
        var result: [Certificate] = []
        if config.certificateAuthorities.systemListEnabled, let system = try? TrustStore.systemBundle() {
            result += system
        }
        if config.certificateAuthorities.customListEnabled {
            for pem in config.certificateAuthorities.customCertificatesPEM {
                if let certificate = try? Certificate(pem: pem) { result.append(certificate) }
            }
        }
        return result
    }
}
