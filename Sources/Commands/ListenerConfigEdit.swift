import ApplianceConfig
import Shell

/// listenerconfig EDIT (listenerconfig.md §3): NAME, INTERFACE, CERTIFICATE, SETUP, HOSTACCESS, RCPTACCESS.
final class ListenerEditor {
    let session: Session
    /// The listener's current name (NAME changes it).
    private(set) var name: ListenerName
    var dialog: Dialog { session.dialog }

    init(session: Session, name: ListenerName) {
        self.session = session
        self.name = name
    }

    /// The listener as the session sees it now.
    var listener: Listener? { session.configuration.listeners[name] }

    /// Stages a change of this listener.
    func update(_ change: (inout Listener) -> Void) {
        guard let index = session.configuration.listeners.index(of: name) else { return }
        var changed = session.configuration.listeners[index]
        change(&changed)
        guard changed != session.configuration.listeners[index] else { return }
        let final = changed
        session.stage { $0.listeners[index] = final }
    }

    func run() throws {
        try dialog.run { _ in
            guard let listener else { return nil }
            var items = [
                MenuItem("NAME", "Change the name of the listener.") { [self] in try rename() },
                MenuItem("INTERFACE", "Change the interface.") { [self] in try changeInterface() },
                MenuItem("CERTIFICATE", "Choose the certificate.") { [self] in try chooseCertificate() },
                MenuItem("SETUP", "Configure general options.") { [self] in try setup() },
                MenuItem("HOSTACCESS", "Modify the Host Access Table.") { [self] in
                    try HostAccessEditor(listener: self).run()
                },
            ]
            if listener.kind == .public {
                items.append(
                    MenuItem("RCPTACCESS", "Modify the Recipient Access Table.") { [self] in
                        try RecipientAccessEditor(listener: self).run()
                    }
                )
            }
            return Menu(status: Self.status(listener, session.configuration), items)
        }
    }

    /// The lines shown above the EDIT menu.
    static func status(_ listener: Listener, _ configuration: ApplianceConfiguration) -> [String] {
        let interface = configuration.interfaces[listener.interface]
        let address = interface.map { "\($0.address)/\($0.prefixLength)" } ?? "unknown address"
        let defaults = listener.hostAccess.defaults
        let auth: String =
            switch defaults.smtpAuth ?? .off {
            case .off: "Disabled"
            case .on: "Preferred"
            case .required: "Required"
            }
        return [
            "Name: \(listener.name)",
            "Type: \(listener.kind == .public ? "Public" : "Private")",
            "Interface: \(listener.interface) (\(address)) TCP Port \(listener.port)",
            "Protocol: SMTP",
            "Certificate: \(listener.certificate ?? "None")",
            "TLS: \(PolicyParametersDialog.tlsLabel(defaults.tls ?? .off))",
            "SMTP Authentication: \(auth)",
        ]
    }

    // MARK: Operations

    private func rename() throws {
        let configuration = session.configuration
        let current = name
        guard
            let newName = try dialog.ask(
                ["Enter a name for this listener:"],
                default: current.text,
                format: ListenerText.newName(in: configuration, renaming: current)
            ), newName != current
        else { return }
        update { $0.name = newName }
        name = newName
    }

    private func changeInterface() throws {
        guard let listener else { return }
        let configuration = session.configuration
        let interfaces = configuration.interfaces
        let index = try dialog.choose(
            ["Please choose an IP interface for this Listener."],
            items: interfaces.map(ListenerText.interfaceChoice),
            default: interfaces.index(of: listener.interface) ?? 0
        )
        let interface = interfaces[index].name
        let current = name
        guard
            let port = try dialog.ask(
                ["Please enter the TCP port for this listener."],
                default: String(listener.port),
                format: ListenerText.port(interface: interface, in: configuration, except: current)
            )
        else { return }
        update {
            $0.interface = interface
            $0.port = port
        }
    }

    private func chooseCertificate() throws {
        guard let listener else { return }
        let configuration = session.configuration
        let profiles = configuration.certificates.map(\.name)
        guard !profiles.isEmpty else {
            throw ShellError.actionFailed("No certificate profiles are configured. Use certconfig first.")
        }
        let index = try dialog.choose(
            ["Choose the certificate:"],
            items: profiles.map(\.text),
            default: profiles.firstIndex { listener.certificate?.names($0) ?? false } ?? 0
        )
        let profile = profiles[index]
        update { $0.certificate = profile }
        let warnings = ListenerText.certificateWarnings(
            profile: profile,
            interface: listener.interface,
            in: session.configuration
        )
        if !warnings.isEmpty { dialog.block(warnings) }
    }

    private func setup() throws {
        guard let listener else { return }
        let configuration = session.configuration
        let current = name
        guard
            let port = try dialog.ask(
                ["Please enter the TCP port for this listener."],
                default: String(listener.port),
                format: ListenerText.port(interface: listener.interface, in: configuration, except: current)
            ),
            let connections = try dialog.askNumber(
                ["Please enter the maximum number of concurrent connections for this listener."],
                range: ListenerText.listenerConnectionRange,
                default: listener.maxConnections
            )
        else { return }
        update {
            $0.port = port
            $0.maxConnections = connections
        }
    }
}
