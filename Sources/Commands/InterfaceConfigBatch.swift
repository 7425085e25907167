import ApplianceConfig
import Shell

/// The batch forms of `interfaceconfig`: `new`, `edit`, `delete` and `list`.
extension InterfaceConfigCommand {
    enum BatchOperation: String, CaseIterable {
        case new, edit, delete, list
    }

    func runBatch(_ arguments: [String], in session: Session) throws {
        let parsed: BatchArguments
        do {
            parsed = try BatchArguments(arguments, valued: ["address", "hostname", "https", "https_certificate"])
        } catch {
            throw usage(error.message)
        }
        var words = parsed.positional
        guard !words.isEmpty else { throw usage("An operation is required: new, edit, delete or list.") }
        let typed = words.removeFirst()
        guard case .found(let index) = Dialog.match(typed, among: BatchOperation.allCases.map(\.rawValue)) else {
            throw usage("Unknown operation \"\(typed)\".")
        }
        let operation = BatchOperation.allCases[index]
        let allowed: Set<String> =
            switch operation {
            case .new: ["https_certificate"]
            case .edit: ["address", "hostname", "https", "https_certificate"]
            case .delete, .list: []
            }
        if let option = parsed.options.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw usage("The option \"--\(option)\" does not apply to \"\(operation.rawValue)\".")
        }
        switch operation {
        case .new: try batchNew(words, parsed.options, in: session)
        case .edit: try batchEdit(words, parsed.options, in: session)
        case .delete: try batchDelete(words, in: session)
        case .list:
            guard words.isEmpty else { throw usage("Unexpected argument \"\(words[0])\".") }
            session.dialog.block(Self.listing(session.configuration.interfaces))
        }
    }

    private func usage(_ problem: String) -> ShellError {
        .invalidInput((["Usage:"] + batchSyntax.map { "  " + $0 }).joined(separator: "\n") + "\n" + problem)
    }

    private func batchNew(_ words: [String], _ options: [String: String], in session: Session) throws {
        guard words.count == 3 else {
            throw usage("\"new\" takes a name, an address with its prefix ({address}/{prefix}) and a host name.")
        }
        let configuration = session.configuration
        let name = try Self.checkName(words[0], others: configuration.interfaces).get()
        let (address, prefix) = try Self.addressAndPrefix(words[1], required: true, others: configuration.interfaces)
        let hostname = try InterfaceValues.hostname(words[2]).get()
        var interface = NetworkInterface(name: name, address: address, prefixLength: prefix ?? 24, hostname: hostname)
        if let profile = options["https_certificate"] {
            interface.httpsCertificate = try ServiceCertificateChoice.resolve(profile, in: session)
            interface.httpsPort = 443
            ServiceCertificateChoice.warnIfDemo(profile, in: session)
        }
        let result = interface
        session.stage { $0.interfaces.append(result) }
    }

    private func batchEdit(_ words: [String], _ options: [String: String], in session: Session) throws {
        guard words.count == 1 else { throw usage("\"edit\" takes the name of one interface.") }
        guard !options.isEmpty else { throw usage("Give at least one option to change.") }
        let configuration = session.configuration
        let original = try Self.existing(words[0], in: configuration)
        let others = configuration.interfaces.filter { $0.objectID != original.objectID }
        var edited = original
        if let text = options["address"] {
            let (address, prefix) = try Self.addressAndPrefix(text, required: false, others: others)
            edited.address = address
            if let prefix {
                edited.prefixLength = prefix
            } else if address.contains(":") != original.address.contains(":") {
                // A new address family without a prefix: the whole-host prefix of that family.
                edited.prefixLength = address.contains(":") ? 128 : 32
            }
        }
        if let text = options["hostname"] { edited.hostname = try InterfaceValues.hostname(text).get() }
        var httpsOn = original.httpsPort != nil
        if let text = options["https"] {
            switch text.lowercased() {
            case "on", "yes": httpsOn = true
            case "off", "no": httpsOn = false
            default: throw usage("The option \"--https\" takes on or off, not \"\(text)\".")
            }
        }
        if let profile = options["https_certificate"] {
            guard options["https"].map({ ["on", "yes"].contains($0.lowercased()) }) ?? true else {
                throw usage("\"--https_certificate\" cannot be combined with \"--https=off\".")
            }
            httpsOn = true
            edited.httpsCertificate = try ServiceCertificateChoice.resolve(profile, in: session)
        }
        if httpsOn {
            let port = original.httpsPort ?? 443
            var taken = Self.listenerPorts(on: original, in: configuration)
            if let ssh = original.sshPort { taken[ssh] = "SSH" }
            edited.httpsPort = try Self.checkPort(String(port), taken: taken).get()
            guard let profile = edited.httpsCertificate else {
                throw ShellError.actionFailed(
                    "HTTPS on interface \"\(original.name)\" needs a certificate: add --https_certificate={profile}."
                )
            }
            if options["https_certificate"] != nil || original.httpsPort == nil {
                ServiceCertificateChoice.warnIfDemo(profile, in: session)
            }
        } else {
            edited.httpsPort = nil
            edited.httpsCertificate = nil
        }
        guard edited != original else { return }
        let result = edited
        session.stage { Self.replace(original, with: result, in: &$0) }
    }

    private func batchDelete(_ words: [String], in session: Session) throws {
        guard words.count == 1 else { throw usage("\"delete\" takes the name of one interface.") }
        let interface = try Self.existing(words[0], in: session.configuration)
        if let message = Self.deleteRefusal(interface, in: session.configuration) {
            throw ShellError.actionFailed(message)
        }
        session.stage { Self.remove(interface, from: &$0) }
    }

    /// The interface with this name (ignoring case), or a refusal naming it.
    static func existing(_ name: String, in configuration: ApplianceConfiguration) throws -> NetworkInterface {
        guard let interface = configuration.interfaces.first(where: { $0.objectID == name.lowercased() }) else {
            throw ShellError.actionFailed("The interface \"\(name)\" does not exist.")
        }
        return interface
    }

    /// `{address}/{netmask}` (the netmask in any of its three forms); the netmask may be left out
    /// unless `required`.
    static func addressAndPrefix(
        _ text: String,
        required: Bool,
        others: [NetworkInterface]
    ) throws -> (String, Int?) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let address = try checkAddress(parts[0], others: others).get()
        guard parts.count == 2 else {
            if required {
                throw ShellError.invalidInput("The address \"\(text)\" needs its prefix, such as 192.168.1.2/24.")
            }
            return (address, nil)
        }
        if address.contains(":") { return (address, try InterfaceValues.ipv6Prefix(parts[1]).get()) }
        return (address, try InterfaceValues.netmask(parts[1]).get())
    }
}
