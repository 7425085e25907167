import ApplianceConfig
import Shell

/// The batch forms of `interfaceconfig`: `new`, `edit`, `delete` and `list`.
extension InterfaceConfigCommand {
    /// A new interface's name (refusals stand alone, as in the dialog).
    static let newName = Positional(
        "name",
        ValueParser("{name}", standalone: true) { text, context throws(ShellError) in
            try checkName(text, others: context.configuration.interfaces).get()
        }
    )
    /// `{address}/{prefix}` of a new interface, not used by another.
    static let newAddress = Positional(
        "address",
        ValueParser<AddressAndPrefix>("{address}/{prefix}", standalone: true) { text, context throws(ShellError) in
            try addressAndPrefix(text, required: true, others: context.configuration.interfaces)
        },
        missing: "{address}/{prefix}"
    )
    static let hostnameParser = ValueParser("{hostname}", standalone: true) { text, _ throws(ShellError) in
        try ApplianceHostname.check(text).get()
    }
    static let hostname = Positional("hostname", hostnameParser)
    /// An existing interface, named in any case; Tab offers them.
    static let existingName = Positional(
        "name",
        ValueParser(
            "{name}",
            candidates: { context in context.configuration.interfaces.map(\.name.text) }
        ) { text, context throws(ShellError) in
            try existing(text, in: context.configuration)
        }
    )
    static let httpsCertificate = BatchOption("https_certificate", .profileName)
    /// Checked against the other interfaces once the edited one is known.
    static let address = BatchOption("address", .text("…"))
    static let newHostname = BatchOption("hostname", hostnameParser)
    static let https = BatchOption(
        "https",
        .words("{on|off}", ["on": true, "yes": true, "off": false, "no": false]) {
            "The option \"--https\" takes on or off, not \"\($0)\"."
        }
    )

    static func batchGrammar(
        _ configuration: CommandConfiguration,
        menu: @escaping @Sendable (Session) throws -> Void
    ) -> Grammar {
        Grammar(
            configuration,
            style: .block,
            wording: Grammar.Wording(
                missingSubcommand: "An operation is required: new, edit, delete or list.",
                unknownSubcommand: { "Unknown operation \"\($0)\"." },
                foreignOption: { "The option \"--\($0)\" does not apply to \"\($1)\"." }
            ),
            interactive: menu,
            Form(
                "new",
                usage: "interfaceconfig new {name} {address}/{prefix} {hostname} [--https_certificate={profile}]",
                .argument(newName),
                .argument(newAddress),
                .argument(hostname),
                .option(httpsCertificate)
            ) { values, session in
                let (address, prefix) = values[newAddress]
                var interface = NetworkInterface(
                    name: values[newName],
                    address: address,
                    prefixLength: prefix ?? 24,
                    hostname: values[hostname]
                )
                if let profile = values[httpsCertificate] {
                    interface.httpsCertificate = profile
                    interface.httpsPort = 443
                    ServiceCertificateChoice.warnIfDemo(profile, in: session)
                }
                let result = interface
                session.stage { $0.interfaces.append(result) }
            },
            Form(
                "edit",
                usage: "interfaceconfig edit {name} [--address=…] [--hostname=…] [--https={on|off}] "
                    + "[--https_certificate={profile}]",
                .argument(existingName),
                .option(address),
                .option(newHostname),
                .option(https),
                .option(httpsCertificate)
            ) { values, session in
                try batchEdit(values, in: session)
            },
            Form("delete", usage: "interfaceconfig delete {name}", .argument(existingName)) { values, session in
                let interface = values[existingName]
                if let message = deleteRefusal(interface, in: session.configuration) {
                    throw ShellError.actionFailed(message)
                }
                session.stage { remove(interface, from: &$0) }
            },
            Form("list", usage: "interfaceconfig list") { _, session in
                session.dialog.block(listing(session.configuration.interfaces))
            }
        )
    }

    typealias AddressAndPrefix = (address: String, prefix: Int?)

    private static func batchEdit(_ values: BatchValues, in session: Session) throws {
        guard values.hasOptions else { throw Grammar.Misuse("Give at least one option to change.") }
        let configuration = session.configuration
        let original = values[existingName]
        let others = configuration.interfaces.filter { $0.objectID != original.objectID }
        var edited = original
        if let text = values[address] {
            let (address, prefix) = try addressAndPrefix(text, required: false, others: others)
            edited.address = address
            if let prefix {
                edited.prefixLength = prefix
            } else if address.contains(":") != original.address.contains(":") {
                // A new address family without a prefix: the whole-host prefix of that family.
                edited.prefixLength = address.contains(":") ? 128 : 32
            }
        }
        if let hostname = values[newHostname] { edited.hostname = hostname }
        var httpsOn = values[https] ?? (original.httpsPort != nil)
        if let profile = values[httpsCertificate] {
            guard values[https] ?? true else {
                throw Grammar.Misuse("\"--https_certificate\" cannot be combined with \"--https=off\".")
            }
            httpsOn = true
            edited.httpsCertificate = profile
        }
        if httpsOn {
            let port = original.httpsPort ?? 443
            var taken = listenerPorts(on: original, in: configuration)
            if let ssh = original.sshPort { taken[ssh] = "SSH" }
            edited.httpsPort = try checkPort(String(port), taken: taken).get()
            guard let profile = edited.httpsCertificate else {
                throw ShellError.actionFailed(
                    "HTTPS on interface \"\(original.name)\" needs a certificate: add --https_certificate={profile}."
                )
            }
            if values[httpsCertificate] != nil || original.httpsPort == nil {
                ServiceCertificateChoice.warnIfDemo(profile, in: session)
            }
        } else {
            edited.httpsPort = nil
            edited.httpsCertificate = nil
        }
        guard edited != original else { return }
        let result = edited
        session.stage { replace(original, with: result, in: &$0) }
    }

    /// The interface with this name (ignoring case), or a refusal naming it.
    static func existing(
        _ name: String,
        in configuration: ApplianceConfiguration
    ) throws(ShellError) -> NetworkInterface {
        guard let interface = configuration.interface(named: name) else {
            throw .actionFailed("The interface \"\(name)\" does not exist.")
        }
        return interface
    }

    /// `{address}/{netmask}` (the netmask in any of its three forms); the netmask may be left out
    /// unless `required`.
    static func addressAndPrefix(
        _ text: String,
        required: Bool,
        others: some Collection<NetworkInterface>
    ) throws(ShellError) -> (String, Int?) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let address = try checkAddress(parts[0], others: others).get()
        guard parts.count == 2 else {
            if required {
                throw .invalidInput("The address \"\(text)\" needs its prefix, such as 192.168.1.2/24.")
            }
            return (address, nil)
        }
        if address.contains(":") { return (address, try InterfaceValues.ipv6Prefix(parts[1]).get()) }
        return (address, try InterfaceValues.netmask(parts[1]).get())
    }
}
