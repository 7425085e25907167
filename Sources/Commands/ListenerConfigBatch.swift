import ApplianceConfig
import Shell

/// The batch forms of listenerconfig (listenerconfig.md §7). Success prints nothing except for
/// `list`, `print`, `export` and certificate warnings; errors are one line after `Usage:`.
struct ListenerBatch {
    let session: Session

    static let syntax = [
        "listenerconfig list | delete {name}",
        "listenerconfig new {name} {public|private} {interface} smtp [--port={n}] [--domains={list}|--relay={list}]",
        "listenerconfig edit {name} {name {new} | interface {interface} [--port={n}] | certificate {profile}}",
        "listenerconfig edit {name} hostaccess new sendergroup {group} {hosts} [--policy={p}] [--comment=\"{text}\"]",
        "listenerconfig edit {name} hostaccess new policy {p} {accept|relay|reject|tcprefuse} [params]",
        "listenerconfig edit {name} hostaccess edit {sendergroup|policy} {name} [--hosts=…] [--policy=…] "
            + "[--comment=…] [params]",
        "listenerconfig edit {name} hostaccess {default [params] | delete {sendergroup|policy} {name} | "
            + "move {entry} {pos}}",
        "listenerconfig edit {name} hostaccess {print | clear | import {file} | export {file}}",
        "listenerconfig edit {name} rcptaccess {new {pattern} {accept|reject} | delete {pattern} | print}",
        "",
        "params: --{PRINT key}={value}, e.g. --tls={off|on|required|on_verify|require_verify},",
        "        --max_message_size={bytes|nk|nM}, --use_sb={on|off}; value \"default\" removes an override",
    ]

    private func usage(_ line: Int, _ problem: String) -> ShellError {
        .invalidInput("Usage: \(Self.syntax[line])\n\(problem)")
    }

    private var dialog: Dialog { session.dialog }
    private var configuration: ApplianceConfiguration { session.configuration }

    func run(_ arguments: [String]) throws {
        let words = ["list", "new", "edit", "delete"]
        let subcommand: String
        switch Dialog.match(arguments[0], among: words) {
        case .found(let index): subcommand = words[index]
        case .ambiguous(let names):
            throw usage(0, "Ambiguous subcommand \"\(arguments[0])\": \(names.joined(separator: ", ")).")
        case .none: throw usage(0, "Unknown subcommand \"\(arguments[0])\".")
        }
        let rest = Array(arguments.dropFirst())
        switch subcommand {
        case "list":
            guard rest.isEmpty else { throw usage(0, "Unexpected argument \"\(rest[0])\".") }
            dialog.lines(ListenerText.list(configuration))
        case "delete":
            guard rest.count == 1 else { throw usage(0, "Give the name of one listener.") }
            let name = try listenerName(rest[0])
            session.stage { $0.listeners.removeAll { $0.name == name } }
        case "new":
            try new(rest)
        default:
            try edit(rest)
        }
    }

    private func listenerName(_ text: String) throws(ShellError) -> String {
        guard let listener = ListenerText.listener(named: text, in: configuration) else {
            throw .actionFailed("There is no listener named \"\(text)\".")
        }
        return listener.name
    }

    // MARK: new

    private func new(_ arguments: [String]) throws {
        let args = try BatchArguments(arguments, valued: ["port", "domains", "relay"])
        guard args.positional.count == 4 else {
            throw usage(1, "Give the name, the type, the interface and the protocol.")
        }
        let name = try ListenerText.checkNewName(args.positional[0], in: configuration, renaming: nil).get()
        let kind: ListenerKind
        switch args.positional[1].lowercased() {
        case "public": kind = .public
        case "private": kind = .private
        default: throw usage(1, "Unknown listener type \"\(args.positional[1])\"; use public or private.")
        }
        guard let interface = ListenerText.interface(named: args.positional[2], in: configuration) else {
            throw ShellError.actionFailed("There is no IP interface named \"\(args.positional[2])\".")
        }
        switch args.positional[3].lowercased() {
        case "smtp": break
        case "qmqp": throw ShellError.invalidInput(ListenerText.qmqpRefused)
        default: throw usage(1, "Unknown protocol \"\(args.positional[3])\"; use smtp.")
        }
        let port = try ListenerText.checkPort(
            args.options["port"] ?? "25",
            interface: interface.name,
            in: configuration,
            except: nil
        ).mapError(Self.option("port", args.options["port"])).get()
        if kind == .public && args.options["relay"] != nil {
            throw usage(1, "--relay applies to private listeners only.")
        }
        if kind == .private && args.options["domains"] != nil {
            throw usage(1, "--domains applies to public listeners only.")
        }
        let domains = try ListenerText.checkDomains(args.options["domains"] ?? "").get()
        let hosts = try ListenerText.checkHosts(args.options["relay"] ?? "").get()
        let listener = ListenerText.makeListener(
            name: name,
            kind: kind,
            interface: interface.name,
            port: port,
            domains: domains,
            relayHosts: hosts,
            configuration: configuration
        )
        session.stage { $0.listeners.append(listener) }
    }

    /// Prefixes a bad option value with the option (`Invalid value for --port: "0". …`).
    private static func option(_ name: String, _ value: String?) -> (ShellError) -> ShellError {
        { error in
            guard let value else { return error }
            return ShellError(error.code, "Invalid value for --\(name): \"\(value)\". \(error.message)")
        }
    }

    // MARK: edit

    private func edit(_ arguments: [String]) throws {
        guard arguments.count >= 2 else { throw usage(2, "Give the listener and what to edit.") }
        let name = try listenerName(arguments[0])
        let editor = ListenerEditor(session: session, name: name)
        let rest = Array(arguments.dropFirst(2))
        let words = ["name", "interface", "certificate", "hostaccess", "rcptaccess"]
        guard case .found(let index) = Dialog.match(arguments[1], among: words) else {
            throw usage(2, "Unknown edit operation \"\(arguments[1])\".")
        }
        switch words[index] {
        case "name":
            guard rest.count == 1 else { throw usage(2, "Give the new name.") }
            let newName = try ListenerText.checkNewName(rest[0], in: configuration, renaming: name).get()
            editor.update { $0.name = newName }
        case "interface":
            let args = try BatchArguments(rest, valued: ["port"])
            guard args.positional.count == 1 else { throw usage(2, "Give the interface.") }
            guard let interface = ListenerText.interface(named: args.positional[0], in: configuration),
                let listener = editor.listener
            else { throw ShellError.actionFailed("There is no IP interface named \"\(args.positional[0])\".") }
            let port = try ListenerText.checkPort(
                args.options["port"] ?? String(listener.port),
                interface: interface.name,
                in: configuration,
                except: name
            ).mapError(Self.option("port", args.options["port"])).get()
            editor.update {
                $0.interface = interface.name
                $0.port = port
            }
        case "certificate":
            guard rest.count == 1 else { throw usage(2, "Give the certificate profile.") }
            guard let profile = configuration.certificate(named: rest[0]), let listener = editor.listener else {
                throw ShellError.actionFailed(CertificateProfileText.missing(rest[0]))
            }
            editor.update { $0.certificate = profile.name }
            let warnings = ListenerText.certificateWarnings(
                profile: profile.name,
                interface: listener.interface,
                in: configuration
            )
            if !warnings.isEmpty { dialog.lines(warnings) }
        case "hostaccess":
            try hostAccess(rest, editor: editor)
        default:
            try recipientAccess(rest, editor: editor)
        }
    }

    // MARK: hostaccess

    private func hostAccess(_ arguments: [String], editor: ListenerEditor) throws {
        guard let listener = editor.listener, let first = arguments.first else {
            throw usage(3, "Give a hostaccess operation.")
        }
        let table = listener.hostAccess
        let words = ["new", "edit", "default", "delete", "move", "print", "clear", "import", "export"]
        guard case .found(let index) = Dialog.match(first, among: words) else {
            throw usage(3, "Unknown hostaccess operation \"\(first)\".")
        }
        let rest = Array(arguments.dropFirst())
        let stage = { (changed: HostAccessTable) in editor.update { $0.hostAccess = changed } }
        let params = PolicyParametersDialog.optionNames
        switch words[index] {
        case "new":
            let args = try BatchArguments(rest, valued: params.union(["policy", "comment"]))
            guard let kind = args.positional.first?.lowercased(), ["sendergroup", "policy"].contains(kind) else {
                throw usage(3, "Give sendergroup or policy.")
            }
            if kind == "sendergroup" {
                guard args.positional.count == 3 else { throw usage(3, "Give the group name and its hosts.") }
                guard Set(args.options.keys).isSubset(of: ["policy", "comment"]) else {
                    throw usage(3, "A sender group takes --policy and --comment only.")
                }
                let group = try HostAccessOperations.checkGroupName(args.positional[1], in: table, except: nil).get()
                let hosts = try ListenerText.checkHosts(args.positional[2]).get()
                let behavior = try args.options["policy"].map { try Self.behavior($0, in: table) } ?? .action(.accept)
                let entry = HostAccessEntry(
                    name: group,
                    members: hosts,
                    behavior: behavior,
                    comment: args.options["comment"].flatMap { $0.isEmpty ? nil : $0 }
                )
                stage(HostAccessOperations.add(entry, to: table))
            } else {
                guard args.positional.count == 3 else { throw usage(4, "Give the policy name and its action.") }
                guard args.options["policy"] == nil, args.options["comment"] == nil else {
                    throw usage(4, "A policy takes parameter options only.")
                }
                let name = try HostAccessOperations.checkPolicyName(args.positional[1], in: table, except: nil).get()
                let actions: [String: HostAccessAction] = [
                    "accept": .accept, "relay": .relay, "reject": .reject, "tcprefuse": .tcpRefuse,
                ]
                guard let action = actions[args.positional[2].lowercased()] else {
                    throw usage(4, "Unknown action \"\(args.positional[2])\"; use accept, relay, reject or tcprefuse.")
                }
                var parameters = MailFlowParameters()
                try PolicyParametersDialog.apply(options: args.options, to: &parameters, allowReset: true)
                var changed = table
                changed.policies.append(MailFlowPolicy(name: name, action: action, parameters: parameters))
                stage(changed)
            }
        case "edit":
            let args = try BatchArguments(rest, valued: params.union(["hosts", "policy", "comment"]))
            guard args.positional.count == 2, ["sendergroup", "policy"].contains(args.positional[0].lowercased())
            else { throw usage(5, "Give sendergroup or policy and its name.") }
            if args.positional[0].lowercased() == "sendergroup" {
                guard Set(args.options.keys).isSubset(of: ["hosts", "policy", "comment"]) else {
                    throw usage(5, "A sender group takes --hosts, --policy and --comment only.")
                }
                guard case .entry(let index) = try HostAccessOperations.target(args.positional[1], in: table).get()
                else { throw ShellError.actionFailed("There is no sender group \"\(args.positional[1])\".") }
                var entry = table.entries[index]
                if let hosts = args.options["hosts"] {
                    entry.members = try ListenerText.checkHosts(hosts).get()
                    if entry.name == nil && entry.members.isEmpty {
                        throw usage(5, "An entry without a name needs a host.")
                    }
                }
                if let policy = args.options["policy"] { entry.behavior = try Self.behavior(policy, in: table) }
                if let comment = args.options["comment"] { entry.comment = comment.isEmpty ? nil : comment }
                stage(HostAccessOperations.replace(index, with: entry, in: table))
            } else {
                guard args.options["hosts"] == nil, args.options["policy"] == nil, args.options["comment"] == nil else {
                    throw usage(5, "A policy takes parameter options only.")
                }
                guard let policy = table.policy(named: args.positional[1]) else {
                    throw ShellError.actionFailed("There is no policy \"$\(args.positional[1])\".")
                }
                var changed = policy
                try PolicyParametersDialog.apply(options: args.options, to: &changed.parameters, allowReset: true)
                stage(HostAccessOperations.replacePolicy(policy.name, with: changed, in: table))
            }
        case "default":
            let args = try BatchArguments(rest, valued: params)
            guard args.positional.isEmpty else { throw usage(6, "Unexpected argument \"\(args.positional[0])\".") }
            var changed = table
            try PolicyParametersDialog.apply(options: args.options, to: &changed.defaults, allowReset: false)
            stage(changed)
        case "delete":
            guard rest.count == 2, ["sendergroup", "policy"].contains(rest[0].lowercased()) else {
                throw usage(6, "Give sendergroup or policy and its name.")
            }
            let target: HostAccessOperations.Target
            if rest[0].lowercased() == "policy" {
                guard let policy = table.policy(named: rest[1]) else {
                    throw ShellError.actionFailed("There is no policy \"$\(rest[1])\".")
                }
                target = .policy(policy.name)
            } else {
                guard case .entry(let index) = try HostAccessOperations.target(rest[1], in: table).get() else {
                    throw ShellError.actionFailed("There is no sender group \"\(rest[1])\".")
                }
                target = .entry(index)
            }
            stage(try HostAccessOperations.delete(target, from: table).get())
        case "move":
            guard rest.count == 2 else { throw usage(6, "Give the entry and its new position.") }
            guard case .entry(let index) = try HostAccessOperations.target(rest[0], in: table).get() else {
                throw usage(6, "Policies have no position; give a sender group.")
            }
            let range = 1...table.entries.count
            guard let position = Int(rest[1]), range.contains(position) else {
                throw ShellError.invalidInput(
                    "Invalid position \"\(rest[1])\". \(ListenerText.complaint(range))"
                )
            }
            stage(HostAccessOperations.move(index, to: position - 1, in: table))
        case "print":
            guard rest.isEmpty else { throw usage(7, "Unexpected argument \"\(rest[0])\".") }
            session.page(HostAccessText.print(table))
        case "clear":
            guard rest.isEmpty else { throw usage(7, "Unexpected argument \"\(rest[0])\".") }
            stage(HostAccessOperations.clear(table, kind: listener.kind))
        case "import":
            guard rest.count == 1 else { throw usage(7, "Give the file name.") }
            let file = try ConfigurationFolder.checkName(rest[0]).get()
            stage(try HostAccessOperations.importTable(file, defaults: table.defaults, session: session))
        default:
            guard rest.count == 1 else { throw usage(7, "Give the file name.") }
            let file = try ConfigurationFolder.checkName(rest[0]).get()
            try HostAccessOperations.exportTable(table, to: file, session: session)
        }
    }

    /// `--policy=`: a policy (`$NAME` or `NAME`) or an action word.
    private static func behavior(_ text: String, in table: HostAccessTable) throws(ShellError) -> HostAccessBehavior {
        if let policy = table.policy(named: text) { return .policy(policy.name) }
        if !text.hasPrefix("$"), let action = HostAccessAction(rawValue: text.uppercased()) { return .action(action) }
        let name = text.hasPrefix("$") ? text : "$" + text
        throw .actionFailed("There is no policy \"\(name)\".")
    }

    // MARK: rcptaccess

    private func recipientAccess(_ arguments: [String], editor: ListenerEditor) throws {
        guard let listener = editor.listener, let first = arguments.first else {
            throw usage(8, "Give a rcptaccess operation.")
        }
        guard listener.kind == .public else {
            throw ShellError.actionFailed("Listener \"\(listener.name)\" is private and has no Recipient Access Table.")
        }
        let table = listener.recipientAccess
        let rest = Array(arguments.dropFirst())
        let words = ["new", "delete", "print"]
        guard case .found(let index) = Dialog.match(first, among: words) else {
            throw usage(8, "Unknown rcptaccess operation \"\(first)\".")
        }
        switch words[index] {
        case "new":
            guard rest.count == 2 else { throw usage(8, "Give the domain and accept or reject.") }
            let pattern = try RecipientAccessOperations.checkNewPattern(rest[0], in: table).get()
            let accept: Bool
            switch rest[1].lowercased() {
            case "accept": accept = true
            case "reject": accept = false
            default: throw usage(8, "Unknown action \"\(rest[1])\"; use accept or reject.")
            }
            let changed = RecipientAccessOperations.add(
                RecipientAccessEntry(pattern: pattern, accept: accept),
                to: table
            )
            editor.update { $0.recipientAccess = changed }
        case "delete":
            guard rest.count == 1 else { throw usage(8, "Give the domain.") }
            let index = try RecipientAccessOperations.find(rest[0], in: table).get()
            let changed = try RecipientAccessOperations.delete(index, from: table).get()
            editor.update { $0.recipientAccess = changed }
        default:
            guard rest.isEmpty else { throw usage(8, "Unexpected argument \"\(rest[0])\".") }
            session.page(RecipientAccessText.print(table))
        }
    }
}
