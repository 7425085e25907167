import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell

/// The batch forms of certconfig (§13): `list`, `print`, `expiring [DAYS]` (the grammar is
/// `CertConfigCommand.grammar`).
enum CertConfigBatch {
    static func list(_ session: Session) {
        session.page(CertificateList.lines(session.configuration, now: session.clock.now()).joined(separator: "\n"))
    }

    static func printBindings(_ session: Session) {
        session.page(CertConfigServices.lines(session.configuration).joined(separator: "\n"))
    }

    /// Profiles and custom CAs whose certificate ends within `days` (expired ones included); the
    /// command fails (status 3) when there is any, so that cron can alert.
    static func expiring(days: Int, _ session: Session) throws {
        let config = session.configuration
        let now = session.clock.now()
        let limit = now.addingTimeInterval(TimeInterval(days) * 86_400)
        var found: [String] = []
        func describe(_ what: String, _ certificate: Certificate) -> String {
            let date = CertConfigSupport.date(certificate.notAfter)
            if certificate.notAfter < now { return "\(what) expired on \(date)." }
            return
                "\(what) expires in \(counted(CertificateList.remainingDays(certificate, now: now), "day")) (\(date))."
        }
        for record in config.certificates {
            guard let certificate = try? Certificate(pem: record.certificatePEM), certificate.notAfter <= limit else {
                continue
            }
            found.append(describe("Certificate profile \"\(record.name)\"", certificate))
        }
        for pem in config.certificateAuthorities.customCertificatesPEM {
            guard let certificate = try? Certificate(pem: pem), certificate.notAfter <= limit else { continue }
            found.append(
                describe(
                    "Custom certificate authority \"\(TerminalSafe.escaped(certificate.subject.displayName))\"",
                    certificate
                )
            )
        }
        guard !found.isEmpty else {
            session.console.write("No certificate expires within \(days) days.\n")
            return
        }
        session.page(found.joined(separator: "\n"))
        throw ShellError.actionFailed(
            found.count == 1
                ? "1 certificate expires within \(days) days."
                : "\(found.count) certificates expire within \(days) days."
        )
    }
}
