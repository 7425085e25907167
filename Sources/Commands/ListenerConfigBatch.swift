import ApplianceConfig
import Shell

/// The batch forms of listenerconfig (listenerconfig.md §7), declared in `ListenerBatch.grammar`.
/// Success prints nothing except for `list`, `print`, `export` and certificate warnings; errors are
/// one line after `Usage:`.
struct ListenerBatch {
    let session: Session

    static let usage = [
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
    ]

    static let notes = [
        "",
        "params: --{PRINT key}={value}, e.g. --tls={off|on|required|on_verify|require_verify},",
        "        --max_message_size={bytes|nk|nM}, --use_sb={on|off}; value \"default\" removes an override",
    ]

    // MARK: Words

    /// An existing listener, named in any case; the value is its stored name. Tab offers them.
    static let listener = Positional(
        "listener",
        .existing("{name}", ListenerName.self, { $0.configuration.listeners.map(\.name.text) }) {
            "There is no listener named \"\($0)\"."
        }
    )

    /// A listener's new name (refusals stand alone, as in the dialog).
    static let newName = Positional(
        "name",
        ValueParser("{name}", standalone: true) { text, context throws(ShellError) in
            try ListenerText.checkNewName(text, in: context.configuration, renaming: nil).get()
        }
    )
    static let renamed = Positional("new", ValueParser<String>.text("{new}"))

    static let kind = Positional(
        "kind",
        .words("{public|private}", ["public": ListenerKind.public, "private": .private]) {
            "Unknown listener type \"\($0)\"; use public or private."
        }
    )

    /// An IP interface, named in any case; Tab offers them.
    static let interface = Positional(
        "interface",
        .existing("{interface}", InterfaceName.self, { $0.configuration.interfaces.map(\.name.text) }) {
            "There is no IP interface named \"\($0)\"."
        }
    )

    /// `smtp`; `qmqp` is known but refused (after the other words were checked).
    static let transport = Positional(
        "protocol",
        .words("smtp", ["smtp": true, "qmqp": false]) { "Unknown protocol \"\($0)\"; use smtp." }
    )

    static let port = BatchOption("port", ValueParser<String>.text("{n}"))
    static let domains = BatchOption("domains", ValueParser<String>.text("{list}"))
    static let relay = BatchOption("relay", ValueParser<String>.text("{list}"))
    static let profile = Positional("profile", ValueParser<ProfileName>.profileName)

    /// The Host Access Table of the listener named by the words before (for Tab).
    private static func table(_ context: ArgumentContext) -> HostAccessTable? {
        guard context.words.count > 1 else { return nil }
        return ListenerText.listener(named: context.words[1], in: context.configuration)?.hostAccess
    }

    /// A sender group of the listener's table (checked when the table is known); Tab offers its names.
    static let group = Positional(
        "group",
        .text("{name}") { context in table(context)?.entries.compactMap(\.name?.text) ?? [] }
    )
    /// A policy of the listener's table; Tab offers its names.
    static let policy = Positional(
        "policy",
        .text("{name}") { context in table(context)?.policies.map(\.name.text) ?? [] }
    )
    static let newGroup = Positional("group", ValueParser<String>.text("{group}"))
    static let newPolicy = Positional("policy", ValueParser<String>.text("{p}"))
    static let hosts = Positional("hosts", ValueParser<String>.text("{hosts}"))
    static let entry = Positional(
        "entry",
        .text("{entry}") { context in table(context)?.entries.compactMap(\.name?.text) ?? [] }
    )
    static let position = Positional("position", ValueParser<String>.text("{pos}"))
    static let action = Positional(
        "action",
        .words(
            "{accept|relay|reject|tcprefuse}",
            ["accept": HostAccessAction.accept, "relay": .relay, "reject": .reject, "tcprefuse": .tcpRefuse]
        ) { "Unknown action \"\($0)\"; use accept, relay, reject or tcprefuse." }
    )
    static let policyOption = BatchOption(
        "policy",
        .text("{p}") { context in table(context)?.policies.map(\.name.text) ?? [] }
    )
    static let comment = BatchOption("comment", ValueParser<String>.text("{text}"))
    static let hostsOption = BatchOption("hosts", ValueParser<String>.text("{hosts}"))
    static let file = Positional("file", ValueParser<String>.configurationFile)
    static let pattern = Positional(
        "pattern",
        .text("{pattern}") { context in
            guard context.words.count > 1 else { return [] }
            let listener = ListenerText.listener(named: context.words[1], in: context.configuration)
            return listener?.recipientAccess.map(\.pattern) ?? []
        }
    )
    static let accept = Positional(
        "action",
        .words("{accept|reject}", ["accept": true, "reject": false]) {
            "Unknown action \"\($0)\"; use accept or reject."
        }
    )

    /// The mail flow parameters (`--tls=…`, `--max_message_size=…`), one option per PRINT key.
    static let parameters = MailFlowParameters.Key.allCases.map { BatchOption($0.rawValue, .text("{value}")) }
    static let parameterParts = parameters.map { FormPart.option($0) }

    /// Applies the parameter options given to `parameters`.
    static func apply(_ values: BatchValues, to parameters: inout MailFlowParameters, allowReset: Bool) throws {
        var options: [String: String] = [:]
        for (key, option) in zip(MailFlowParameters.Key.allCases, Self.parameters) {
            if let value = values[option] { options[key.rawValue] = value }
        }
        try PolicyParametersDialog.apply(options: options, to: &parameters, allowReset: allowReset)
    }

    /// The index of the named sender group of `table`, or a refusal naming it.
    static func groupIndex(_ name: String, in table: HostAccessTable) throws -> Int {
        guard case .entry(let index) = try HostAccessOperations.target(name, in: table).get() else {
            throw ShellError.actionFailed("There is no sender group \"\(name)\".")
        }
        return index
    }

    /// The named policy of `table` (`$NAME` or `NAME`), or a refusal naming it.
    static func policy(_ name: String, in table: HostAccessTable) throws -> MailFlowPolicy {
        guard let policy = table.policy(named: name) else {
            throw ShellError.actionFailed("There is no policy \"$\(name)\".")
        }
        return policy
    }

    // MARK: Keywords

    static func editWhat(_ word: String) -> FormPart {
        FormPart.keyword(
            word,
            missing: "Give the listener and what to edit.",
            unknown: { "Unknown edit operation \"\($0)\"." }
        )
    }
    static let hostAccess = editWhat("hostaccess")
    static let recipientAccess = editWhat("rcptaccess")
    static func hostAccessOperation(_ word: String) -> FormPart {
        FormPart.keyword(
            word,
            missing: "Give a hostaccess operation.",
            unknown: { "Unknown hostaccess operation \"\($0)\"." }
        )
    }
    static func recipientAccessOperation(_ word: String) -> FormPart {
        FormPart.keyword(
            word,
            missing: "Give a rcptaccess operation.",
            unknown: { "Unknown rcptaccess operation \"\($0)\"." }
        )
    }
    /// `sendergroup` or `policy` after a hostaccess operation: `new` names the new object after it,
    /// the others an existing one.
    static func kindOf(_ word: String, after operation: String) -> FormPart {
        let missing = operation == "new" ? "Give sendergroup or policy." : "Give sendergroup or policy and its name."
        return FormPart.keyword(word, missing: missing, unknown: { _ in missing })
    }
    /// A sender group's `--policy` and `--comment` (new and edit).
    static let groupOptions: [FormPart] = [.option(policyOption), .option(comment)]

    // MARK: Grammar

    static func grammar(_ configuration: CommandConfiguration) -> Grammar {
        Grammar(
            configuration,
            notes: notes,
            wording: Grammar.Wording(subcommandUsage: usage[0]),
            interactive: { session in try ListenerMenus(session: session).run() },
            Form("list", usage: usage[0]) { _, session in
                session.dialog.lines(ListenerText.list(session.configuration))
            },
            Form(
                "new",
                usage: usage[1],
                .argument(newName),
                .argument(kind),
                .argument(interface),
                .argument(transport),
                .option(port),
                .option(domains),
                .option(relay)
            ) { values, session in
                try ListenerBatch(session: session).new(values)
            },
            Form("edit", usage: usage[2], .argument(listener), editWhat("name"), .argument(renamed)) {
                values,
                session in
                let name = ListenerName(values[listener])
                let newName = try ListenerText.checkNewName(values[renamed], in: session.configuration, renaming: name)
                    .get()
                ListenerEditor(session: session, name: name).update { $0.name = newName }
            },
            Form(
                "edit",
                usage: usage[2],
                .argument(listener),
                editWhat("interface"),
                .argument(interface),
                .option(port)
            ) {
                values,
                session in
                try ListenerBatch(session: session).moveTo(values)
            },
            Form("edit", usage: usage[2], .argument(listener), editWhat("certificate"), .argument(profile)) {
                values,
                session in
                ListenerBatch(session: session).certificate(values)
            },
            hostAccessForm(3, "new", kind: "sendergroup", [.argument(newGroup), .argument(hosts)] + groupOptions) {
                try $0.newGroup($1)
            },
            hostAccessForm(4, "new", kind: "policy", [.argument(newPolicy), .argument(action)] + parameterParts) {
                try $0.newPolicy($1)
            },
            hostAccessForm(5, "edit", kind: "sendergroup", [.argument(group), .option(hostsOption)] + groupOptions) {
                try $0.editGroup($1)
            },
            hostAccessForm(5, "edit", kind: "policy", [.argument(policy)] + parameterParts) { try $0.editPolicy($1) },
            hostAccessForm(6, "default", parameterParts) { try $0.editDefault($1) },
            hostAccessForm(6, "delete", kind: "sendergroup", [.argument(group)]) { try $0.deleteGroup($1) },
            hostAccessForm(6, "delete", kind: "policy", [.argument(policy)]) { try $0.deletePolicy($1) },
            hostAccessForm(6, "move", [.argument(entry), .argument(position)]) { try $0.move($1) },
            hostAccessForm(7, "print", []) { batch, values in
                try batch.hostAccess(values) { table, _ in
                    batch.session.page(HostAccessText.print(table))
                    return nil
                }
            },
            hostAccessForm(7, "clear", []) { batch, values in
                try batch.hostAccess(values) { table, listener in HostAccessOperations.clear(table, kind: listener.kind)
                }
            },
            hostAccessForm(7, "import", [.argument(file)]) { batch, values in
                try batch.hostAccess(values) { table, _ in
                    try HostAccessOperations.importTable(values[file], defaults: table.defaults, session: batch.session)
                }
            },
            hostAccessForm(7, "export", [.argument(file)]) { batch, values in
                try batch.hostAccess(values) { table, _ in
                    try HostAccessOperations.exportTable(table, to: values[file], session: batch.session)
                    return nil
                }
            },
            recipientAccessForm("new", [.argument(pattern), .argument(accept)]) { table, values in
                let pattern = try RecipientAccessOperations.checkNewPattern(values[pattern], in: table).get()
                return RecipientAccessOperations.add(
                    RecipientAccessEntry(pattern: pattern, accept: values[accept]),
                    to: table
                )
            },
            recipientAccessForm("delete", [.argument(pattern)]) { table, values in
                let index = try RecipientAccessOperations.find(values[pattern], in: table).get()
                return try RecipientAccessOperations.delete(index, from: table).get()
            },
            Form("edit", usage: usage[8], .argument(listener), recipientAccess, recipientAccessOperation("print")) {
                values,
                session in
                try ListenerBatch(session: session).recipientAccess(values) { table in
                    session.page(RecipientAccessText.print(table))
                    return nil
                }
            },
            Form("delete", usage: usage[0], .argument(listener)) { values, session in
                let name = values[listener]
                session.stage { $0.listeners.remove(ListenerName(name)) }
            }
        )
    }

    /// `edit {listener} hostaccess {operation} [{kind}] …` with usage line `line`.
    private static func hostAccessForm(
        _ line: Int,
        _ operation: String,
        kind: String? = nil,
        _ parts: [FormPart],
        body: @escaping @Sendable (ListenerBatch, BatchValues) throws -> Void
    ) -> Form {
        Form(
            "edit",
            usage: usage[line],
            parts: [.argument(listener), hostAccess, hostAccessOperation(operation)]
                + (kind.map { [kindOf($0, after: operation)] } ?? []) + parts
        ) {
            values,
            session in
            try body(ListenerBatch(session: session), values)
        }
    }

    /// `edit {listener} rcptaccess {operation} …`, staging the table `change` returns.
    private static func recipientAccessForm(
        _ operation: String,
        _ parts: [FormPart],
        change: @escaping @Sendable ([RecipientAccessEntry], BatchValues) throws -> [RecipientAccessEntry]
    ) -> Form {
        Form(
            "edit",
            usage: usage[8],
            parts: [.argument(listener), recipientAccess, recipientAccessOperation(operation)] + parts
        ) {
            values,
            session in
            try ListenerBatch(session: session).recipientAccess(values) { try change($0, values) }
        }
    }

    private var dialog: Dialog { session.dialog }
    private var configuration: ApplianceConfiguration { session.configuration }

    /// The editor of the listener the form names (its stored name: `listener` found it).
    private func editor(_ values: BatchValues) -> ListenerEditor {
        ListenerEditor(session: session, name: ListenerName(values[Self.listener]))
    }

    // MARK: new and edit

    private func new(_ values: BatchValues) throws {
        guard values[Self.transport] else { throw ShellError.invalidInput(ListenerText.qmqpRefused) }
        let kind = values[Self.kind]
        let interface = InterfaceName(values[Self.interface])
        let given = values[Self.port]
        let port = try ListenerText.checkPort(given ?? "25", interface: interface, in: configuration, except: nil)
            .mapError(Self.option("port", given)).get()
        if kind == .public && values[Self.relay] != nil {
            throw Grammar.Misuse("--relay applies to private listeners only.")
        }
        if kind == .private && values[Self.domains] != nil {
            throw Grammar.Misuse("--domains applies to public listeners only.")
        }
        let domains = try ListenerText.checkDomains(values[Self.domains] ?? "").get()
        let hosts = try ListenerText.checkHosts(values[Self.relay] ?? "").get()
        let listener = ListenerText.makeListener(
            name: values[Self.newName],
            kind: kind,
            interface: interface,
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

    private func moveTo(_ values: BatchValues) throws {
        let editor = editor(values)
        guard let listener = editor.listener else { return }
        let interface = InterfaceName(values[Self.interface])
        let given = values[Self.port]
        let port = try ListenerText.checkPort(
            given ?? String(listener.port),
            interface: interface,
            in: configuration,
            except: listener.name
        ).mapError(Self.option("port", given)).get()
        editor.update {
            $0.interface = interface
            $0.port = port
        }
    }

    private func certificate(_ values: BatchValues) {
        let editor = editor(values)
        guard let listener = editor.listener else { return }
        let profile = values[Self.profile]
        editor.update { $0.certificate = profile }
        let warnings = ListenerText.certificateWarnings(
            profile: profile,
            interface: listener.interface,
            in: configuration
        )
        if !warnings.isEmpty { dialog.lines(warnings) }
    }

    // MARK: hostaccess

    /// Runs `change` on the listener's Host Access Table and stages the table it returns (nil: no change).
    private func hostAccess(
        _ values: BatchValues,
        _ change: (HostAccessTable, Listener) throws -> HostAccessTable?
    ) throws {
        let editor = editor(values)
        guard let listener = editor.listener else { return }
        guard let changed = try change(listener.hostAccess, listener) else { return }
        editor.update { $0.hostAccess = changed }
        // As the menu does: TLS turned on for a listener that presents Demo gets the Demo warning.
        if CertificateRules.isDemo(listener.certificate) && Self.enablesTLS(from: listener.hostAccess, to: changed) {
            dialog.lines(CertificateRules.demoWarning)
        }
    }

    /// Whether `new` offers TLS where `old` did not: its defaults, or a policy (new, or one whose
    /// effective level went from Off to another).
    static func enablesTLS(from old: HostAccessTable, to new: HostAccessTable) -> Bool {
        func offers(_ parameters: MailFlowParameters?) -> Bool { (parameters?.tls ?? .off) != .off }
        if offers(new.defaults) && !offers(old.defaults) { return true }
        return new.policies.contains { policy in
            offers(policy.parameters.applied(over: new.defaults))
                && !offers(old.policy(named: policy.name)?.parameters.applied(over: old.defaults))
        }
    }

    private func newGroup(_ values: BatchValues) throws {
        try hostAccess(values) { table, _ in
            let group = try HostAccessOperations.checkGroupName(values[Self.newGroup], in: table, except: nil).get()
            let hosts = try ListenerText.checkHosts(values[Self.hosts]).get()
            let behavior = try values[Self.policyOption].map { try Self.behavior($0, in: table) } ?? .action(.accept)
            let entry = HostAccessEntry(
                name: group,
                members: hosts,
                behavior: behavior,
                comment: values[Self.comment].flatMap { $0.isEmpty ? nil : $0 }
            )
            return HostAccessOperations.add(entry, to: table)
        }
    }

    private func newPolicy(_ values: BatchValues) throws {
        try hostAccess(values) { table, _ in
            let name = try HostAccessOperations.checkPolicyName(values[Self.newPolicy], in: table, except: nil).get()
            var parameters = MailFlowParameters()
            try Self.apply(values, to: &parameters, allowReset: true)
            var changed = table
            changed.policies.append(MailFlowPolicy(name: name, action: values[Self.action], parameters: parameters))
            return changed
        }
    }

    private func editGroup(_ values: BatchValues) throws {
        try hostAccess(values) { table, _ in
            let index = try Self.groupIndex(values[Self.group], in: table)
            var entry = table.entries[index]
            if let hosts = values[Self.hostsOption] {
                entry.members = try ListenerText.checkHosts(hosts).get()
                if entry.name == nil && entry.members.isEmpty {
                    throw Grammar.Misuse("An entry without a name needs a host.")
                }
            }
            if let policy = values[Self.policyOption] { entry.behavior = try Self.behavior(policy, in: table) }
            if let comment = values[Self.comment] { entry.comment = comment.isEmpty ? nil : comment }
            return HostAccessOperations.replace(index, with: entry, in: table)
        }
    }

    private func editPolicy(_ values: BatchValues) throws {
        try hostAccess(values) { table, _ in
            let policy = try Self.policy(values[Self.policy], in: table)
            var changed = policy
            try Self.apply(values, to: &changed.parameters, allowReset: true)
            return HostAccessOperations.replacePolicy(policy.name, with: changed, in: table)
        }
    }

    private func editDefault(_ values: BatchValues) throws {
        try hostAccess(values) { table, _ in
            var changed = table
            try Self.apply(values, to: &changed.defaults, allowReset: false)
            return changed
        }
    }

    private func deleteGroup(_ values: BatchValues) throws {
        try hostAccess(values) { table, _ in
            let index = try Self.groupIndex(values[Self.group], in: table)
            return try HostAccessOperations.delete(.entry(index), from: table).get()
        }
    }

    private func deletePolicy(_ values: BatchValues) throws {
        try hostAccess(values) { table, _ in
            let policy = try Self.policy(values[Self.policy], in: table)
            return try HostAccessOperations.delete(.policy(policy.name), from: table).get()
        }
    }

    private func move(_ values: BatchValues) throws {
        try hostAccess(values) { table, _ in
            guard case .entry(let index) = try HostAccessOperations.target(values[Self.entry], in: table).get() else {
                throw Grammar.Misuse("Policies have no position; give a sender group.")
            }
            let range = 1...table.entries.count
            let text = values[Self.position]
            guard let position = Int(text), range.contains(position) else {
                throw ShellError.invalidInput("Invalid position \"\(text)\". \(ListenerText.complaint(range))")
            }
            return HostAccessOperations.move(index, to: position - 1, in: table)
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

    /// Runs `change` on a public listener's Recipient Access Table and stages the table it returns
    /// (nil: no change).
    private func recipientAccess(
        _ values: BatchValues,
        _ change: ([RecipientAccessEntry]) throws -> [RecipientAccessEntry]?
    ) throws {
        let editor = editor(values)
        guard let listener = editor.listener else { return }
        guard listener.kind == .public else {
            throw ShellError.actionFailed("Listener \"\(listener.name)\" is private and has no Recipient Access Table.")
        }
        guard let changed = try change(listener.recipientAccess) else { return }
        editor.update { $0.recipientAccess = changed }
    }
}
