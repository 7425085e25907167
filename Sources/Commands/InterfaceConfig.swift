import ApplianceConfig
import DomainNames
import FoundationEssentials
import Shell

/// `interfaceconfig` (other-commands.md §3): IP interfaces, their SSH and HTTPS services and the
/// certificate profile of each HTTPS service (seed-guide.md SG-17).
public struct InterfaceConfigCommand: DeclaredCommand {
    /// The batch forms (InterfaceConfigBatch.swift); typed alone, the menu of this session.
    public var grammar: Grammar {
        Self.batchGrammar(
            CommandConfiguration(
                "interfaceconfig",
                summary: "Configure Ethernet IP addresses.",
                requiresCommit: true,
                viewingForms: ["list"]
            ),
            menu: { try menu($0) }
        )
    }

    /// The local address of the SSH connection this session came in on (`SSH_CONNECTION` is
    /// `{client address} {client port} {local address} {local port}`), or nil outside SSH.
    let sessionAddress: String?

    /// `sshConnection` is the value of `SSH_CONNECTION`; by default this process's environment.
    public init(sshConnection: String? = ProcessInfo.processInfo.environment["SSH_CONNECTION"]) {
        let fields = sshConnection?.split(separator: " ") ?? []
        sessionAddress = fields.count >= 3 ? String(fields[2]) : nil
    }

    func menu(_ session: Session) throws {
        try session.dialog.run { _ in
            let interfaces = session.configuration.interfaces
            var items = [MenuItem("NEW", "Create a new interface.") { try create(in: session) }]
            if !interfaces.isEmpty {
                items.append(MenuItem("EDIT", "Modify an interface.") { try edit(in: session) })
                items.append(MenuItem("DELETE", "Remove an interface.") { try delete(in: session) })
            }
            return Menu(status: Self.listing(interfaces), items)
        }
    }

    /// `Currently configured interfaces:` and one numbered line per interface.
    static func listing(_ interfaces: some Collection<NetworkInterface>) -> [String] {
        guard !interfaces.isEmpty else { return ["No interfaces configured."] }
        return ["Currently configured interfaces:"]
            + interfaces.enumerated().map { index, interface in
                "\(index + 1). \(interface.name) (\(interface.address)/\(interface.prefixLength): \(interface.hostname))"
            }
    }

    // MARK: Operations

    /// `Enter the number of the interface you wish to {action}.`; nil on Enter alone.
    private func chooseInterface(_ action: String, in session: Session) throws -> NetworkInterface? {
        try session.dialog.pick(
            ["Enter the number of the interface you wish to \(action)."],
            from: Array(session.configuration.interfaces)
        )
    }

    private func create(in session: Session) throws {
        guard let interface = try form(editing: nil, in: session) else { return }
        session.stage { $0.interfaces.append(interface) }
    }

    private func edit(in session: Session) throws {
        guard let original = try chooseInterface("edit", in: session) else { return }
        guard let edited = try form(editing: original, in: session), edited != original else { return }
        if let sessionAddress, sessionAddress == original.address {
            let sure = try session.dialog.yesNo(
                "The interface you edited might be the one you are currently logged into. Are you sure you want to change it?",
                default: true
            )
            guard sure else { return }
        }
        session.stage { Self.replace(original, with: edited, in: &$0) }
    }

    private func delete(in session: Session) throws {
        guard let interface = try chooseInterface("delete", in: session) else { return }
        if let message = Self.deleteRefusal(interface, in: session.configuration) {
            return try MenuRefusal.refuse(message, in: session)
        }
        guard
            try session.dialog.yesNo(
                "Are you sure you want to delete the interface \"\(interface.name)\"?",
                default: false
            )
        else { return }
        session.stage { Self.remove(interface, from: &$0) }
    }

    /// The questions of NEW (no defaults) and EDIT (the current values as defaults). Returns nil when
    /// a required question is left empty (the operation is abandoned).
    private func form(editing original: NetworkInterface?, in session: Session) throws -> NetworkInterface? {
        let dialog = session.dialog
        let configuration = session.configuration
        let others = configuration.interfaces.filter { $0.objectID != original?.objectID }
        guard
            let name = try dialog.ask(
                ["IP interface name (Ex: \"InternalNet\"):"],
                default: original?.name.text,
                format: AnswerFormat("A name for the interface, not used by another one.") {
                    Self.checkName($0, others: others)
                }
            ),
            let address = try dialog.ask(
                ["IPv4 Address (Ex: 192.168.1.2 ):"],
                default: original?.address,
                format: AnswerFormat("An IPv4 or IPv6 address no other interface has, such as 192.168.1.2.") {
                    Self.checkAddress($0, others: others)
                }
            ),
            let prefix = try dialog.ask(
                ["Netmask (Ex: \"24\", \"255.255.255.0\" or \"0xffffff00\"):"],
                default: original.map { String($0.prefixLength) },
                format: address.contains(":")
                    ? AnswerFormat("A prefix length from 1 to 128.", check: InterfaceValues.ipv6Prefix)
                    : AnswerFormat(
                        "A prefix length from 1 to 32, a dotted mask (255.255.255.0) or a hexadecimal one (0xffffff00).",
                        check: InterfaceValues.netmask
                    )
            ),
            let hostname = try dialog.ask(
                ["Hostname:"],
                default: original?.hostname,
                format: AnswerFormat(
                    "The interface's fully qualified host name, such as mail.example.com.",
                    check: ApplianceHostname.check
                )
            )
        else { return nil }
        let listenerPorts = Self.listenerPorts(on: original, in: configuration)
        var interface = NetworkInterface(name: name, address: address, prefixLength: prefix, hostname: hostname)
        if try dialog.yesNo(
            "Do you want to enable SSH on this interface?",
            default: original.map { $0.sshPort != nil } ?? false
        ) {
            interface.sshPort = try dialog.ask(
                ["Which port do you want to use for SSH?"],
                default: String(original?.sshPort ?? 22),
                format: Self.port(taken: listenerPorts)
            )
        }
        if try dialog.yesNo(
            "Do you want to enable HTTPS on this interface?",
            default: original.map { $0.httpsPort != nil } ?? false
        ) {
            var taken = listenerPorts
            if let ssh = interface.sshPort { taken[ssh] = "SSH" }
            interface.httpsPort = try dialog.ask(
                ["Which port do you want to use for HTTPS?"],
                default: String(original?.httpsPort ?? 443),
                format: Self.port(taken: taken)
            )
            interface.httpsCertificate = try ServiceCertificateChoice.ask(
                ["You have selected HTTPS on this interface, so you must select a certificate to use."],
                current: original?.httpsCertificate,
                in: session
            )
        }
        return interface
    }

    // MARK: Rules shared by the dialog and the batch forms

    static func checkName(
        _ text: String,
        others: some Collection<NetworkInterface>
    ) -> Result<InterfaceName, ShellError> {
        InterfaceValues.name(text).flatMap { text in
            let name = InterfaceName(text)
            if let other = others.first(where: { name.names($0.name) }) {
                return .failure(.invalidInput("An interface named \"\(other.name)\" already exists."))
            }
            return .success(name)
        }
    }

    static func checkAddress(_ text: String, others: some Collection<NetworkInterface>) -> Result<String, ShellError> {
        InterfaceValues.address(text).flatMap { address in
            if let other = others.first(where: { $0.address == address }) {
                return .failure(
                    .invalidInput("The address \(address) is already used by interface \"\(other.name)\".")
                )
            }
            return .success(address)
        }
    }

    /// A port for a service of the interface; `taken` maps the ports already in use on it to their user.
    /// A port typed at a question.
    static func port(taken: [Int: String]) -> AnswerFormat<Int> {
        AnswerFormat("A TCP port from 1 to 65535 that no listener or other service uses.") {
            checkPort($0, taken: taken)
        }
    }

    static func checkPort(_ text: String, taken: [Int: String]) -> Result<Int, ShellError> {
        InterfaceValues.port(text).flatMap { port in
            if let user = taken[port] {
                return .failure(.invalidInput("Port \(port) is already used by \(user) on this interface."))
            }
            return .success(port)
        }
    }

    /// The ports the listeners on `interface` use, each with the listener it belongs to.
    static func listenerPorts(
        on interface: NetworkInterface?,
        in configuration: ApplianceConfiguration
    ) -> [Int: String] {
        guard let interface else { return [:] }
        var ports: [Int: String] = [:]
        for listener in configuration.listeners where interface.name.names(listener.interface) {
            ports[listener.port] = "listener \"\(listener.name)\""
        }
        return ports
    }

    /// Why `interface` cannot be deleted, or nil.
    static func deleteRefusal(_ interface: NetworkInterface, in configuration: ApplianceConfiguration) -> String? {
        guard let listener = configuration.listeners.first(where: { interface.name.names($0.interface) })
        else { return nil }
        return "The interface \"\(interface.name)\" is used by listener \"\(listener.name)\"."
    }

    /// Replaces an interface; a new name is carried over to the listeners on it.
    static func replace(
        _ original: NetworkInterface,
        with edited: NetworkInterface,
        in configuration: inout ApplianceConfiguration
    ) {
        guard let index = configuration.interfaces.index(of: original.name) else {
            return
        }
        configuration.interfaces[index] = edited
        if edited.name != original.name {
            for i in configuration.listeners.indices
            where original.name.names(configuration.listeners[i].interface) {
                configuration.listeners[i].interface = edited.name
            }
        }
    }

    static func remove(_ interface: NetworkInterface, from configuration: inout ApplianceConfiguration) {
        configuration.interfaces.remove(interface.name)
    }
}
