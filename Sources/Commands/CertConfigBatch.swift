import ApplianceConfig
import Certificates
import Foundation
import Shell

/// The batch forms of certconfig (§13): `list`, `print`, `expiring [DAYS]`.
enum CertConfigBatch: String, CaseIterable {
    case list
    case print
    case expiring

    static let usage = "Usage: certconfig list | certconfig print | certconfig expiring [{days}]"

    static func run(_ arguments: [String], in session: Session) throws {
        guard let form = Self(rawValue: arguments[0].lowercased()) else {
            throw ShellError.invalidInput("\(usage)\nUnknown subcommand \"\(arguments[0])\".")
        }
        try form.perform(Array(arguments.dropFirst()), session)
    }

    func perform(_ arguments: [String], _ session: Session) throws {
        switch self {
        case .list: try Self.list(arguments, session)
        case .print: try Self.printBindings(arguments, session)
        case .expiring: try Self.expiring(arguments, session)
        }
    }

    private static func noArguments(_ arguments: [String]) throws {
        if let extra = arguments.first { throw ShellError.invalidInput("\(usage)\nUnexpected argument \"\(extra)\".") }
    }

    static func list(_ arguments: [String], _ session: Session) throws {
        try noArguments(arguments)
        session.page(CertificateList.lines(session.configuration, now: session.clock.now()).joined(separator: "\n"))
    }

    static func printBindings(_ arguments: [String], _ session: Session) throws {
        try noArguments(arguments)
        session.page(CertConfigServices.lines(session.configuration).joined(separator: "\n"))
    }

    /// Profiles and custom CAs whose certificate ends within `days` (expired ones included); the
    /// command fails (status 3) when there is any, so that cron can alert.
    static func expiring(_ arguments: [String], _ session: Session) throws {
        guard arguments.count <= 1 else {
            throw ShellError.invalidInput("\(usage)\nUnexpected argument \"\(arguments[1])\".")
        }
        var days = 30
        if let text = arguments.first {
            guard let number = Int(text), (0...36500).contains(number) else {
                throw ShellError.invalidInput("\(usage)\nThe number of days must be a number from 0 to 36500.")
            }
            days = number
        }
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
