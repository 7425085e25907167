import ApplianceConfig
import Certificates
import ConfigStore
import FoundationEssentials
import Shell

/// `loadconfig` (other-commands.md §6): replaces the candidate with a configuration file, pasted or
/// read from `/configuration`. Nothing is staged unless the whole file is valid.
public struct LoadConfigCommand: DeclaredCommand {
    static let file = Positional("file", .configurationFile)

    public let grammar = Grammar(
        CommandConfiguration("loadconfig", summary: "Load a configuration file.", requiresCommit: true),
        interactive: { session in
            guard let loaded = try LoadConfigCommand.interactive(session) else { return }
            LoadConfigCommand.stage(loaded, session)
        },
        Form(usage: "loadconfig {file}", .argument(LoadConfigCommand.file)) { values, session in
            stage(try decode(try readFile(values[LoadConfigCommand.file], session), session), session)
        }
    )

    /// Files larger than this are refused before parsing.
    static let maximumFileBytes = 16 * 1024 * 1024

    private static func stage(_ loaded: (configuration: ApplianceConfiguration, kept: [String]), _ session: Session) {
        guard loaded.configuration != session.configuration else {
            session.dialog.block("No changes detected from current configuration.")
            return
        }
        session.replaceCandidate(with: loaded.configuration, method: .load)
        var lines = ["Values have been loaded."]
        if !loaded.kept.isEmpty {
            lines.append(
                "The file has no " + loaded.kept.map { "<\($0)>" }.joined(separator: ", ") + ": kept as they are."
            )
        }
        lines.append("Be sure to run \"commit\" to make these settings active.")
        session.dialog.block(lines)
    }

    /// The dialog: paste or file name. nil when the admin left it (empty file name).
    private static func interactive(
        _ session: Session
    ) throws -> (configuration: ApplianceConfiguration, kept: [String])? {
        let dialog = session.dialog
        dialog.block("This command replaces the entire configuration with the contents of a file.")
        let source = try dialog.choose([], items: ["Paste via CLI", "Load from file in /configuration"], default: 0)
        if source == 0 {
            let text = try dialog.paste("Paste the configuration file in XML format (end with '.'):")
            return try Self.decode(.text(text), session)
        }
        guard let name = try ConfigurationFolder(session).askInputName() else { return nil }
        return try Self.decode(try Self.readFile(name, session), session)
    }

    private enum Source {
        case bytes(Data)
        case text(String)
    }

    private static func readFile(_ name: String, _ session: Session) throws -> Source {
        .bytes(try ConfigurationFolder(session).read(name, limit: maximumFileBytes, what: "a configuration file"))
    }

    /// What the certificate module finds wrong with a loaded profile, if anything.
    static func problem(with profile: CertificateProfileRecord) -> String? {
        guard let certificate = try? Certificate(pem: profile.certificatePEM) else {
            return "the certificate is not a PEM certificate"
        }
        guard let key = try? PrivateKey(pem: profile.privateKeyPEM, passphrase: nil) else {
            return "the private key cannot be read"
        }
        guard key.matches(certificate) else { return "the private key does not match the certificate" }
        return nil
    }

    /// Parses and validates; encrypted secrets are opened with this appliance's own secret.
    private static func decode(
        _ source: Source,
        _ session: Session
    ) throws -> (configuration: ApplianceConfiguration, kept: [String]) {
        let box = try ApplianceSecret.box(session, create: false)
        let open: (String) throws -> String = { sealed in
            guard let box else { throw ShellError.actionFailed(ErrorPresenter.maskedSecretsMessage) }
            return try box.open(sealed)
        }
        let data: Data
        switch source {
        case .bytes(let bytes): data = bytes
        case .text(let text): data = XMLCodec.data(ofPasted: text)
        }
        return try XMLCodec.decode(data, merging: session.configuration, open: open, checkProfile: problem)
    }
}
