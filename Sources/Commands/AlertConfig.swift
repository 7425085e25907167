import ApplianceConfig
import DomainNames
import Shell

/// `alertconfig` (other-commands.md §5): who receives email alerts of which class and severity, and
/// the intervals that suppress duplicate alerts.
public struct AlertConfigCommand: DeclaredCommand {
    public let grammar = AlertConfigCommand.batchGrammar(
        CommandConfiguration(
            "alertconfig",
            summary: "Configure email alerts.",
            requiresCommit: true,
            viewingForms: ["list"]
        )
    )

    /// The longest duplicate-alert interval accepted, in seconds (one day).
    static let longestInterval = 86_400

    func menu(_ session: Session) throws {
        try session.dialog.run { _ in
            let alerts = session.configuration.alerts
            var items = [MenuItem("NEW", "Add a new email address to send alerts.") { try create(in: session) }]
            if !alerts.recipients.isEmpty {
                items += [
                    MenuItem("EDIT", "Modify an email address.") { try edit(in: session) },
                    MenuItem("DELETE", "Remove an email address.") { try delete(in: session) },
                    MenuItem("CLEAR", "Remove all email addresses (disable alerts).") {
                        session.stage { $0.alerts.recipients = [] }
                    },
                ]
            }
            items.append(MenuItem("SETUP", "Configure alert settings.") { try setup(in: session) })
            return Menu(status: Self.listing(alerts), items)
        }
    }

    /// The recipients with their classes and severities, then the duplicate-alert intervals.
    static func listing(_ alerts: AlertSettings) -> [String] {
        var lines: [String] = []
        if alerts.recipients.isEmpty {
            lines.append("No alert recipients configured.")
        } else {
            lines.append("Sending alerts to:")
            for address in alerts.addresses {
                lines.append("  \(address)")
                for entry in alerts.entries(for: address) {
                    lines.append("    Class: \(entry.alertClass.rawValue) - Severities: \(entry.severity.rawValue)")
                }
            }
        }
        return lines + [
            "",
            "Initial number of seconds to wait before sending a duplicate alert: \(alerts.initialDuplicateSeconds)",
            "Maximum number of seconds to wait before sending a duplicate alert: \(alerts.maximumDuplicateSeconds)",
        ]
    }

    // MARK: Operations

    private func create(in session: Session) throws {
        let alerts = session.configuration.alerts
        guard
            let address = try session.dialog.ask(
                ["Please enter a new email address to send alerts.", "(Ex: \"administrator@example.com\")"],
                format: Self.newAddress(in: alerts, except: nil)
            )
        else { return }
        let alertClass = try askClass(default: .all, in: session)
        let severity = try askSeverity(default: .all, in: session)
        session.stage { $0.alerts.set(address, alertClass: alertClass, severity: severity) }
    }

    private func edit(in session: Session) throws {
        let alerts = session.configuration.alerts
        guard let current = try chooseAddress("Choose the email address you wish to edit:", in: session) else { return }
        guard
            let address = try session.dialog.ask(
                ["Please enter the email address to send alerts."],
                default: current,
                format: Self.newAddress(in: alerts, except: current)
            )
        else { return }
        let entries = alerts.entries(for: current)
        let alertClass = try askClass(default: entries.first?.alertClass ?? .all, in: session)
        let severity = try askSeverity(
            default: entries.first { $0.alertClass == alertClass }?.severity ?? .all,
            in: session
        )
        session.stage {
            $0.alerts.rename(current, to: address)
            $0.alerts.set(address, alertClass: alertClass, severity: severity)
        }
    }

    private func delete(in session: Session) throws {
        guard let address = try chooseAddress("Choose the email address you wish to delete:", in: session) else {
            return
        }
        session.stage { $0.alerts.remove(address) }
    }

    private func setup(in session: Session) throws {
        let alerts = session.configuration.alerts
        guard
            let initial = try session.dialog.askNumber(
                ["Enter the initial number of seconds to wait before sending a duplicate alert."],
                range: 1...Self.longestInterval,
                default: min(max(alerts.initialDuplicateSeconds, 1), Self.longestInterval)
            ),
            let maximum = try session.dialog.askNumber(
                ["Enter the maximum number of seconds to wait before sending a duplicate alert."],
                range: initial...Self.longestInterval,
                default: min(max(alerts.maximumDuplicateSeconds, initial), Self.longestInterval)
            )
        else { return }
        session.stage {
            $0.alerts.initialDuplicateSeconds = initial
            $0.alerts.maximumDuplicateSeconds = maximum
        }
    }

    // MARK: Questions

    private func askClass(default current: AlertClass, in session: Session) throws -> AlertClass {
        try askCase(["Choose the Alert Class for which you wish to set the Severity:"], default: current, in: session)
    }

    private func askSeverity(default current: AlertSeverity, in session: Session) throws -> AlertSeverity {
        try askCase(["Select a Severity Level:"], default: current, in: session)
    }

    /// A numbered choice among the cases, listed by their names.
    private func askCase<Value: CaseIterable & RawRepresentable<String> & Equatable>(
        _ question: [String],
        default current: Value,
        in session: Session
    ) throws -> Value {
        let cases = Array(Value.allCases)
        let index = try session.dialog.choose(
            question,
            items: cases.map(\.rawValue),
            default: cases.firstIndex(of: current) ?? 0
        )
        return cases[index]
    }

    /// A numbered list of the addresses; the answer is a number (no default: empty abandons).
    private func chooseAddress(_ question: String, in session: Session) throws -> String? {
        let addresses = session.configuration.alerts.addresses
        let lines = [question] + addresses.enumerated().map { "\($0.offset + 1). \($0.element)" }
        return try session.dialog.pick(lines, from: addresses)
    }

    // MARK: Rules

    /// An address typed at a question: valid, and not receiving alerts yet.
    static func newAddress(in alerts: AlertSettings, except: String?) -> AnswerFormat<String> {
        AnswerFormat("An email address such as administrator@example.com that receives no alerts yet.") {
            checkNewAddress($0, in: alerts, except: except)
        }
    }

    /// A valid address that does not receive alerts yet (`except` is the address being edited).
    static func checkNewAddress(_ text: String, in alerts: AlertSettings, except: String?) -> Result<String, ShellError>
    {
        guard EmailAddress.isValid(text) else {
            return .failure(
                .invalidInput("Invalid email address \"\(text)\". Enter an address such as administrator@example.com.")
            )
        }
        let isSelf = MailAddress(text).names(except)
        if !isSelf, let existing = alerts.addresses.first(named: MailAddress(text), by: { $0 }) {
            return .failure(.invalidInput("The address \(existing) already receives alerts."))
        }
        return .success(text)
    }
}

/// Email address syntax for alert recipients: `local@domain`, the local part of RFC 5322 atom
/// characters and single dots, the domain a fully qualified host name.
enum EmailAddress {
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, HostnameRules.isFQDN(String(parts[1])) else { return false }
        let local = parts[0]
        let specials = Set("!#$%&'*+/=?^_`{|}~-")
        guard (1...64).contains(local.utf8.count), local.first != ".", local.last != ".", !local.contains("..")
        else { return false }
        return local.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || specials.contains($0)) }
    }
}
