import ApplianceConfig
import Certificates
import DomainNames
import FoundationEssentials
import Shell

/// `listenerconfig` (listenerconfig.md §1–§5, §7): listeners, their certificate, Host Access Table
/// and Recipient Access Table, and the settings of all listeners.
public struct ListenerConfigCommand: DeclaredCommand {
    public let grammar = ListenerBatch.grammar(
        CommandConfiguration(
            "listenerconfig",
            summary: "Configure and manage public, private or blackhole listeners.",
            requiresCommit: true,
            viewingForms: ["list"]
        )
    )
}

/// The top menu of listenerconfig and its operations NEW, EDIT, DELETE and SETUP.
struct ListenerMenus {
    let session: Session
    var dialog: Dialog { session.dialog }

    func run() throws {
        try dialog.run { _ in
            let listeners = session.configuration.listeners
            var items = [MenuItem("NEW", "Create a new listener.") { try new() }]
            if !listeners.isEmpty {
                items.append(MenuItem("EDIT", "Modify a listener.") { try edit() })
                items.append(MenuItem("DELETE", "Remove a listener.") { try delete() })
            }
            items.append(MenuItem("SETUP", "Change global settings.") { try setup() })
            return Menu(status: ListenerText.list(session.configuration), items)
        }
    }

    // MARK: NEW

    func new() throws {
        let configuration = session.configuration
        guard !configuration.interfaces.isEmpty else {
            throw ShellError.actionFailed("No IP interfaces are configured. Use interfaceconfig first.")
        }
        let kindIndex = try dialog.choose(
            ["Please select the type of listener you want to create."],
            items: ["Private", "Public"],
            default: 1
        )
        let kind: ListenerKind = kindIndex == 0 ? .private : .public
        guard
            let name = try dialog.ask(
                ["Enter a name for this listener:"],
                format: ListenerText.newName(in: configuration, renaming: nil)
            )
        else { return }
        let interfaceIndex = try dialog.choose(
            ["Please choose an IP interface for this Listener."],
            items: configuration.interfaces.map(ListenerText.interfaceChoice),
            default: 0
        )
        let interface = configuration.interfaces[interfaceIndex].name
        try askProtocol()
        guard
            let port = try dialog.ask(
                ["Please enter the TCP port for this listener."],
                default: "25",
                format: ListenerText.port(interface: interface, in: configuration, except: nil)
            )
        else { return }
        var hosts: [String] = []
        var domains: [String] = []
        switch kind {
        case .public:
            domains =
                try dialog.ask(
                    [
                        "Please specify the domains for which you want to accept mail.",
                        "Hostnames such as \"example.com\" are allowed.",
                        "Partial hostnames such as \".example.com\" are allowed.",
                        "Separate multiple addresses with commas.",
                    ],
                    required: false,
                    format: ListenerText.domains
                ) ?? []
        case .private:
            hosts =
                try dialog.ask(
                    [
                        "Please specify the systems allowed to relay email through the appliance.",
                        "IP addresses, IP address ranges, and partial IP addresses are allowed.",
                    ],
                    required: false,
                    format: ListenerText.hosts
                ) ?? []
        }
        var listener = ListenerText.makeListener(
            name: name,
            kind: kind,
            interface: interface,
            port: port,
            domains: domains,
            relayHosts: hosts,
            configuration: configuration
        )
        dialog.block(ListenerText.defaultPolicyParameters(listener.hostAccess.defaults))
        if try dialog.yesNo("Would you like to change the default host access policy?", default: false) {
            listener.hostAccess.defaults = try PolicyParametersDialog(
                dialog: dialog,
                demoCertificate: listener.certificate?.isDemo ?? false
            ).defaults(listener.hostAccess.defaults)
        }
        let created = listener
        session.stage { $0.listeners.append(created) }
        dialog.block(
            "Listener \(name) created.",
            "Defaults have been set for a \(kind == .public ? "Public" : "Private") listener.",
            "Use the listenerconfig->EDIT command to customize the listener."
        )
    }

    /// `Choose a protocol.`: QMQP is listed but refused.
    private func askProtocol() throws {
        while true {
            let choice = try dialog.choose(["Choose a protocol."], items: ["SMTP", "QMQP"], default: 0)
            if choice == 0 { return }
            if !dialog.isInteractive { throw ShellError.invalidInput(ListenerText.qmqpRefused) }
            dialog.lines(ListenerText.qmqpRefused)
        }
    }

    // MARK: EDIT, DELETE, SETUP

    func edit() throws {
        guard let name = try selectListener("Enter the name or number of the listener you wish to edit.") else {
            return
        }
        try ListenerEditor(session: session, name: name).run()
    }

    func delete() throws {
        guard let name = try selectListener("Enter the name or number of the listener you wish to delete.") else {
            return
        }
        guard try dialog.yesNo("Are you sure you want to delete the listener \"\(name)\"?", default: false) else {
            return
        }
        session.stage { $0.listeners.remove(name) }
    }

    func setup() throws {
        let current = session.configuration.listenerSettings
        guard
            let limit = try dialog.askNumber(
                ["Please enter the global limit for concurrent connections to be allowed across all listeners."],
                range: ListenerText.globalConnectionRange,
                default: current.maxConcurrentConnections
            ),
            let timeout = try dialog.askNumber(
                ["Please enter the timeout in seconds for unsuccessful inbound connections."],
                range: ListenerText.timeoutRange,
                default: current.connectionTimeoutSeconds
            ),
            let total = try dialog.askNumber(
                ["Please enter the maximum connection time in seconds for inbound connections."],
                range: ListenerText.connectionTimeRange,
                default: current.maxConnectionSeconds
            )
        else { return }
        let settings = ListenerSettings(
            maxConcurrentConnections: limit,
            connectionTimeoutSeconds: timeout,
            maxConnectionSeconds: total
        )
        guard settings != current else { return }
        session.stage { $0.listenerSettings = settings }
    }

    /// Asks for a listener by name or number; nil on an empty answer.
    private func selectListener(_ question: String) throws -> ListenerName? {
        let configuration = session.configuration
        return try dialog.ask(
            [question],
            format: AnswerFormat("A listener's name or its number in the list.") {
                ListenerText.findListener($0, in: configuration)
            }
        )
    }
}

/// Texts, checks and small pure helpers shared by the dialogs and the batch forms.
enum ListenerText {
    static let qmqpRefused = "QMQP is not supported."
    static let portRange = 1...65535
    static let listenerConnectionRange = 1...1000
    static let globalConnectionRange = 1...10000
    static let timeoutRange = 1...3600
    static let connectionTimeRange = 1...86400
    static var portComplaint: String { complaint(portRange) }

    /// The answer rule of shell.md §6.3.
    static func complaint(_ range: ClosedRange<Int>) -> String {
        "Please enter a number from \(range.lowerBound) to \(range.upperBound)."
    }

    /// The complaint of a size question: the range in the answer's own form, and the suffixes.
    static func sizeComplaint(_ range: ClosedRange<Int>) -> String {
        "Please enter a size from \(PolicyParametersDialog.size(range.lowerBound)) to "
            + "\(PolicyParametersDialog.size(range.upperBound)): a number of bytes, or a number with a trailing "
            + "k (kilobytes) or M (megabytes), such as 10M."
    }

    /// `Currently configured listeners:` and one line each, or `No listeners configured.`
    static func list(_ configuration: ApplianceConfiguration) -> [String] {
        guard !configuration.listeners.isEmpty else { return ["No listeners configured."] }
        return ["Currently configured listeners:"]
            + configuration.listeners.enumerated().map { index, listener in
                let address = configuration.interfaces[listener.interface]?.address ?? "unknown address"
                let kind = listener.kind == .public ? "Public" : "Private"
                return "\(index + 1). \(listener.name) (on \(listener.interface), \(address)) SMTP TCP Port "
                    + "\(listener.port) \(kind)"
            }
    }

    /// The listener with this name, ignoring case.
    static func listener(named name: String, in configuration: ApplianceConfiguration) -> Listener? {
        configuration.listener(named: name)
    }

    /// `Management (192.168.42.42/24: ironport.example.com)`
    static func interfaceChoice(_ interface: NetworkInterface) -> String {
        "\(interface.name) (\(interface.address)/\(interface.prefixLength): \(interface.hostname))"
    }

    /// A listener by name (ignoring case) or by its number in the list.
    static func findListener(
        _ text: String,
        in configuration: ApplianceConfiguration
    ) -> Result<ListenerName, ShellError> {
        let listeners = configuration.listeners
        if let number = Int(text) {
            guard (1...max(listeners.count, 1)).contains(number), number <= listeners.count else {
                return .failure(.invalidInput(complaint(1...max(listeners.count, 1))))
            }
            return .success(listeners[number - 1].name)
        }
        guard let listener = Self.listener(named: text, in: configuration) else {
            return .failure(.invalidInput("There is no listener named \"\(text)\"."))
        }
        return .success(listener.name)
    }

    // MARK: Answers

    /// A listener name typed at a question.
    static func newName(in configuration: ApplianceConfiguration, renaming: ListenerName?) -> AnswerFormat<ListenerName>
    {
        AnswerFormat("A listener name no other listener has: letters, digits, \"_\", \"-\" and \".\".") {
            checkNewName($0, in: configuration, renaming: renaming)
        }
    }

    /// A listener's port typed at a question.
    static func port(
        interface: InterfaceName,
        in configuration: ApplianceConfiguration,
        except: ListenerName?
    ) -> AnswerFormat<Int> {
        AnswerFormat(portComplaint + " No other listener on the interface may use it.") {
            checkPort($0, interface: interface, in: configuration, except: except)
        }
    }

    /// The domains a public listener accepts mail for.
    static var domains: AnswerFormat<[String]> {
        AnswerFormat(
            "Host names (example.com) or partial ones (.example.com), separated by commas.",
            check: checkDomains
        )
    }

    /// The systems a private listener relays for, or a sender group's members.
    static var hosts: AnswerFormat<[String]> {
        AnswerFormat(
            "IP addresses, ranges (10.1.1.0/24, 10.1.1.10-20), subnets (10.2.3.), host names (.example.com), "
                + "sbrs[7.5:10.0] or dnslist[zone], separated by commas.",
            check: checkHosts
        )
    }

    /// A free listener name (`renaming` is the listener being renamed, which may keep its name or
    /// change its case).
    static func checkNewName(
        _ name: String,
        in configuration: ApplianceConfiguration,
        renaming: ListenerName?
    ) -> Result<ListenerName, ShellError> {
        guard Listener.isValidName(name) else {
            return .failure(
                .invalidInput("Invalid listener name \"\(name)\". Use letters, digits, \"_\", \"-\" and \".\".")
            )
        }
        if let other = configuration.listeners[ListenerName(name)], !(renaming?.names(other.name) ?? false) {
            return .failure(.invalidInput("A listener named \"\(other.name)\" already exists."))
        }
        return .success(ListenerName(name))
    }

    /// A port in range that no other listener uses on the interface.
    static func checkPort(
        _ text: String,
        interface: InterfaceName,
        in configuration: ApplianceConfiguration,
        except: ListenerName?
    ) -> Result<Int, ShellError> {
        guard let port = Int(text), portRange.contains(port) else { return .failure(.invalidInput(portComplaint)) }
        if let other = configuration.listeners.first(where: {
            !(except?.names($0.name) ?? false) && $0.port == port && interface.names($0.interface)
        }) {
            return .failure(
                .invalidInput(
                    "Port \(port) on interface \"\(interface)\" is already used by listener \"\(other.name)\"."
                )
            )
        }
        return .success(port)
    }

    /// Why `item` is not a host name or partial host name (`.example.com`); nil when it is one.
    static func domainProblem(_ item: String) -> ShellError? {
        let body = item.hasPrefix(".") ? String(item.dropFirst()) : item
        guard HostnameRules.isFQDN(body) else {
            return .invalidInput(
                "Invalid domain \"\(item)\". Enter host names such as example.com or partial host names such as "
                    + ".example.com."
            )
        }
        return nil
    }

    /// A comma-separated list of host names or partial host names (`.example.com`).
    static func checkDomains(_ text: String) -> Result<[String], ShellError> {
        var domains: [String] = []
        for item in commaList(text) {
            if let problem = domainProblem(item) { return .failure(problem) }
            if !domains.contains(named: HostName(item), by: { $0 }) {
                domains.append(item.lowercased())
            }
        }
        return .success(domains)
    }

    /// A comma-separated list of HAT members.
    static func checkHosts(_ text: String) -> Result<[String], ShellError> {
        var hosts: [String] = []
        for item in commaList(text) {
            guard HostAccessMember.isValid(item) else {
                return .failure(.invalidInput("Invalid host \"\(item)\"."))
            }
            if !hosts.contains(item) { hosts.append(item) }
        }
        return .success(hosts)
    }

    static func commaList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
    }

    /// A new listener with the default HAT of its kind and certificate `Demo` (when it exists).
    static func makeListener(
        name: ListenerName,
        kind: ListenerKind,
        interface: InterfaceName,
        port: Int,
        domains: [String],
        relayHosts: [String],
        configuration: ApplianceConfiguration
    ) -> Listener {
        let demo = configuration.certificates[.demo]?.name
        let tables = Listener.startingTables(kind: kind, domains: domains, relayHosts: relayHosts)
        return Listener(
            name: name,
            kind: kind,
            interface: interface,
            port: port,
            certificate: demo ?? configuration.certificates.first?.name,
            hostAccess: tables.hostAccess,
            recipientAccess: tables.recipientAccess
        )
    }

    /// `Default Policy Parameters`, a rule and one line per HAT default (listenerconfig.md §2).
    static func defaultPolicyParameters(_ p: MailFlowParameters) -> [String] {
        let title = "Default Policy Parameters"
        func yes(_ flag: Bool?) -> String { flag == true ? "Yes" : "No" }
        let perHour = p.maxRecipientsPerHour ?? -1
        return [
            title,
            String(repeating: "=", count: title.count),
            "Maximum Message Size: \(PolicyParametersDialog.size(p.maxMessageSize ?? 0))",
            "Maximum Number Of Concurrent Connections From A Single IP: \(p.maxConcurrency ?? 0)",
            "Maximum Number Of Messages Per Connection: \(p.maxMessagesPerSession ?? 0)",
            "Maximum Number Of Recipients Per Message: \(p.maxRecipientsPerMessage ?? 0)",
            "Directory Harvest Attack Prevention: \((p.dhapLimit ?? 0) > 0 ? "Enabled" : "Disabled")",
            "Maximum Number Of Invalid Recipients Per Hour: \(p.dhapLimit ?? 0)",
            "Maximum Number Of Recipients Per Hour: \(perHour < 0 ? "Disabled" : String(perHour))",
            "Use SenderBase for Flow Control: \(yes(p.useSenderBase))",
            "Spam Detection Enabled: \(yes(p.spamCheck))",
            "Virus Detection Enabled: \(yes(p.virusCheck))",
            "Allow TLS Connections: \(PolicyParametersDialog.tlsLabel(p.tls ?? .off))",
            "Allow SMTP Authentication: \(PolicyParametersDialog.authLabel(p.smtpAuth ?? .off))",
            "Require TLS To Offer SMTP authentication: \(yes(p.smtpAuthRequireTLS))",
        ]
    }

    /// What choosing `profile` for a listener on `interface` warrants saying (listenerconfig.md §3):
    /// the Demo warning, or that the certificate does not name the interface host name.
    static func certificateWarnings(
        profile: ProfileName,
        interface: InterfaceName,
        in configuration: ApplianceConfiguration
    )
        -> [String]
    {
        if CertificateRules.isDemo(profile) { return CertificateRules.demoWarning }
        guard let record = configuration.certificate(named: profile),
            let host = configuration.interfaces[interface]?.hostname,
            let certificate = try? Certificate(pem: record.certificatePEM),
            let warning = CertificateRules.hostWarning(profile: record.name.text, certificate: certificate, host: host)
        else { return [] }
        return [warning]
    }
}
