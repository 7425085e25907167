import ApplianceConfig
import Shell

/// `websecurityconfig` (other-commands.md §2): URL filtering, Web Interaction Tracking and the
/// client certificate for the web security service (seed-guide.md SG-19).
public struct WebSecurityConfigCommand: DeclaredCommand {
    static let enable = BatchOption("enable", .yesNo("enable"))
    static let tracking = BatchOption("tracking", .yesNo("tracking"))
    /// A profile, or `provided` for the built-in certificate.
    static let certificate = BatchOption(
        "certificate",
        ValueParser<ProfileName?>(
            "{profile|provided}",
            candidates: { context in [provided] + context.configuration.certificates.map(\.name.text) }
        ) { text, context throws(ShellError) in
            if text.lowercased() == provided { return nil }
            return try ValueParser<ProfileName>.profileName.value(of: text, in: context)
        }
    )

    /// Each option may be left out: what it sets stays as it is (`--certificate` alone changes only
    /// the certificate). At least one is needed.
    public let grammar = Grammar(
        CommandConfiguration(
            "websecurityconfig",
            summary: "Configure Web Security Services settings.",
            requiresCommit: true
        ),
        interactive: { try WebSecurityConfigCommand.dialog($0) },
        Form(
            usage: "websecurityconfig [--enable={yes|no}] [--tracking={yes|no}] [--certificate={profile|provided}]",
            .option(WebSecurityConfigCommand.enable),
            .option(WebSecurityConfigCommand.tracking),
            .option(WebSecurityConfigCommand.certificate)
        ) { values, session in
            try WebSecurityConfigCommand.batch(values, session)
        }
    )

    /// The question is exact (automation answers it).
    static let certificateQuestion =
        "Do you want to set client certificate for Cisco Web Security Services Authentication?"
    /// The batch word for the built-in certificate.
    static let provided = "provided"

    private static func dialog(_ session: Session) throws {
        let dialog = session.dialog
        var settings = session.configuration.webSecurity
        settings.urlFiltering = try dialog.yesNo("Enable URL Filtering?", default: settings.urlFiltering)
        if settings.urlFiltering {
            settings.interactionTracking = try dialog.yesNo(
                "Do you wish to enable Web Interaction Tracking?",
                default: settings.interactionTracking
            )
            if try dialog.yesNo(Self.certificateQuestion, default: settings.clientCertificate != nil) {
                settings.clientCertificate = try ServiceCertificateChoice.ask(
                    ["Choose the certificate:"],
                    current: settings.clientCertificate,
                    in: session
                )
            } else {
                settings.clientCertificate = nil
            }
        }
        let result = settings
        session.stage { $0.webSecurity = result }
    }

    private static func batch(_ values: BatchValues, _ session: Session) throws {
        let enable = values[Self.enable]
        let tracking = values[Self.tracking]
        let certificate = values[Self.certificate]
        guard enable != nil || tracking != nil || certificate != nil else {
            throw Grammar.Misuse("Give at least one option.")
        }
        var settings = session.configuration.webSecurity
        if let enable { settings.urlFiltering = enable == "yes" }
        if let tracking { settings.interactionTracking = tracking == "yes" }
        if let certificate {
            if let profile = certificate { ServiceCertificateChoice.warnIfDemo(profile, in: session) }
            settings.clientCertificate = certificate
        }
        let result = settings
        session.stage { $0.webSecurity = result }
    }
}
