import ApplianceConfig
import Shell

/// `websecurityconfig` (other-commands.md §2): URL filtering, Web Interaction Tracking and the
/// client certificate for the web security service (seed-guide.md SG-19).
public struct WebSecurityConfigCommand: ShellCommand {
    public let name = "websecurityconfig"
    public let summary = "Configure Web Security Services settings."
    public let requiresCommit = true
    public let batchSyntax = [
        "websecurityconfig --enable={yes|no} [--tracking={yes|no}] [--certificate={profile|provided}]"
    ]
    public let completions = ["--enable=", "--tracking=", "--certificate="]

    /// The question is exact (automation answers it).
    static let certificateQuestion =
        "Do you want to set client certificate for Cisco Web Security Services Authentication?"
    /// The batch word for the built-in certificate.
    static let provided = "provided"

    public init() {}

    public func run(_ arguments: [String], in session: Session) throws {
        guard arguments.isEmpty else { return try runBatch(arguments, in: session) }
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

    private func runBatch(_ arguments: [String], in session: Session) throws {
        let usage = "Usage: \(batchSyntax[0])"
        let parsed: BatchArguments
        do {
            parsed = try BatchArguments(arguments, valued: ["enable", "tracking", "certificate"])
        } catch {
            throw ShellError.invalidInput("\(usage)\n\(error.message)")
        }
        if let extra = parsed.positional.first {
            throw ShellError.invalidInput("\(usage)\nUnexpected argument \"\(extra)\".")
        }
        func flag(_ option: String) throws -> Bool? {
            guard let value = parsed.options[option] else { return nil }
            switch value.lowercased() {
            case "yes", "y", "on": return true
            case "no", "n", "off": return false
            default:
                throw ShellError.invalidInput("\(usage)\nThe option \"--\(option)\" takes yes or no, not \"\(value)\".")
            }
        }
        guard let enable = try flag("enable") else {
            throw ShellError.invalidInput("\(usage)\nThe option \"--enable\" is required.")
        }
        var settings = session.configuration.webSecurity
        settings.urlFiltering = enable
        if let tracking = try flag("tracking") { settings.interactionTracking = tracking }
        if let name = parsed.options["certificate"] {
            if name.lowercased() == Self.provided {
                settings.clientCertificate = nil
            } else {
                let profile = try ServiceCertificateChoice.resolve(name, in: session)
                ServiceCertificateChoice.warnIfDemo(profile, in: session)
                settings.clientCertificate = profile
            }
        }
        let result = settings
        session.stage { $0.webSecurity = result }
    }
}
