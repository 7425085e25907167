import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell
import TextSupport

/// One service that uses a certificate profile (§9), as certconfig words it. Which services use
/// which profile is declared once, by each section (`ApplianceConfiguration.certificateUses`).
struct CertificateBinding: Equatable {
    /// How DELETE names the use: `Listener "IncomingMail"`.
    var use: String
    /// How PRINT names the service: `Listener IncomingMail`.
    var service: String
    /// The profile, or nil when none is chosen.
    var profile: String?
    /// What PRINT shows when no profile is chosen.
    var unset: String

    init(_ use: CertificateUse) {
        profile = use.profile
        unset = "(none)"
        let name: String
        switch use.object {
        case .named(let text), .interface(let text), .listener(let text), .user(let text): name = text
        case .destinationDefaults, .ldap, .webSecurity, .tlsLogging, .users: name = ""
        }
        (self.use, service) =
            switch use.service {
            case .listenerTLS: ("Listener \"\(name)\"", "Listener \(name)")
            case .outgoingTLS: ("Destination Controls (outgoing TLS)", "Destination Controls (outgoing TLS)")
            case .https: ("HTTPS on interface \"\(name)\"", "HTTPS \(name)")
            case .ldap: ("LDAP", "LDAP")
            case .webSecurity: ("Cisco Web Security Services authentication", "Cisco Web Security Services")
            }
        if use.service == .webSecurity { unset = "(provided certificate)" }
    }

    /// Every binding of the configuration, in the order PRINT shows them.
    static func all(in config: ApplianceConfiguration) -> [CertificateBinding] {
        config.certificateUses.map(CertificateBinding.init)
    }

    /// The bindings that use `name` (ignoring case).
    static func uses(of name: ProfileName, in config: ApplianceConfiguration) -> [CertificateBinding] {
        config.uses(ofProfile: name).map(CertificateBinding.init)
    }
}

/// DELETE and PRINT (§9).
enum CertConfigServices {
    /// PRINT: which profile each service uses.
    static func print(_ session: Session) {
        session.dialog.block(lines(session.configuration))
    }

    static func lines(_ config: ApplianceConfiguration) -> [String] {
        ["Certificates assigned to services:"]
            + CertificateBinding.all(in: config).map { binding in
                binding.service.padded(to: max(40, binding.service.count + 1)) + (binding.profile ?? binding.unset)
            }
    }

    /// DELETE: refused for Demo and for a profile in use; asks before removing.
    static func delete(_ session: Session) throws {
        let profile = try CertConfigSupport.chooseProfile(
            session,
            "Select the certificate you wish to delete:",
            skippingDemo: true
        )
        if profile.name.isDemo {
            throw ShellError.actionFailed("The Demo certificate cannot be deleted.")
        }
        let uses = CertificateBinding.uses(of: profile.name, in: session.configuration)
        if !uses.isEmpty {
            throw ShellError.actionFailed(
                (["The certificate profile \"\(profile.name)\" is in use and cannot be deleted. It is used by:"]
                    + uses.map { "    \($0.use)" }).joined(separator: "\n")
            )
        }
        guard
            try session.dialog.yesNo(
                "Are you sure you want to delete the certificate profile \"\(profile.name)\"?",
                default: false
            )
        else { return }
        session.stage { config in
            config.certificates.remove(profile.name)
        }
        session.dialog.block(["Certificate profile \"\(profile.name)\" deleted."])
    }
}

/// The list of profiles shown above the CERTIFICATE menu and by `certconfig list` (§2).
enum CertificateList {
    static func lines(_ config: ApplianceConfiguration, now: Date) -> [String] {
        var lines = [
            "List of Certificates",
            row("Name", "Common Name", "Issued By", "Status", "Remaining"),
            row(
                String(repeating: "-", count: 20),
                String(repeating: "-", count: 20),
                String(repeating: "-", count: 20),
                String(repeating: "-", count: 15),
                String(repeating: "-", count: 9)
            ),
        ]
        for record in config.certificates {
            guard let certificate = try? Certificate(pem: record.certificatePEM) else {
                lines.append(row(record.name.text, "", "", "Unreadable", ""))
                continue
            }
            lines.append(
                row(
                    record.name.text,
                    TerminalSafe.escaped(certificate.subject.displayName),
                    TerminalSafe.escaped(certificate.issuer.commonName ?? certificate.issuer.displayName),
                    status(record, certificate, now: now),
                    "\(remainingDays(certificate, now: now)) days"
                )
            )
        }
        return lines
    }

    /// `Active`, `CSR Pending`, `Expired`, `Not Yet Valid`.
    static func status(_ record: CertificateProfileRecord, _ certificate: Certificate, now: Date) -> String {
        switch certificate.validity(at: now) {
        case .expired: "Expired"
        case .notYetValid: "Not Yet Valid"
        case .valid: record.signingRequestPEM == nil ? "Active" : "CSR Pending"
        }
    }

    /// Whole days to `notAfter`, 0 once expired.
    static func remainingDays(_ certificate: Certificate, now: Date) -> Int {
        max(0, Int(certificate.notAfter.timeIntervalSince(now) / 86_400))
    }

    private static func row(
        _ name: String,
        _ cn: String,
        _ issuer: String,
        _ status: String,
        _ remaining: String
    )
        -> String
    {
        [cell(name, 20), cell(cn, 20), cell(issuer, 20), cell(status, 15), String(remaining.prefix(9))]
            .joined(separator: " ")
    }

    private static func cell(_ text: String, _ width: Int) -> String {
        let cut = String(text.prefix(width))
        return cut + String(repeating: " ", count: width - cut.count)
    }
}
