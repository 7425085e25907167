import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell

/// IMPORT (§3) and PASTE (§4): a certificate with its key entering the appliance.
enum CertConfigImport {
    /// IMPORT: a PKCS#12 file from `/configuration`.
    static func importFile(_ session: Session) throws {
        guard let (name, replacing) = try CertConfigSupport.askProfileName(session) else { return }
        let folder = ConfigurationFolder(session)
        guard
            let file = try folder.askInputName(
                "Enter the name of the file on machine \"\(session.committedHostname)\" to import:"
            )
        else { return }
        let bytes = [UInt8](try folder.read(file, what: "a PKCS#12 file"))
        let checkFQDN = try CertConfigSupport.askFQDNCheck(session)
        session.console.write("\n")
        let passphrase = try session.dialog.secret("Enter pass phrase for PKCS#12 file: ")
        let contents: (key: PrivateKey, certificate: Certificate, others: [Certificate])
        do {
            contents = try PKCS12.parse(bytes, passphrase: passphrase)
        } catch {
            throw pkcs12Failure(error)
        }
        let admitted = try admit(
            contents.certificate,
            key: contents.key,
            candidates: contents.others,
            checkFQDN: checkFQDN,
            as: name,
            session
        )
        session.dialog.block([
            "Certificate profile \"\(name)\" \(replacing ? "replaced" : "imported").",
            "    Subject: \(TerminalSafe.escaped(admitted.certificate.subject.oneLine))",
            "    Issuer: \(TerminalSafe.escaped(admitted.certificate.issuer.oneLine))",
            "    Intermediates: \(admitted.intermediates.count)",
        ])
    }

    /// The checks IMPORT and PASTE share: the certificate, its key and chain admitted under `name`,
    /// their notes shown, and the profile staged unless it is already stored as it is.
    private static func admit(
        _ leaf: Certificate,
        key: PrivateKey,
        candidates: [Certificate],
        checkFQDN: Bool,
        as name: ProfileName,
        _ session: Session
    ) throws -> AdmittedCertificate {
        let admitted = try CertificateChecks.admit(
            leaf: leaf,
            key: key,
            candidates: candidates,
            checkFQDN: checkFQDN,
            profileName: name,
            configuration: session.configuration,
            now: session.clock.now()
        )
        let record = admitted.record(named: name)
        if !admitted.notes.isEmpty { session.dialog.block(admitted.notes) }
        if session.configuration.certificate(named: name) != record {
            session.stage { CertConfigSupport.store(record, in: &$0) }
        }
        return admitted
    }

    static func pkcs12Failure(_ error: CertificateError) -> ShellError {
        switch error.code {
        case .unsupportedAlgorithm(let algorithm):
            .actionFailed(
                "Invalid pass phrase or corrupt PKCS#12 file.\nThe file is encrypted with \(algorithm), which is not supported. Re-export it with AES-256-CBC."
            )
        case .tooManyIterations(let count):
            .actionFailed(
                "The PKCS#12 file asks for \(count) key derivation iterations; at most \(PKCS12.maximumIterations) are accepted. Re-export it with fewer."
            )
        case .noKeyInPKCS12: .actionFailed("The PKCS#12 file holds no private key.")
        case .noCertificateInPKCS12: .actionFailed("The PKCS#12 file holds no certificate for its private key.")
        default: .actionFailed("Invalid pass phrase or corrupt PKCS#12 file.")
        }
    }

    /// PASTE: PEM certificate (maybe with its chain), private key, intermediates.
    static func paste(_ session: Session) throws {
        guard let (name, replacing) = try CertConfigSupport.askProfileName(session) else { return }
        var certificates = try readCertificates(
            session.dialog.paste("Paste public certificate in PEM format (end with '.'):")
        )
        let leaf = certificates.removeFirst()
        // What the certificate alone decides is refused at once, not after the key and questions.
        try CertificateChecks.checkLeaf(leaf, now: session.clock.now())
        if !certificates.isEmpty {
            session.dialog.block([
                "Note: \(counted(certificates.count, "additional certificate")) "
                    + (certificates.count == 1 ? "was" : "were") + " taken as intermediates."
            ])
        }
        let key = try readKey(session.dialog.paste("Paste private key in PEM format (end with '.'):"), session)
        try CertificateChecks.checkKey(key, matches: leaf)
        if certificates.isEmpty {
            certificates += try askIntermediates(session)
        } else if CertificateChecks.missesIntermediate(
            leaf,
            certificates,
            configuration: session.configuration,
            now: session.clock.now()
        ) {
            // The paste held a chain that still lacks a link: offer to add it.
            certificates += try askIntermediates(session, first: "Do you want to add another intermediate certificate?")
        }
        let checkFQDN = try CertConfigSupport.askFQDNCheck(session)
        _ = try admit(leaf, key: key, candidates: certificates, checkFQDN: checkFQDN, as: name, session)
        session.dialog.block([
            TerminalSafe.escaped(leaf.subject.compactSorted),
            "Certificate profile \"\(name)\" \(replacing ? "replaced" : "added").",
        ])
    }

    /// Row 1 of §8: the `BEGIN CERTIFICATE` blocks of a paste or file.
    static func readCertificates(_ text: String) throws(ShellError) -> [Certificate] {
        do {
            return try Certificate.parseAll(pem: text)
        } catch {
            throw .actionFailed("The certificate is not in PEM format.")
        }
    }

    /// A pasted key: plain, or encrypted (then the passphrase is asked, not echoed).
    static func readKey(_ text: String, _ session: Session) throws -> PrivateKey {
        var passphrase: String?
        if PrivateKey.isEncrypted(pem: text) {
            session.console.write("\n")
            passphrase = try session.dialog.secret("Enter pass phrase for private key: ")
        }
        do {
            return try PrivateKey(pem: text, passphrase: passphrase.map { value in { value } })
        } catch {
            if error.code == .badPassphrase {
                throw ShellError.actionFailed("Invalid pass phrase for the private key.")
            }
            throw ShellError.actionFailed("The private key is not in PEM format.")
        }
    }

    /// The intermediate questions of §4.
    static func askIntermediates(
        _ session: Session,
        first: String = "Do you want to add an intermediate certificate?"
    ) throws -> [Certificate] {
        var result: [Certificate] = []
        var question = first
        while try session.dialog.yesNo(question, default: false) {
            result += try readCertificates(
                session.dialog.paste("Paste intermediate certificate in PEM format (end with '.'):")
            )
            question = "Do you want to add another intermediate certificate?"
        }
        return result
    }
}
