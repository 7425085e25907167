import ApplianceConfig
import DomainNames
import Shell

/// The typed parsers of the commands' grammars that read the configuration. Each owns its
/// validation and its one wording of a refusal.
extension ValueParser where Value == ProfileName {
    /// An existing certificate profile, named in any case; the value is the stored spelling.
    /// Tab offers the configured profiles.
    static let profileName = ValueParser(
        "{profile}",
        candidates: { context in context.configuration.certificates.map(\.name.text) },
        parse: { text, context throws(ShellError) in
            guard let profile = context.configuration.certificate(named: text) else {
                throw .actionFailed(CertificateProfileText.missing(text))
            }
            return profile.name
        }
    )
}

extension ValueParser where Value == String {
    /// `yes`/`no` (also `y`, `n`, `on`, `off`), for an option named `option`.
    static func yesNo(_ option: String) -> ValueParser<String> {
        .words("{yes|no}", ["yes": "yes", "y": "yes", "on": "yes", "no": "no", "n": "no", "off": "no"]) {
            "The option \"--\(option)\" takes yes or no, not \"\($0)\"."
        }
    }
}

extension ValueParser where Value == String {
    /// A file name in /configuration (no path); complaints stand alone, as in the dialogs.
    /// Tab offers nothing: the folder's names are read at the file prompts.
    static let configurationFile = ValueParser("{file}", standalone: true) { text, _ throws(ShellError) in
        try ConfigurationFolder.checkName(text).get()
    }
}

extension ValueParser where Value == ConfigFile.PassphraseOption {
    /// `1` (mask) or `2` (encrypt).
    static let passphraseOption = ValueParser.words("{1|2}", ["1": .mask, "2": .encrypt]) {
        "The passphrase option must be 1 (mask) or 2 (encrypt), not \"\($0)\"."
    }
}

/// The host name of the appliance (`sethostname`) or of an interface: fully qualified, stored in
/// lower case, refused with one wording (exact) in the dialogs and the batch forms.
enum ApplianceHostname {
    static func check(_ text: String) -> Result<String, ShellError> {
        guard HostnameRules.isFQDN(text) else {
            return .failure(
                .invalidInput(
                    "Invalid hostname \"\(text)\". Enter a fully qualified host name, such as mail.example.com."
                )
            )
        }
        return .success(text.lowercased())
    }
}

/// The one wording of each certificate-profile refusal.
enum CertificateProfileText {
    /// A profile named in a batch argument does not exist.
    static func missing(_ name: String) -> String { "Certificate profile \"\(name)\" does not exist." }
}
