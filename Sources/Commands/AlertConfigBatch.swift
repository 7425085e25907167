import ApplianceConfig
import Shell

/// The batch forms of `alertconfig`: `new`, `delete` and `list`.
extension AlertConfigCommand {
    enum BatchOperation: String, CaseIterable {
        case new, delete, list
    }

    func runBatch(_ arguments: [String], in session: Session) throws {
        let parsed: BatchArguments
        do {
            parsed = try BatchArguments(arguments, valued: ["class", "severity"])
        } catch {
            throw usage(error.message)
        }
        var words = parsed.positional
        guard !words.isEmpty else { throw usage("An operation is required: new, delete or list.") }
        let typed = words.removeFirst()
        guard case .found(let index) = Dialog.match(typed, among: BatchOperation.allCases.map(\.rawValue)) else {
            throw usage("Unknown operation \"\(typed)\".")
        }
        let operation = BatchOperation.allCases[index]
        if operation != .new, let option = parsed.options.keys.sorted().first {
            throw usage("The option \"--\(option)\" does not apply to \"\(operation.rawValue)\".")
        }
        let alerts = session.configuration.alerts
        switch operation {
        case .new:
            guard words.count == 1 else { throw usage("\"new\" takes one email address.") }
            guard let className = parsed.options["class"], let severityName = parsed.options["severity"] else {
                throw usage("The options \"--class\" and \"--severity\" are required.")
            }
            guard let alertClass = AlertClass(named: className) else {
                let names = AlertClass.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                throw usage("Unknown alert class \"\(className)\". Use one of \(names).")
            }
            guard let severity = AlertSeverity(named: severityName) else {
                throw usage("Unknown severity \"\(severityName)\". Use critical, warning, information or all.")
            }
            let address = try Self.checkNewAddress(words[0], in: alerts, except: nil).get()
            session.stage { $0.alerts.set(address, alertClass: alertClass, severity: severity) }
        case .delete:
            guard words.count == 1 else { throw usage("\"delete\" takes one email address.") }
            guard alerts.addresses.contains(where: { $0.caseInsensitiveCompare(words[0]) == .orderedSame }) else {
                throw ShellError.actionFailed("The address \"\(words[0])\" does not receive alerts.")
            }
            session.stage { $0.alerts.remove(words[0]) }
        case .list:
            guard words.isEmpty else { throw usage("Unexpected argument \"\(words[0])\".") }
            session.dialog.block(Self.listing(alerts))
        }
    }

    private func usage(_ problem: String) -> ShellError {
        .invalidInput((["Usage:"] + batchSyntax.map { "  " + $0 }).joined(separator: "\n") + "\n" + problem)
    }
}
