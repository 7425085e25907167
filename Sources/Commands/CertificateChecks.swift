import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell

/// A certificate that passed the checks of §8, ready to be stored in a profile.
struct AdmittedCertificate {
    var certificate: Certificate
    var key: PrivateKey
    /// Normalised intermediates, from the leaf's issuer upwards.
    var intermediates: [Certificate]
    /// `Note:` and `Warning:` lines to show the admin.
    var notes: [String]

    /// The profile record (no CSR: the certificate is what the profile presents).
    func record(named name: ProfileName) -> CertificateProfileRecord {
        CertificateProfileRecord(
            name: name,
            certificatePEM: certificate.pem,
            privateKeyPEM: key.pkcs8PEM,
            intermediatesPEM: intermediates.map(\.pem)
        )
    }
}

/// The checks every certificate entering the appliance goes through (certconfig.md §8), used by
/// IMPORT, PASTE and EDIT → SIGNED. A refusal throws the one-line message; nothing is staged.
enum CertificateChecks {
    /// Checks `leaf` with `key` and the `candidates` for its chain at `now`.
    /// `profileName` names the profile the certificate is for, to warn when a listener that uses it
    /// sits on an interface whose host name the certificate does not name (SG-10).
    static func admit(
        leaf: Certificate,
        key: PrivateKey,
        candidates: [Certificate],
        checkFQDN: Bool,
        profileName: ProfileName,
        configuration: ApplianceConfiguration,
        now: Date
    ) throws(ShellError) -> AdmittedCertificate {
        var notes: [String] = []
        try checkLeaf(leaf, now: now)
        try checkKey(key, matches: leaf)
        let days = Int(leaf.notAfter.timeIntervalSince(now) / 86_400)
        if days < 30 { notes.append("Warning: the certificate expires in \(counted(days, "day")).") }
        // Row 6: FQDN, only when asked.
        if checkFQDN {
            if let cn = leaf.subject.commonName, !HostnameRules.isFQDN(cn, allowWildcard: true) {
                throw .actionFailed("The Common Name \"\(cn)\" is not a fully qualified domain name.")
            }
            for name in leaf.subjectAlternativeDNSNames where !HostnameRules.isFQDN(name, allowWildcard: true) {
                throw .actionFailed("The SAN \"\(name)\" is not a fully qualified domain name.")
            }
        }
        // Row 5: chain normalisation against the enabled CA lists.
        let chain = ChainCheck.normalise(
            leaf: leaf,
            candidates: candidates,
            // A self-signed leaf has no chain to check: the CA lists are not even read.
            trusted: leaf.isSelfSigned && candidates.isEmpty
                ? [] : CertConfigSupport.trustedCertificates(configuration),
            now: now
        )
        notes += chain.notes.map(message)
        // Row 7.
        guard chain.intermediates.count <= ChainCheck.maximumIntermediates else {
            throw .actionFailed("Too many intermediate certificates (at most \(ChainCheck.maximumIntermediates)).")
        }
        notes += listenerHostWarnings(leaf, profileName: profileName, configuration: configuration)
        return AdmittedCertificate(certificate: leaf, key: key, intermediates: chain.intermediates, notes: notes)
    }

    /// Rows 3 and 4, the refusals that need only the certificate: a dialog runs them as soon as the
    /// certificate is given, before asking for anything else.
    static func checkLeaf(_ leaf: Certificate, now: Date) throws(ShellError) {
        // Row 3: key type and size.
        let description = leaf.publicKeyDescription
        guard description.isSupported else {
            throw .actionFailed("Unsupported key: \(description).")
        }
        // Row 4: validity at the injected time.
        if leaf.notAfter < now {
            throw .actionFailed("The certificate expired on \(CertConfigSupport.date(leaf.notAfter)).")
        }
        if leaf.notBefore > now.addingTimeInterval(300) {
            throw .actionFailed("The certificate is not valid before \(CertConfigSupport.date(leaf.notBefore)).")
        }
    }

    /// Row 2: the key is the certificate's (run as soon as the key is given).
    static func checkKey(_ key: PrivateKey, matches leaf: Certificate) throws(ShellError) {
        guard key.matches(leaf) else { throw .actionFailed("The private key does not match the certificate.") }
    }

    /// Whether the chain of `leaf` over `candidates` still misses an intermediate (more pasted
    /// certificates could complete it); a chain that reaches a given root or a trusted CA does not.
    static func missesIntermediate(
        _ leaf: Certificate,
        _ candidates: [Certificate],
        configuration: ApplianceConfiguration,
        now: Date
    ) -> Bool {
        let trusted = leaf.isSelfSigned ? [] : CertConfigSupport.trustedCertificates(configuration)
        return ChainCheck.normalise(leaf: leaf, candidates: candidates, trusted: trusted, now: now).notes.contains {
            if case .incomplete = $0 { return true }
            return false
        }
    }

    static func message(_ note: ChainNote) -> String {
        switch note {
        case .removedDuplicate(let cn): "Note: removed duplicate intermediate certificate \"\(cn)\"."
        case .removedRoot(let cn): "Note: removed root certificate \"\(cn)\"."
        case .removedUnrelated(let cn): "Note: removed unrelated certificate \"\(cn)\"."
        case .removedNotTheIssuer(let cn, let missing):
            "Note: removed certificate \"\(cn)\": it is not the missing issuer \"\(missing)\"."
        case .incomplete(let issuer): "Warning: the chain is incomplete: no certificate for issuer \"\(issuer)\"."
        case .untrustedRoot(let cn):
            "Warning: the root certificate \"\(cn)\" is in no enabled CA list: add it under CERTAUTHORITY to trust the chain."
        case .intermediateExpired(let cn, let date):
            "Warning: intermediate certificate \"\(cn)\" expired on \(CertConfigSupport.date(date))."
        }
    }

    /// The listener rule of listenerconfig.md §3 for listeners already bound to the profile.
    static func listenerHostWarnings(
        _ leaf: Certificate,
        profileName: ProfileName,
        configuration: ApplianceConfiguration
    ) -> [String] {
        configuration.listeners.compactMap { listener in
            guard profileName.names(listener.certificate),
                let host = CertificateRules.interfaceHost(of: listener, in: configuration)
            else { return nil }
            return CertificateRules.hostWarning(profile: profileName.text, certificate: leaf, host: host)
        }
    }
}
