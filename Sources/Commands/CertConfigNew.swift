import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell
import TextSupport

/// NEW (§5): a key, a self-signed certificate and a CSR for it.
enum CertConfigNew {
    static let reminder =
        "Remember to commit before you send the CSR to a certificate authority: the private key is not saved until the profile is committed."

    static func run(_ session: Session) throws {
        guard let (name, replacing) = try CertConfigSupport.askProfileName(session) else { return }
        let subject = try askSubject(session, current: nil)
        let days = try askDuration(session, current: nil)
        let algorithm = KeyAlgorithm.allCases[
            try session.dialog.choose(["8. Key type and size:"], items: KeyAlgorithm.allCases.map(\.displayName))
        ]
        var alternativeNames: [String] = []
        if try session.dialog.yesNo("Do you want to add subject alternative names?", default: false) {
            guard
                let names = try session.dialog.ask(
                    ["Enter the DNS names, separated by commas:"],
                    format: AnswerFormat(
                        "DNS names such as mail.example.com or *.example.com, separated by commas.",
                        check: checkDNSNames
                    )
                )
            else { return }
            alternativeNames = names
        }
        let key = try generateKey(algorithm, session)
        let issued = try issue(subject: subject, alternativeNames: alternativeNames, days: days, key: key, session)
        let record = CertificateProfileRecord(
            name: name,
            certificatePEM: issued.certificate.pem,
            privateKeyPEM: key.pkcs8PEM,
            signingRequestPEM: issued.request.pem
        )
        try offerRequest(issued.request, profile: name.text, session)
        session.stage { CertConfigSupport.store(record, in: &$0) }
        session.dialog.block([
            "Certificate profile \"\(name)\" \(replacing ? "replaced" : "created").",
            reminder,
        ])
    }

    /// Questions 1–6 of §5; with `current`, each shows the current value as its default (EDIT → SUBJECT).
    static func askSubject(_ session: Session, current: DistinguishedName?) throws -> DistinguishedName {
        let dialog = session.dialog
        func ask(_ number: Int, _ label: String, _ value: KeyPath<DistinguishedName, String?>) throws -> String {
            try dialog.askBare(["\(number). Enter \(label):"], default: current?[keyPath: value], format: field(label))
        }
        let commonName = try ask(1, "Common Name", \.commonName)
        let organization = try ask(2, "Organization", \.organization)
        let unit = try ask(3, "Organizational Unit", \.organizationalUnit)
        let locality = try ask(4, "Locality or City", \.locality)
        let state = try ask(5, "State or Province", \.state)
        let country = try dialog.askBare(
            ["6. Country Code (2 letters):"],
            default: current?.country,
            format: AnswerFormat("The two-letter ISO 3166 country code, such as US or DE.") { text in
                guard text.count == 2, text.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                    return .failure(.invalidInput("The country code must be two letters."))
                }
                return .success(text.uppercased())
            }
        )
        return DistinguishedName(
            commonName: commonName,
            organization: organization,
            organizationalUnit: unit,
            locality: locality,
            state: state,
            country: country
        )
    }

    /// Question 7: the validity in days.
    static func askDuration(_ session: Session, current: Int?) throws -> Int {
        try session.dialog.askNumber(
            ["7. Duration before expiration (in days):"],
            range: 1...3650,
            default: min(max(current ?? 3650, 1), 3650)
        ) ?? 3650
    }

    /// A subject field: at most 64 characters (the X.509 upper bound).
    private static func field(_ label: String) -> AnswerFormat<String> {
        AnswerFormat("The \(label) of the certificate's subject, at most 64 characters.") { text in
            guard text.count <= 64 else {
                return .failure(.invalidInput("The \(label) must be at most 64 characters."))
            }
            return .success(text)
        }
    }

    static func checkDNSNames(_ text: String) -> Result<[String], ShellError> {
        let names = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        for name in names where !HostnameRules.isDNSName(name, allowWildcard: true) {
            return .failure(.invalidInput("Invalid DNS name \"\(name)\"."))
        }
        return .success(names)
    }

    /// Generates a key; slow ones say so on a terminal.
    static func generateKey(_ algorithm: KeyAlgorithm, _ session: Session) throws -> PrivateKey {
        if session.console.isInteractive && algorithm.isSlowToGenerate {
            session.dialog.block(["Generating a \(algorithm.bits)-bit RSA key..."])
        }
        do {
            return try PrivateKey.generate(algorithm)
        } catch {
            throw ShellError.actionFailed("The key could not be generated.")
        }
    }

    /// The self-signed certificate and the CSR of a profile.
    static func issue(
        subject: DistinguishedName,
        alternativeNames: [String],
        days: Int,
        key: PrivateKey,
        _ session: Session
    ) throws -> (certificate: Certificate, request: SigningRequest) {
        do {
            let certificate = try SelfSigned.make(
                subject: subject,
                alternativeNames: alternativeNames,
                days: days,
                key: key,
                now: session.clock.now()
            )
            let request = try SigningRequest.make(subject: subject, alternativeNames: alternativeNames, key: key)
            return (certificate, request)
        } catch {
            if case .invalidName(let name) = error.code {
                throw ShellError.actionFailed("Invalid DNS name \"\(name)\".")
            }
            throw ShellError.actionFailed("The certificate could not be created.")
        }
    }

    /// Questions 10 and 11 of §5: view the CSR, save it into `/configuration`.
    static func offerRequest(_ request: SigningRequest, profile: String, _ session: Session) throws {
        if try session.dialog.yesNo("Do you want to view the CSR?", default: true) {
            session.dialog.block(pemLines(request.pem))
        }
        try offerSave(request, profile: profile, session)
    }

    /// Question 11 of §5.
    static func offerSave(_ request: SigningRequest, profile: String, _ session: Session) throws {
        guard try session.dialog.yesNo("Do you want to save the CSR to a file in /configuration?", default: false),
            let file = try ConfigurationFolder(session).askOutputName("Enter the file name:", default: "\(profile).csr")
        else { return }
        try ConfigurationFolder(session).write(Data(request.pem.utf8), named: file)
    }

    static func pemLines(_ pem: String) -> [String] {
        pem.split(separator: "\n").map(String.init)
    }
}
