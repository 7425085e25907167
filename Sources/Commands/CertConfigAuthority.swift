import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell

/// The two lists of CERTAUTHORITY (§11), which ENABLE, DISABLE and EXPORT act on.
enum CertificateAuthorityList {
    case custom
    case system

    /// How the dialogs name it.
    var name: String { self == .custom ? "custom" : "system" }
}

/// CERTAUTHORITY (§11): the system list (the OS bundle; only its switch is configuration) and the
/// custom list.
enum CertAuthorityMenu {
    static func run(_ session: Session) throws {
        let lists = [
            MenuItem("CUSTOM", "Manage Custom Certificate Authorities") { try custom(session) },
            MenuItem("SYSTEM", "Manage System Certificate Authorities") { try system(session) },
        ]
        try session.dialog.run { _ in Menu(status: summary(session.configuration), lists) }
    }

    static func summary(_ config: ApplianceConfiguration) -> [String] {
        let settings = config.certificateAuthorities
        var lines = [
            "Certificate Authority Summary",
            "",
            "Custom List: \(settings.customListEnabled ? "Enabled" : "Disabled")",
            "System List: \(settings.systemListEnabled ? "Enabled" : "Disabled")",
        ]
        if let warning = noListWarning(config) { lines += ["", warning] }
        return lines
    }

    static func noListWarning(_ config: ApplianceConfiguration) -> String? {
        let settings = config.certificateAuthorities
        guard !settings.customListEnabled && !settings.systemListEnabled else { return nil }
        return "Warning: no certificate authority list is enabled; certificate verification will always fail."
    }

    static func custom(_ session: Session) throws {
        try session.dialog.run { _ in
            let settings = session.configuration.certificateAuthorities
            let status = [
                "Custom List: \(settings.customListEnabled ? "Enabled" : "Disabled") (\(settings.customCertificatesPEM.count) certificates)"
            ]
            return Menu(
                status: status,
                [
                    toggle(.custom, enabled: settings.customListEnabled, session),
                    MenuItem("IMPORT", "Import custom certificate authority list") { try importCustom(session) },
                    MenuItem("EXPORT", "Export custom certificate authority list") { try export(.custom, session) },
                    MenuItem("CLEAR", "Remove all custom certificate authorities.") { try clearCustom(session) },
                ]
            )
        }
    }

    static func system(_ session: Session) throws {
        try session.dialog.run { _ in
            let enabled = session.configuration.certificateAuthorities.systemListEnabled
            let count = (try? TrustStore.systemBundle().count) ?? 0
            return Menu(
                status: ["System List: \(enabled ? "Enabled" : "Disabled") (\(count) certificates)"],
                [
                    toggle(.system, enabled: enabled, session),
                    MenuItem("EXPORT", "Export system certificate authority list") { try export(.system, session) },
                ]
            )
        }
    }

    /// DISABLE when the list is enabled, ENABLE when it is not.
    private static func toggle(_ list: CertificateAuthorityList, enabled: Bool, _ session: Session) -> MenuItem {
        enabled
            ? MenuItem("DISABLE", "Disable the \(list.name) certificate authority list.") {
                setEnabled(list, false, session)
            }
            : MenuItem("ENABLE", "Enable the \(list.name) certificate authority list.") {
                setEnabled(list, true, session)
            }
    }

    static func setEnabled(_ list: CertificateAuthorityList, _ enabled: Bool, _ session: Session) {
        session.stage { config in
            switch list {
            case .custom: config.certificateAuthorities.customListEnabled = enabled
            case .system: config.certificateAuthorities.systemListEnabled = enabled
            }
        }
        var lines = ["The \(list.name) certificate authority list is \(enabled ? "enabled" : "disabled")."]
        if let warning = noListWarning(session.configuration) { lines.append(warning) }
        session.dialog.block(lines)
    }

    /// IMPORT: replaces the custom list with the usable CAs of a PEM bundle.
    static func importCustom(_ session: Session) throws {
        let folder = ConfigurationFolder(session)
        guard let file = try folder.askInputName() else { return }
        let bytes = [UInt8](try folder.read(file, what: "a CA list"))
        let checkFQDN = try CertConfigSupport.askFQDNCheck(session)
        guard let certificates = try? Certificate.parseAll(pem: String(decoding: bytes, as: UTF8.self)) else {
            throw ShellError.actionFailed("No certificate authority found in \"\(file)\".")
        }
        let now = session.clock.now()
        let settings = session.configuration.certificateAuthorities
        var enabled: [Certificate] = []
        if settings.systemListEnabled, let system = try? TrustStore.systemBundle() { enabled += system }
        var accepted: [Certificate] = []
        var notes: [String] = []
        for certificate in certificates {
            let name = TerminalSafe.escaped(certificate.subject.displayName)
            if let reason = skipReason(
                certificate,
                accepted: accepted,
                file: certificates,
                enabled: enabled,
                checkFQDN: checkFQDN,
                now: now
            ) {
                notes.append("Note: skipped \"\(name)\": \(reason).")
            } else {
                accepted.append(certificate)
            }
        }
        guard !accepted.isEmpty else {
            if !notes.isEmpty { session.dialog.block(notes) }
            throw ShellError.actionFailed("No certificate authority found in \"\(file)\".")
        }
        let pems = accepted.map(\.pem)
        session.stage { $0.certificateAuthorities.customCertificatesPEM = pems }
        session.dialog.block(
            notes + ["Imported \(counted(accepted.count, "certificate authority", "certificate authorities"))."]
        )
    }

    private static func skipReason(
        _ certificate: Certificate,
        accepted: [Certificate],
        file: [Certificate],
        enabled: [Certificate],
        checkFQDN: Bool,
        now: Date
    ) -> String? {
        if !certificate.isCA { return "not a certificate authority" }
        if certificate.notAfter < now { return "expired on \(CertConfigSupport.date(certificate.notAfter))" }
        if accepted.contains(certificate) { return "duplicate" }
        if !certificate.isSelfSigned
            && !(file + enabled).contains(where: { $0 != certificate && certificate.isIssued(by: $0) })
        {
            return
                "its issuer \"\(TerminalSafe.escaped(certificate.issuer.displayName))\" is neither in the file nor in an enabled list"
        }
        if checkFQDN, let cn = certificate.subject.commonName, !HostnameRules.isFQDN(cn, allowWildcard: true) {
            return "the Common Name is not a fully qualified domain name"
        }
        return nil
    }

    static func export(_ list: CertificateAuthorityList, _ session: Session) throws {
        let pems: [String]
        switch list {
        case .custom:
            pems = session.configuration.certificateAuthorities.customCertificatesPEM
        case .system:
            do {
                pems = try TrustStore.systemBundle().map(\.pem)
            } catch {
                throw ShellError.actionFailed("The system certificate authority list cannot be read.")
            }
        }
        guard
            let file = try ConfigurationFolder(session).askOutputName(
                "Enter the file name to export to:",
                default: list == .custom ? "custom_ca.pem" : "system_ca.pem"
            )
        else { return }
        try ConfigurationFolder(session).write(Data(pems.joined().utf8), named: file)
    }

    static func clearCustom(_ session: Session) throws {
        guard
            try session.dialog.yesNo(
                "Are you sure you want to remove all custom certificate authorities?",
                default: false
            )
        else { return }
        session.stage { $0.certificateAuthorities.customCertificatesPEM = [] }
        session.dialog.block(["Removed all custom certificate authorities."])
    }
}
