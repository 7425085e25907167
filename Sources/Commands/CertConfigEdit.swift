import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell

/// EDIT (§6): the CSR, the CA-signed certificate, the subject.
enum CertConfigEdit {
    static func run(_ session: Session) throws {
        let profile = try CertConfigSupport.chooseProfile(session, "Select the certificate you wish to edit:")
        let (certificate, _) = try CertConfigSupport.parse(profile)
        let now = session.clock.now()
        let status = [
            "Name: \(profile.name)",
            "Subject: \(TerminalSafe.escaped(certificate.subject.oneLine))",
            "Issuer: \(certificate.isSelfSigned ? "(self-signed)" : TerminalSafe.escaped(certificate.issuer.oneLine))",
            "Subject alternative names: \(alternativeNames(certificate))",
            "Valid: \(CertConfigSupport.date(certificate.notBefore)) to \(CertConfigSupport.date(certificate.notAfter))",
            "Key: \(certificate.publicKeyDescription)",
            "Serial: \(certificate.serialHex)",
            "SHA-256 fingerprint: \(certificate.sha256Fingerprint)",
            "Status: \(CertificateList.status(profile, certificate, now: now))",
            "Intermediates: \(profile.intermediatesPEM.count)",
        ]
        // One operation, then back to certconfig's menu; a refused one (a file that does not load)
        // is reported and the EDIT menu comes back.
        try session.dialog.run { _ in
            Menu(
                status: status,
                [
                    .leaving("CSR", "View or save the certificate signing request.") {
                        try showRequest(profile, session)
                    },
                    .leaving("SIGNED", "Install the certificate signed by the certificate authority.") {
                        try installSigned(profile, session)
                    },
                    .leaving("SUBJECT", "Change the subject and re-issue the self-signed certificate and request.") {
                        try changeSubject(profile, session)
                    },
                ]
            )
        }
    }

    /// The certificate's alternative names — DNS names as they are, then `IP …` and `email …` —
    /// `none` without any (terminal-safe: they come from the file).
    static func alternativeNames(_ certificate: Certificate) -> String {
        let names = certificate.subjectAlternativeNames.map { name in
            switch name {
            case .dns(let text): TerminalSafe.escaped(text)
            case .ipAddress(let text): "IP " + text
            case .email(let text): "email " + TerminalSafe.escaped(text)
            }
        }
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }

    /// The stored CSR, or one made from the key and the current subject and names (renewal, SG-7).
    static func request(for profile: CertificateProfileRecord) throws -> SigningRequest {
        if let pem = profile.signingRequestPEM, let stored = try? SigningRequest(pem: pem) { return stored }
        let (certificate, key) = try CertConfigSupport.parse(profile)
        do {
            return try SigningRequest.make(
                subject: certificate.subject,
                alternativeNames: extraNames(certificate),
                key: key
            )
        } catch {
            throw ShellError.actionFailed("A signing request could not be made for \"\(profile.name)\".")
        }
    }

    /// The certificate's DNS names other than its Common Name.
    static func extraNames(_ certificate: Certificate) -> [String] {
        certificate.subjectAlternativeDNSNames.filter { !HostName($0).names(certificate.subject.commonName) }
    }

    /// CSR: print it, offer to save it.
    static func showRequest(_ profile: CertificateProfileRecord, _ session: Session) throws {
        let request = try request(for: profile)
        session.dialog.block(CertConfigNew.pemLines(request.pem))
        try CertConfigNew.offerSave(request, profile: profile.name.text, session)
    }

    /// SIGNED: the CA-signed certificate for the profile's key, with its intermediates.
    static func installSigned(_ profile: CertificateProfileRecord, _ session: Session) throws {
        let (_, key) = try CertConfigSupport.parse(profile)
        let source = try session.dialog.choose(
            ["How do you want to provide the signed certificate?"],
            items: ["Paste via CLI", "Load from file in /configuration"]
        )
        var certificates: [Certificate]
        if source == 0 {
            certificates = try CertConfigImport.readCertificates(
                session.dialog.paste("Paste signed certificate in PEM format (end with '.'):")
            )
            try checkMatch(certificates[0], key, profile)
            try CertificateChecks.checkLeaf(certificates[0], now: session.clock.now())
            let given = Array(certificates.dropFirst())
            if given.isEmpty {
                certificates += try CertConfigImport.askIntermediates(session)
            } else if CertificateChecks.missesIntermediate(
                certificates[0],
                given,
                configuration: session.configuration,
                now: session.clock.now()
            ) {
                certificates += try CertConfigImport.askIntermediates(
                    session,
                    first: "Do you want to add another intermediate certificate?"
                )
            }
        } else {
            let folder = ConfigurationFolder(session)
            guard let file = try folder.askInputName() else { return }
            let bytes = [UInt8](try folder.read(file, what: "a certificate file"))
            certificates = try CertConfigImport.readCertificates(String(decoding: bytes, as: UTF8.self))
        }
        let leaf = certificates.removeFirst()
        try checkMatch(leaf, key, profile)
        let admitted = try CertificateChecks.admit(
            leaf: leaf,
            key: key,
            candidates: certificates,
            checkFQDN: false,
            profileName: profile.name,
            configuration: session.configuration,
            now: session.clock.now()
        )
        var record = admitted.record(named: profile.name)
        record.privateKeyPEM = profile.privateKeyPEM
        if !admitted.notes.isEmpty { session.dialog.block(admitted.notes) }
        session.stage { CertConfigSupport.store(record, in: &$0) }
        session.dialog.block(["Certificate profile \"\(profile.name)\" updated."])
    }

    /// The signed certificate must carry the profile's public key.
    static func checkMatch(_ leaf: Certificate, _ key: PrivateKey, _ profile: CertificateProfileRecord) throws {
        guard key.matches(leaf) else {
            throw ShellError.actionFailed(
                "The certificate does not match the private key of profile \"\(profile.name)\"."
            )
        }
    }

    /// SUBJECT: new subject (and maybe key); re-issues the self-signed certificate and the CSR.
    static func changeSubject(_ profile: CertificateProfileRecord, _ session: Session) throws {
        let (certificate, key) = try CertConfigSupport.parse(profile)
        if !certificate.isSelfSigned {
            guard
                try session.dialog.yesNo(
                    "This replaces the CA-signed certificate with a self-signed one until the new request is signed. Continue?",
                    default: false
                )
            else { return }
        }
        let subject = try CertConfigNew.askSubject(session, current: certificate.subject)
        let currentDays = Int((certificate.notAfter.timeIntervalSince(certificate.notBefore) / 86_400).rounded())
        let days = try CertConfigNew.askDuration(session, current: currentDays)
        var newKey = key
        if try session.dialog.yesNo("Generate a new private key?", default: false) {
            newKey = try CertConfigNew.generateKey(algorithm(of: key), session)
        }
        let issued = try CertConfigNew.issue(
            subject: subject,
            alternativeNames: extraNames(certificate),
            days: days,
            key: newKey,
            session
        )
        let record = CertificateProfileRecord(
            name: profile.name,
            certificatePEM: issued.certificate.pem,
            privateKeyPEM: newKey == key ? profile.privateKeyPEM : newKey.pkcs8PEM,
            signingRequestPEM: issued.request.pem
        )
        session.stage { CertConfigSupport.store(record, in: &$0) }
        session.dialog.block([
            "Certificate profile \"\(profile.name)\" updated.",
            CertConfigNew.reminder,
        ])
    }

    /// The key type and size a new key for the profile gets: the same as the current one.
    static func algorithm(of key: PrivateKey) -> KeyAlgorithm {
        if key.typeName == "EC" { return key.bits > 256 ? .ecdsaP384 : .ecdsaP256 }
        switch key.bits {
        case ..<3072: return .rsa2048
        case ..<4096: return .rsa3072
        default: return .rsa4096
        }
    }
}
