import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell

#if canImport(Glibc)
import Glibc
#endif

/// `saveconfig` (other-commands.md §6): writes the configuration to `/configuration/{model}-{serial}-{time}.xml`.
public struct SaveConfigCommand: DeclaredCommand {
    /// `1` or `2`; also the historic `y …` (= 1) and `n …` (= 2), whose further words are ignored.
    static let option = Positional(
        "option",
        ValueParser<(ConfigFile.PassphraseOption, historic: Bool)>(
            "{1|2}",
            candidates: { _ in ["1", "2"] }
        ) { text, context throws(ShellError) in
            switch text.lowercased() {
            case "y", "yes": return (.mask, true)
            case "n", "no": return (.encrypt, true)
            default: return (try ValueParser.passphraseOption.value(of: text, in: context), false)
            }
        }
    )
    static let ignored = Positional.remaining("ignored", ValueParser.text("…"))

    public let grammar = Grammar(
        CommandConfiguration(
            "saveconfig",
            summary: "Saves a copy of the current configuration settings to a file.",
            access: .view,
            writesDataDirectory: true
        ),
        interactive: { session in try SaveConfigCommand.save(ConfigFile.askPassphraseOption(session.dialog), session) },
        Form(usage: "saveconfig {1|2}", .argument(SaveConfigCommand.option), .argument(SaveConfigCommand.ignored)) {
            values,
            session in
            let (option, historic) = values[SaveConfigCommand.option]
            if !historic, let extra = values[SaveConfigCommand.ignored].first {
                throw Grammar.Misuse("Unexpected argument \"\(extra)\".")
            }
            try SaveConfigCommand.save(option, session)
        }
    )

    private static func save(_ option: ConfigFile.PassphraseOption, _ session: Session) throws {
        let xml = try ConfigFile.xml(session, option)
        // Two saves in the same second never share a name: the second gets `-2`, and so on.
        let baseName = ConfigFile.fileName(session)
        var fileName = baseName
        for attempt in 2...1000 {
            let url = session.environment.configurationDirectory.appendingPathComponent(fileName)
            do {
                try PrivateFile.write(Data(xml.utf8), to: url, shownAs: "/configuration/\(fileName)", replacing: false)
                break
            } catch is PrivateFile.AlreadyExists {
                guard attempt < 1000 else {
                    throw ShellError.actionFailed("Too many configuration files saved this second.")
                }
                fileName = String(baseName.dropLast(4)) + "-\(attempt).xml"
            }
        }
        session.dialog.block(
            "File written on machine \"\(session.committedHostname)\" to the location",
            "\"/configuration/\(fileName)\".",
            "Configuration saved."
        )
    }
}

/// What `showconfig`, `saveconfig` and `mailconfig` share: the passphrase menu, the header and the XML.
enum ConfigFile {
    /// How private keys are written.
    enum PassphraseOption: Sendable, Equatable {
        case mask
        case encrypt
    }

    /// The passphrase menu (**exact**).
    static func askPassphraseOption(_ dialog: Dialog) throws -> PassphraseOption {
        let choice = try dialog.choose(
            ["Choose the passphrase option:"],
            items: [
                "Mask passphrases (Files with masked passphrases cannot be loaded using loadconfig command)",
                "Encrypt passphrases",
            ],
            default: 0
        )
        return choice == 0 ? .mask : .encrypt
    }

    /// The header facts of this appliance at this moment.
    static func header(_ session: Session) -> XMLHeader {
        let appliance = session.environment.appliance
        return XMLHeader(
            product: ApplianceInfo.product,
            model: ApplianceInfo.model,
            version: ApplianceInfo.version,
            serialNumber: appliance.serialNumber,
            cpuCount: appliance.cpuCount,
            memoryGB: Int((Double(appliance.memoryMegabytes) / 1024).rounded()),
            currentTime: session.clock.appliance(session.clock.now(), zone: false)
        )
    }

    /// The whole file for the session's configuration (the candidate, as every read-only command shows).
    static func xml(_ session: Session, _ option: PassphraseOption) throws -> String {
        let secrets: SecretMode
        switch option {
        case .mask:
            secrets = .mask
        case .encrypt:
            guard let box = try ApplianceSecret.box(session, create: true) else {
                throw ShellError.io("The appliance secret cannot be created.")
            }
            secrets = .encrypt(seal: box.seal)
        }
        do {
            return try XMLCodec.encode(session.configuration, header: header(session), secrets: secrets)
        } catch {
            throw ShellError.actionFailed("The passphrases could not be encrypted.")
        }
    }

    /// `{model}-{serial}-{YYYYMMDDTHHMMSS}.xml` in local time (**exact** pattern).
    static func fileName(_ session: Session) -> String {
        let time = session.clock.format(session.clock.now(), "%Y%m%dT%H%M%S")
        return "\(ApplianceInfo.model)-\(session.environment.appliance.serialNumber)-\(time).xml"
    }
}

/// This appliance's own secret: 32 random bytes in `secret.key` in the data directory (mode 0600,
/// created on first use). It never leaves the appliance, so only this appliance can open what it sealed.
enum ApplianceSecret {
    static func url(_ session: Session) -> URL {
        session.environment.dataDirectory.appendingPathComponent("secret.key")
    }

    /// The box for the appliance secret; nil when there is none yet and `create` is false.
    static func box(_ session: Session, create: Bool) throws -> SecretBox? {
        let url = url(session)
        if let key = try read(url) { return try makeBox(key, url) }
        guard create else { return nil }
        let key = SecretBox.randomKey()
        do {
            try PrivateFile.write(Data(key), to: url, shownAs: url.path, replacing: false)
        } catch is PrivateFile.AlreadyExists {
            // Another session created it first: use theirs.
            guard let theirs = try read(url) else { throw damaged(url) }
            return try makeBox(theirs, url)
        }
        return try makeBox(key, url)
    }

    private static func read(_ url: URL) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ShellError.io("The appliance secret \(url.path) cannot be read.")
        }
        return [UInt8](data)
    }

    private static func makeBox(_ key: [UInt8], _ url: URL) throws -> SecretBox {
        guard let box = try? SecretBox(key: key) else { throw damaged(url) }
        return box
    }

    private static func damaged(_ url: URL) -> ShellError {
        ShellError.io("The appliance secret \(url.path) is damaged.")
    }
}
