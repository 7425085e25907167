import DomainNames
import FoundationEssentials
import TextSupport

/// The element layouts of alerts, listeners and the listener settings (other-commands.md §6).
///
/// A listener's Host Access Table travels as the text of listenerconfig.md §4.2 (`HostAccessText`)
/// and its Recipient Access Table as the text RCPTACCESS PRINT shows (`RecipientAccessText`), each
/// in CDATA; the HAT defaults, which that text does not carry, have their own `<hat_defaults>`.
enum XMLSections {
    static func writeAlerts(_ alerts: AlertSettings, to writer: inout XMLWriter) {
        writer.open("alerts")
        for recipient in alerts.recipients {
            writer.open("recipient")
            writer.element("address", recipient.address)
            writer.element("class", recipient.alertClass.rawValue)
            writer.element("severity", recipient.severity.rawValue)
            writer.close("recipient")
        }
        writer.element("initial_duplicate_seconds", String(alerts.initialDuplicateSeconds))
        writer.element("maximum_duplicate_seconds", String(alerts.maximumDuplicateSeconds))
        writer.close("alerts")
    }

    static func writeListenerSettings(_ settings: ListenerSettings, to writer: inout XMLWriter) {
        writer.open("listener_settings")
        writer.element("max_concurrent_connections", String(settings.maxConcurrentConnections))
        writer.element("connection_timeout_seconds", String(settings.connectionTimeoutSeconds))
        writer.element("max_connection_seconds", String(settings.maxConnectionSeconds))
        writer.close("listener_settings")
    }

    static func writeListener(_ listener: Listener, to writer: inout XMLWriter) {
        writer.open("listener")
        writer.element("name", listener.name.text)
        writer.element("type", listener.kind.rawValue)
        writer.element("interface", listener.interface.text)
        writer.element("port", String(listener.port))
        writer.element("max_connections", String(listener.maxConnections))
        writer.optional("certificate", listener.certificate?.text)
        writer.open("hat_defaults")
        for key in MailFlowParameters.Key.allCases {
            switch listener.hostAccess.defaults.value(key) {
            case .number(let number)?: writer.element(key.rawValue, String(number))
            case .word(let word)?: writer.element(key.rawValue, word)
            case nil: break
            }
        }
        writer.close("hat_defaults")
        writer.cdata("hat", HostAccessText.print(listener.hostAccess))
        writer.cdata("rat", RecipientAccessText.print(listener.recipientAccess))
        writer.close("listener")
    }
}

extension ConfigurationReader {
    /// The file line of line `line` of the text of `node`: the text starts on the line of the tag.
    static func fileLine(_ node: XMLNode, _ line: Int) -> Int { node.line + line - 1 }

    /// The raw text of an element that holds a text format (no child elements).
    static func embeddedText(_ node: XMLNode) throws(XMLConfigError) -> String {
        if let child = node.children.first {
            throw XMLConfigError(.invalid, line: child.line, .unexpectedElement(child.name, in: node.name))
        }
        return node.text
    }

    mutating func readAlerts(_ node: XMLNode) throws(XMLConfigError) -> AlertSettings {
        let element = try Element(
            node,
            allowed: ["recipient", "initial_duplicate_seconds", "maximum_duplicate_seconds"]
        )
        var alerts = AlertSettings()
        for node in element.all("recipient") {
            let recipient = try Element(node, allowed: ["address", "class", "severity"])
            let addressNode = try recipient.required("address")
            let address = try Element.value(addressNode)
            guard !address.isEmpty, !address.contains(where: \.isWhitespace) else {
                throw XMLConfigError(.invalid, line: addressNode.line, .invalidAddress(address))
            }
            let classNode = try recipient.required("class")
            let className = try Element.value(classNode)
            guard let alertClass = AlertClass(named: className) else {
                throw XMLConfigError(.invalid, line: classNode.line, .unknownAlertClass(className))
            }
            let severityNode = try recipient.required("severity")
            let severityName = try Element.value(severityNode)
            guard let severity = AlertSeverity(named: severityName) else {
                throw XMLConfigError(.invalid, line: severityNode.line, .unknownSeverity(severityName))
            }
            alerts.recipients.append(AlertRecipient(address: address, alertClass: alertClass, severity: severity))
        }
        if let node = try element.single("initial_duplicate_seconds") {
            alerts.initialDuplicateSeconds = try Element.number(node, in: 1...Int(Int32.max))
        }
        if let node = try element.single("maximum_duplicate_seconds") {
            alerts.maximumDuplicateSeconds = try Element.number(node, in: 1...Int(Int32.max))
        }
        if alerts.maximumDuplicateSeconds < alerts.initialDuplicateSeconds {
            throw XMLConfigError(.invalid, line: node.line, .duplicateSecondsOrder)
        }
        return alerts
    }

    func readListenerSettings(_ node: XMLNode) throws(XMLConfigError) -> ListenerSettings {
        let element = try Element(
            node,
            allowed: ["max_concurrent_connections", "connection_timeout_seconds", "max_connection_seconds"]
        )
        var settings = ListenerSettings()
        if let node = try element.single("max_concurrent_connections") {
            settings.maxConcurrentConnections = try Element.number(node, in: 1...Int(Int32.max))
        }
        if let node = try element.single("connection_timeout_seconds") {
            settings.connectionTimeoutSeconds = try Element.number(node, in: 1...Int(Int32.max))
        }
        if let node = try element.single("max_connection_seconds") {
            settings.maxConnectionSeconds = try Element.number(node, in: 1...Int(Int32.max))
        }
        return settings
    }

    mutating func readListener(_ node: XMLNode) throws(XMLConfigError) -> Listener {
        let element = try Element(
            node,
            allowed: [
                "name", "type", "interface", "port", "max_connections", "certificate", "hat_defaults", "hat", "rat",
            ]
        )
        let nameNode = try element.required("name")
        let name = try Element.value(nameNode)
        guard Listener.isValidName(name) else {
            throw XMLConfigError(.invalid, line: nameNode.line, .invalidListenerName(name))
        }
        let typeNode = try element.required("type")
        let typeName = try Element.value(typeNode)
        guard let kind = ListenerKind(rawValue: typeName.lowercased()) else {
            throw XMLConfigError(.invalid, line: typeNode.line, .listenerType(typeName))
        }
        var defaults = MailFlowParameters.factoryDefaults
        if let node = try element.single("hat_defaults") {
            defaults = try readHostAccessDefaults(node)
        }
        let hatNode = try element.required("hat")
        let hatText = try Self.embeddedText(hatNode)
        let hostAccess: HostAccessTable
        do {
            hostAccess = try HostAccessText.parse(hatText, defaults: defaults)
        } catch {
            throw XMLConfigError(.invalid, line: Self.fileLine(hatNode, error.line), .text(error.code))
        }
        let ratNode = try element.required("rat")
        let ratText = try Self.embeddedText(ratNode)
        let recipientAccess: [RecipientAccessEntry]
        do {
            recipientAccess = try RecipientAccessText.parse(ratText)
        } catch {
            throw XMLConfigError(.invalid, line: Self.fileLine(ratNode, error.line), .text(error.code))
        }
        let listener = Listener(
            name: ListenerName(name),
            kind: kind,
            interface: InterfaceName(try Element.value(try element.required("interface"))),
            port: try Element.port(try element.required("port")),
            certificate: try element.single("certificate").flatMap { node throws(XMLConfigError) in
                try Element.name(node)
            },
            maxConnections: try element.single("max_connections").map { node throws(XMLConfigError) in
                try Element.number(node, in: 1...Int(Int32.max))
            } ?? 50,
            hostAccess: hostAccess,
            recipientAccess: recipientAccess
        )
        note("listenerconfig", .listener(name), node)
        return listener
    }

    /// One child per HAT PRINT key; a key left out keeps its factory value.
    private func readHostAccessDefaults(_ node: XMLNode) throws(XMLConfigError) -> MailFlowParameters {
        let keys = MailFlowParameters.Key.allCases
        let element = try Element(node, allowed: keys.map(\.rawValue))
        var defaults = MailFlowParameters.factoryDefaults
        for key in keys {
            guard let child = try element.single(key.rawValue) else { continue }
            let text = try Element.value(child)
            let value: MailFlowParameters.Value = Int(text).map { .number($0) } ?? .word(text.lowercased())
            if let problem = defaults.set(key, value) {
                throw XMLConfigError(.invalid, line: child.line, .hostAccessDefaults(problem))
            }
        }
        return defaults
    }

    /// `<crl>` elements with a unique name and the PEM text.
    func readRevocationLists(_ node: XMLNode) throws(XMLConfigError) -> KeyedList<RevocationListRecord> {
        let element = try Element(node, allowed: ["crl"])
        var lists = KeyedList<RevocationListRecord>()
        for node in element.all("crl") {
            let crl = try Element(node, allowed: ["name", "pem"])
            let nameNode = try crl.required("name")
            let name = try Element.value(nameNode)
            guard !name.isEmpty else {
                throw XMLConfigError(.invalid, line: nameNode.line, .emptyRevocationListName)
            }
            if lists[RevocationListName(name)] != nil {
                throw XMLConfigError(.invalid, line: nameNode.line, .duplicateRevocationListName(name))
            }
            let pemNode = try crl.required("pem")
            let pem = try Self.embeddedText(pemNode)
            guard pem.contains("-----BEGIN X509 CRL-----") else {
                throw XMLConfigError(.invalid, line: pemNode.line, .notARevocationList(name))
            }
            lists.append(RevocationListRecord(name: RevocationListName(name), pem: pem))
        }
        return lists
    }

    /// `<global>` and the INI text of destconfig.md §10 in `<destinations>`.
    mutating func readDestinations(
        _ node: XMLNode
    ) throws(XMLConfigError) -> (defaults: DestinationDefaults, entries: [DestinationEntry]) {
        let destconfig = try Element(node, allowed: ["global", "destinations"])
        var globals = DestinationDefaults()
        if let global = try destconfig.single("global") {
            let element = try Element(global, allowed: ["outbound_certificate", "required_tls_alert"])
            if let node = try element.single("outbound_certificate") {
                globals.outboundCertificate = try Element.name(node)
                note("destconfig", .destinationDefaults, node)
            }
            if let node = try element.single("required_tls_alert") {
                globals.requiredTLSAlert = try Element.flag(node)
            }
        }
        guard let tableNode = try destconfig.single("destinations") else { return (globals, []) }
        let text = try Self.embeddedText(tableNode)
        let tables: DestinationTables
        do {
            tables = try DestinationINI.decode(text, globals: globals)
        } catch {
            throw XMLConfigError(.invalid, line: Self.fileLine(tableNode, error.line), .text(error.code))
        }
        // Each domain's complaints name its section header.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            let header = raw.trimmingWhitespaceAndNewlines()
            guard header.hasPrefix("["), header.hasSuffix("]"), header.count >= 2 else { continue }
            // The section's domain as the entry stores it (what the subject shows).
            guard
                let domain = DestinationLimits.normalizedDomain(
                    String(header.dropFirst().dropLast().trimmingWhitespace())
                )
            else { continue }
            note("destconfig", .named(domain.text), line: Self.fileLine(tableNode, index + 1))
        }
        return (tables.defaults, tables.entries)
    }
}
