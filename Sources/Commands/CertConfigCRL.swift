import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell
import TextSupport

/// CRL (§11): certificate revocation lists, read from `/configuration` (PEM or DER), accepted only
/// when a CA of an enabled list signed them, stored as PEM.
enum CertConfigCRL {
    static func run(_ session: Session) throws {
        let operations = [
            MenuItem("NEW", "Import a CRL.") { try new(session) },
            MenuItem("DELETE", "Remove a CRL.") { try delete(session) },
            MenuItem("PRINT", "Display the CRLs.") { CertConfigCRL.print(session) },
        ]
        try session.dialog.run { _ in Menu(status: summary(session.configuration), operations) }
    }

    static func summary(_ config: ApplianceConfiguration) -> [String] {
        ["Certificate Revocation Lists: \(config.revocationLists.count)"]
    }

    // MARK: NEW

    /// NEW: file, checks (readable CRL, signed by an enabled CA, not a copy of a stored one; an
    /// expired next update only warns), then the name.
    static func new(_ session: Session) throws {
        let folder = ConfigurationFolder(session)
        guard let file = try folder.askInputName() else { return }
        let bytes = [UInt8](try folder.read(file, what: "a CRL"))
        guard let list = try? RevocationList(fileContents: bytes) else {
            throw ShellError.actionFailed(
                "The file \"\(file)\" does not hold a certificate revocation list (PEM or DER)."
            )
        }
        let config = session.configuration
        guard CertConfigSupport.trustedCertificates(config).contains(where: { list.isSigned(by: $0) }) else {
            throw ShellError.actionFailed(
                "The CRL in \"\(file)\" is not signed by a certificate authority of an enabled list"
                    + " (issuer: \(describe(list.issuer)))."
            )
        }
        if let copy = config.revocationLists.first(where: { (try? RevocationList(pem: $0.pem)) == list }) {
            throw ShellError.actionFailed("This CRL is already stored as \"\(copy.name)\".")
        }
        if let next = list.nextUpdate, list.isExpired(at: session.clock.now()) {
            session.dialog.block([
                "Warning: the next update of this CRL (\(CertConfigSupport.date(next))) has passed;"
                    + " get a newer one from its issuer."
            ])
        }
        guard let answer = try askName(session, suggested: suggestedName(file)) else { return }
        let (name, replacing) = (answer.name, answer.replacing)
        let record = RevocationListRecord(name: name, pem: list.pem)
        session.stage { config in
            if let index = config.revocationLists.index(of: name) {
                config.revocationLists[index] = record
            } else {
                config.revocationLists.append(record)
            }
        }
        let revoked = list.revokedSerials.count
        session.dialog.block([
            "CRL \"\(name)\" \(replacing ? "replaced" : "imported") (issuer: \(describe(list.issuer)),"
                + " \(revoked) revoked \(revoked == 1 ? "certificate" : "certificates"))."
        ])
    }

    /// The name question, with the overwrite question for an existing name. nil when the admin
    /// declines to overwrite.
    private static func askName(
        _ session: Session,
        suggested: String?
    ) throws -> (name: RevocationListName, replacing: Bool)? {
        let name = try session.dialog.askBare(
            ["Enter a name for this CRL:"],
            default: suggested,
            format: AnswerFormat(
                "A CRL name of 1 to 64 letters, digits, \"_\" and \"-\"; an existing name replaces that CRL.",
                check: checkName
            )
        )
        guard let existing = session.configuration.revocationLists[RevocationListName(name)] else {
            return (RevocationListName(name), false)
        }
        guard
            try session.dialog.yesNo(
                "CRL \"\(existing.name)\" already exists. Do you want to overwrite it?",
                default: false
            )
        else { return nil }
        return (existing.name, true)
    }

    /// CRL names follow the profile name rules (§1): letters, digits, `_`, `-`; 1–64 characters.
    static func checkName(_ name: String) -> Result<String, ShellError> {
        guard isValidName(name) else {
            return .failure(.invalidInput("Symbols are not allowed in the CRL name."))
        }
        guard name.count <= 64 else {
            return .failure(.invalidInput("The CRL name must be at most 64 characters."))
        }
        return .success(name)
    }

    private static func isValidName(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-"
        }
    }

    /// The file's name without its extension, offered as the default name when it is a valid one.
    private static func suggestedName(_ file: String) -> String? {
        let stem = file.deletingPathExtension
        guard !stem.isEmpty, stem.count <= 64, isValidName(stem) else { return nil }
        return stem
    }

    private static func describe(_ name: DistinguishedName) -> String {
        name.oneLine.isEmpty ? "(empty name)" : name.oneLine
    }

    // MARK: DELETE

    static func delete(_ session: Session) throws {
        let lists = session.configuration.revocationLists
        guard !lists.isEmpty else { throw ShellError.actionFailed("There are no certificate revocation lists.") }
        let chosen = lists[
            try session.dialog.choose(["Select the CRL you wish to delete:"], items: lists.map(\.name.text))
        ]
        guard try session.dialog.yesNo("Are you sure you want to delete the CRL \"\(chosen.name)\"?", default: false)
        else { return }
        session.stage { config in
            config.revocationLists.remove(chosen.name)
        }
        session.dialog.block(["CRL \"\(chosen.name)\" deleted."])
    }

    // MARK: PRINT

    static func print(_ session: Session) {
        let lists = session.configuration.revocationLists
        guard !lists.isEmpty else {
            session.dialog.block(["No certificate revocation lists are configured."])
            return
        }
        let now = session.clock.now()
        var lines: [String] = []
        for record in lists {
            if !lines.isEmpty { lines.append("") }
            lines += entry(record, now: now)
        }
        session.dialog.block(lines)
    }

    static func entry(_ record: RevocationListRecord, now: Date) -> [String] {
        guard let list = try? RevocationList(pem: record.pem) else {
            return ["Name:        \(record.name)", "Issuer:      (the stored CRL cannot be read)"]
        }
        let next =
            list.nextUpdate.map { CertConfigSupport.date($0) + (list.isExpired(at: now) ? " (passed)" : "") }
            ?? "(none)"
        let revoked = list.revokedSerials.count
        return [
            "Name:        \(record.name)",
            "Issuer:      \(describe(list.issuer))",
            "Last Update: \(CertConfigSupport.date(list.lastUpdate))",
            "Next Update: \(next)",
            "Revoked:     \(revoked) \(revoked == 1 ? "certificate" : "certificates")",
        ]
    }
}
