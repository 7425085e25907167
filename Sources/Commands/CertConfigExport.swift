import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell

/// EXPORT (§7): a passphrase-protected PKCS#12 file in `/configuration`. Stages nothing.
enum CertConfigExport {
    static func run(_ session: Session) throws {
        let profile = try CertConfigSupport.chooseProfile(session, "Select the certificate you wish to export:")
        let (certificate, key) = try CertConfigSupport.parse(profile)
        if session.base.configuration.certificate(named: profile.name) != profile {
            session.dialog.block(["Note: profile \"\(profile.name)\" is not committed yet."])
        }
        guard
            let file = try ConfigurationFolder(session).askOutputName(
                "Enter the file name to export to:",
                default: "\(profile.name).pfx"
            )
        else { return }
        let passphrase = try askNewPassphrase(session)
        let legacy = try session.dialog.yesNo(
            "Use the legacy PKCS#12 format (3DES, SHA-1) for older software?",
            default: false
        )
        var chain: [Certificate] = []
        for pem in profile.intermediatesPEM {
            guard let intermediate = try? Certificate(pem: pem) else {
                throw ShellError.actionFailed("The certificate profile \"\(profile.name)\" cannot be read.")
            }
            chain.append(intermediate)
        }
        let bytes: [UInt8]
        do {
            bytes = try PKCS12.export(
                key: key,
                certificate: certificate,
                chain: chain,
                friendlyName: profile.name.text,
                passphrase: passphrase,
                encoding: legacy ? .legacy3DES : .modern
            )
        } catch {
            throw ShellError.actionFailed("The PKCS#12 file could not be made.")
        }
        try ConfigurationFolder(session).write(Data(bytes), named: file)
    }

    /// The passphrase, twice, never echoed; asked again when empty or different (a script fails).
    static func askNewPassphrase(_ session: Session) throws -> String {
        while true {
            session.console.write("\n")
            let first = try session.dialog.secret("Enter passphrase: ")
            let second = try session.dialog.secret("Confirm passphrase: ")
            let problem: String
            if first.isEmpty {
                problem = "The passphrase must not be empty."
            } else if first != second {
                problem = "Passphrases do not match."
            } else {
                return first
            }
            if !session.console.isInteractive { throw ShellError.invalidInput(problem) }
            session.console.write(problem + "\n")
        }
    }
}
