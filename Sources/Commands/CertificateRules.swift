import ApplianceConfig
import Certificates
import DomainNames
import FoundationEssentials
import Shell

/// The rules every command applies when a certificate is bound to a service: the Demo warning
/// (certconfig.md §10), the interface host name rule (listenerconfig.md §3, seed-guide SG-9/SG-10),
/// and the commit-time warnings of commit.md §8.3.
enum CertificateRules {
    /// The Demo warning, shown when `Demo` is chosen or TLS is enabled while `Demo` is bound.
    static let demoWarning = [
        "The \"Demo\" certificate is currently configured. You may use \"Demo\", but this will not be secure.",
        "To assure privacy, run \"certconfig\" first.",
    ]

    /// Whether `profile` is the Demo profile.
    static func isDemo(_ profile: String?) -> Bool {
        ProfileName.demo.names(profile)
    }

    /// Whether the profile a reference names is the Demo profile.
    static func isDemo(_ profile: ProfileName?) -> Bool { profile?.isDemo ?? false }

    /// The Common Name followed by the DNS subject alternative names, without repeats.
    static func names(of certificate: Certificate) -> [String] {
        var names: [String] = []
        for name in [certificate.subject.commonName].compactMap({ $0 }) + certificate.subjectAlternativeDNSNames
        where !names.contains(named: HostName(name), by: { $0 }) {
            names.append(name)
        }
        return names
    }

    /// Whether a certificate name covers `host`: equal ignoring case, or `*.rest` for exactly one label.
    static func covers(_ name: String, _ host: String) -> Bool {
        let host = host.lowercased()
        let name = name.lowercased()
        if host == name { return true }
        guard name.hasPrefix("*.") else { return false }
        let rest = name.dropFirst(1)  // ".example.com"
        guard host.hasSuffix(rest) else { return false }
        let label = host.dropLast(rest.count)
        return !label.isEmpty && !label.contains(".")
    }

    /// The warning for a listener certificate that does not name its interface's host name, or nil.
    static func hostWarning(profile: String, certificate: Certificate, host: String) -> String? {
        let names = names(of: certificate)
        if names.contains(where: { covers($0, host) }) { return nil }
        let named = names.isEmpty ? "no host name" : names.joined(separator: ", ")
        return "Warning: certificate \"\(profile)\" does not name the interface host name \"\(host)\" "
            + "(it names: \(named)). Senders that verify the certificate will fail."
    }

    /// The host name of the interface a listener runs on.
    static func interfaceHost(of listener: Listener, in configuration: ApplianceConfiguration) -> String? {
        configuration.interface(named: listener.interface)?.hostname
    }

    /// Warnings that do not stop a commit (commit.md §8.3): a bound certificate expired or expiring
    /// within 30 days, and a listener certificate that does not name its interface host name.
    static func commitWarnings(_ configuration: ApplianceConfiguration, now: Date) -> [String] {
        var warnings: [String] = []
        // Parsed and reported once per profile, however its references spell it.
        var parsed: [FoldedName<CertificateProfiles>: Certificate] = [:]
        func certificate(_ profile: String) -> Certificate? {
            let key = ProfileName(profile).key
            if let known = parsed[key] { return known }
            guard let record = configuration.certificate(named: profile),
                let certificate = try? Certificate(pem: record.certificatePEM)
            else { return nil }
            parsed[key] = certificate
            return certificate
        }
        var reported = Set<FoldedName<CertificateProfiles>>()
        for binding in CertificateBinding.all(in: configuration) {
            guard let profile = binding.profile, let leaf = certificate(profile),
                reported.insert(ProfileName(profile).key).inserted
            else { continue }
            switch leaf.validity(at: now) {
            case .expired:
                warnings.append(
                    "Warning: certificate \"\(profile)\" expired on \(CertConfigSupport.date(leaf.notAfter))."
                )
            case .valid(let days) where days < 30:
                warnings.append("Warning: certificate \"\(profile)\" expires in \(counted(days, "day")).")
            case .notYetValid:
                warnings.append(
                    "Warning: certificate \"\(profile)\" is not valid before \(CertConfigSupport.date(leaf.notBefore))."
                )
            case .valid:
                break
            }
        }
        for listener in configuration.listeners {
            guard let profile = listener.certificate?.text, !isDemo(profile), let leaf = certificate(profile),
                let host = interfaceHost(of: listener, in: configuration),
                let warning = hostWarning(profile: profile, certificate: leaf, host: host)
            else { continue }
            warnings.append(warning)
        }
        return warnings
    }
}
