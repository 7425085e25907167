import ApplianceConfig
import DomainNames
import FoundationEssentials
import Shell

/// listenerconfig EDIT → HOSTACCESS (listenerconfig.md §4).
struct HostAccessEditor {
    let listener: ListenerEditor
    var session: Session { listener.session }
    var dialog: Dialog { session.dialog }

    /// `There are currently 4 policies defined.` / `There are currently 5 sender groups.`
    static func status(_ table: HostAccessTable) -> [String] {
        let policies = table.policies.count
        let groups = table.senderGroupCount
        return [
            policies == 1
                ? "There is currently 1 policy defined." : "There are currently \(policies) policies defined.",
            groups == 1 ? "There is currently 1 sender group." : "There are currently \(groups) sender groups.",
        ]
    }

    var table: HostAccessTable? { listener.listener?.hostAccess }

    func stage(_ table: HostAccessTable) {
        listener.update { $0.hostAccess = table }
    }

    func run() throws {
        try dialog.run { _ in
            table.map {
                Menu(
                    status: Self.status($0),
                    [
                        item("NEW", "Create a new entry.") { try new($0) },
                        item("EDIT", "Modify an entry.") { try edit($0) },
                        item("DELETE", "Remove an entry.") { try delete($0) },
                        item("MOVE", "Move an entry.") { try move($0) },
                        item("DEFAULT", "Set the defaults.") { try setDefaults($0) },
                        item("PRINT", "Display the table.") { session.page("\n" + HostAccessText.print($0)) },
                        item("IMPORT", "Import a table from a file.") { try importTable($0) },
                        item("EXPORT", "Export the table to a file.") { try exportTable($0) },
                        item("CLEAR", "Remove all entries.") { try clear($0) },
                    ]
                )
            }
        }
    }

    /// An operation on the table as it is when chosen; the menu is left when the listener is gone.
    private func item(
        _ name: String,
        _ description: String,
        _ action: @escaping (HostAccessTable) throws -> Void
    ) -> MenuItem {
        .deciding(name, description) {
            guard let table else { return .leave }
            try action(table)
            return .stay
        }
    }

    // MARK: NEW and EDIT

    private func new(_ table: HostAccessTable) throws {
        let kind = try dialog.choose([], items: ["New Sender Group", "New Policy"], default: 0)
        if kind == 0 {
            try senderGroup(table, editing: nil)
        } else {
            try policy(table, editing: nil)
        }
    }

    /// Lists the table, then asks for the sender group or policy to `action`; nil on Enter alone.
    private func chooseTarget(_ action: String, in table: HostAccessTable) throws -> HostAccessOperations.Target? {
        listEntries(table)
        return try dialog.ask(
            ["Enter the sender group name, policy name ($NAME) or number to \(action):"],
            format: HostAccessOperations.target(in: table)
        )
    }

    private func edit(_ table: HostAccessTable) throws {
        guard let target = try chooseTarget("edit", in: table) else { return }
        switch target {
        case .entry(let index): try senderGroup(table, editing: index)
        case .policy(let name): try policy(table, editing: name)
        }
    }

    /// The sender group dialog of NEW (`editing` nil) and EDIT.
    private func senderGroup(_ table: HostAccessTable, editing index: Int?) throws {
        let current = index.map { table.entries[$0] }
        let name = try dialog.ask(
            ["Enter a name for this sender group. (optional)"],
            default: current?.name?.text,
            required: false,
            format: AnswerFormat("A sender group name no other group has (letters, digits, \"_\", \"-\", \".\").") {
                text -> Result<SenderGroupName?, ShellError> in
                if text.isEmpty { return .success(nil) }
                return HostAccessOperations.checkGroupName(text, in: table, except: index).map { $0 }
            }
        )
        guard let name else { return }
        let currentMembers = current?.members.joined(separator: ", ")
        let question = [
            "Enter the hosts to add. CIDR addresses such as 10.1.1.0/24 are allowed. IP address ranges such as "
                + "10.1.1.10-20 are allowed. IP subnets such as 10.2.3. are allowed. Hostnames such as "
                + "crm.example.com are allowed. Partial hostnames such as .example.com are allowed.",
            "Ranges of SenderBase Reputation scores such as sbrs[7.5:10.0] are allowed.",
            "Remote blacklist queries such as dnslist[query.blacklist.example] are allowed.",
            "Separate multiple hosts with commas",
        ]
        let members: [String]?
        if name == nil {
            members = try dialog.ask(question, default: currentMembers, format: ListenerText.hosts)
        } else {
            members =
                try dialog.ask(
                    question,
                    default: currentMembers.flatMap { $0.isEmpty ? nil : $0 },
                    required: false,
                    format: ListenerText.hosts
                )
        }
        guard let members else { return }
        if name == nil && members.isEmpty { return }
        let behavior = try chooseBehavior(table, current: current?.behavior)
        let comment = try dialog.ask(
            ["Enter a comment for this sender group."],
            default: current?.comment,
            required: false,
            questionMarkIsData: true,
            format: AnswerFormat("A comment shown with the sender group.") { .success($0) }
        )
        let entry = HostAccessEntry(
            name: name,
            members: members,
            behavior: behavior,
            comment: (comment ?? "").isEmpty ? nil : comment
        )
        if let index {
            stage(HostAccessOperations.replace(index, with: entry, in: table))
        } else {
            stage(HostAccessOperations.add(entry, to: table))
        }
    }

    /// `Select a behavior for this entry.`: the five actions, then one item per policy.
    private func chooseBehavior(_ table: HostAccessTable, current: HostAccessBehavior?) throws -> HostAccessBehavior {
        let actions: [HostAccessAction] = [.accept, .relay, .reject, .tcpRefuse, .continue]
        let behaviors = actions.map(HostAccessBehavior.action) + table.policies.map { .policy($0.name) }
        let items =
            ["Accept", "Relay", "Reject", "TCP Refuse", "Continue"] + table.policies.map { "Policy: \($0.name)" }
        let index = try dialog.choose(
            ["Select a behavior for this entry."],
            items: items,
            default: current.flatMap { behaviors.firstIndex(of: $0) } ?? 0
        )
        return behaviors[index]
    }

    /// The policy dialog of NEW (`editing` nil) and EDIT.
    private func policy(_ table: HostAccessTable, editing: PolicyName?) throws {
        let current = editing.flatMap { table.policy(named: $0) }
        guard
            let name = try dialog.ask(
                ["Enter the name for this policy:"],
                default: current.map { "$\($0.name)" },
                format: AnswerFormat("A policy name such as $PARTNERS: \"$\", then letters, digits and \"_\".") {
                    HostAccessOperations.checkPolicyName($0, in: table, except: current?.name)
                }
            )
        else { return }
        var actions: [HostAccessAction] = [.accept, .relay, .reject, .tcpRefuse]
        var labels = ["Accept", "Relay", "Reject", "TCP Refuse"]
        if current?.action == .continue {
            actions.append(.continue)
            labels.append("Continue")
        }
        let action = actions[
            try dialog.choose(
                ["Select a behavior for this entry."],
                items: labels,
                default: current.flatMap { actions.firstIndex(of: $0.action) } ?? 0
            )
        ]
        var parameters = current?.parameters ?? MailFlowParameters()
        if try dialog.yesNo("Would you like to change the default parameters for this policy?", default: false) {
            parameters = try PolicyParametersDialog(dialog: dialog, demoCertificate: isDemo).policy(
                parameters,
                defaults: table.defaults
            )
        }
        let policy = MailFlowPolicy(name: name, action: action, parameters: parameters)
        if let current {
            stage(HostAccessOperations.replacePolicy(current.name, with: policy, in: table))
        } else {
            var changed = table
            changed.policies.append(policy)
            stage(changed)
        }
    }

    private var isDemo: Bool { listener.listener?.certificate?.isDemo ?? false }

    // MARK: DELETE, MOVE, DEFAULT, CLEAR

    private func delete(_ table: HostAccessTable) throws {
        guard let target = try chooseTarget("delete", in: table) else { return }
        stage(try HostAccessOperations.delete(target, from: table).get())
    }

    private func move(_ table: HostAccessTable) throws {
        guard !table.entries.isEmpty else {
            throw ShellError.actionFailed("There are no sender groups or entries to move.")
        }
        listEntries(table)
        guard
            let target = try dialog.ask(
                ["Enter the sender group name or number to move:"],
                format: HostAccessOperations.target(in: table).map { target -> Result<Int, ShellError> in
                    guard case .entry(let index) = target else {
                        return .failure(.invalidInput("Policies have no position; enter a sender group."))
                    }
                    return .success(index)
                }
            ),
            let position = try dialog.askNumber(
                ["Enter the new position (1 to \(table.entries.count)):"],
                range: 1...table.entries.count,
                default: nil
            )
        else { return }
        stage(HostAccessOperations.move(target, to: position - 1, in: table))
    }

    private func setDefaults(_ table: HostAccessTable) throws {
        var changed = table
        changed.defaults = try PolicyParametersDialog(dialog: dialog, demoCertificate: isDemo).defaults(table.defaults)
        stage(changed)
    }

    private func clear(_ table: HostAccessTable) throws {
        guard try dialog.yesNo("Are you sure you want to remove all entries?", default: false) else { return }
        stage(HostAccessOperations.clear(table, kind: listener.listener?.kind ?? .public))
    }

    // MARK: IMPORT and EXPORT

    private func importTable(_ table: HostAccessTable) throws {
        guard let file = try ConfigurationFolder(session).askInputName() else { return }
        stage(try HostAccessOperations.importTable(file, defaults: table.defaults, session: session))
    }

    private func exportTable(_ table: HostAccessTable) throws {
        guard let file = try ConfigurationFolder(session).askInputName("Enter the name of the file to export:") else {
            return
        }
        try HostAccessOperations.exportTable(table, to: file, session: session)
    }

    /// The numbered sender groups and inline entries (EDIT, DELETE and MOVE refer to these numbers).
    private func listEntries(_ table: HostAccessTable) {
        guard !table.entries.isEmpty else { return }
        dialog.block(table.entries.enumerated().map { "\($0.offset + 1). \($0.element.label)" })
    }
}

/// The HAT operations shared by the dialogs and the batch forms: pure, except IMPORT/EXPORT file access.
enum HostAccessOperations {
    enum Target: Equatable {
        case entry(Int)
        case policy(PolicyName)
    }

    /// `$NAME`, a sender group name, an inline entry's host, or a number of the entry list.
    /// A sender group or policy typed at a question.
    static func target(in table: HostAccessTable) -> AnswerFormat<Target> {
        AnswerFormat("A sender group's name or number in the list, or a policy's name ($NAME).") {
            target($0, in: table)
        }
    }

    static func target(_ text: String, in table: HostAccessTable) -> Result<Target, ShellError> {
        if text.hasPrefix("$") {
            guard let policy = table.policy(named: text) else {
                return .failure(.invalidInput("There is no policy \"\(text)\"."))
            }
            return .success(.policy(policy.name))
        }
        if let number = Int(text) {
            guard !table.entries.isEmpty, (1...table.entries.count).contains(number) else {
                return .failure(.invalidInput(ListenerText.complaint(1...max(table.entries.count, 1))))
            }
            return .success(.entry(number - 1))
        }
        if let index = table.entryIndex(named: text) { return .success(.entry(index)) }
        if let policy = table.policy(named: text) { return .success(.policy(policy.name)) }
        return .failure(.invalidInput("There is no sender group or policy \"\(text)\"."))
    }

    static func checkGroupName(
        _ name: String,
        in table: HostAccessTable,
        except: Int?
    ) -> Result<SenderGroupName, ShellError> {
        guard HostAccessEntry.isValidGroupName(name) else {
            return .failure(
                .invalidInput("Invalid sender group name \"\(name)\". Use letters, digits, \"_\" and \"-\".")
            )
        }
        if let index = table.entries.firstIndex(where: { SenderGroupName(name).names($0.name) }),
            index != except
        {
            return .failure(.invalidInput("A sender group named \"\(table.entries[index].label)\" already exists."))
        }
        return .success(SenderGroupName(name))
    }

    static func checkPolicyName(
        _ text: String,
        in table: HostAccessTable,
        except: PolicyName?
    ) -> Result<PolicyName, ShellError> {
        let name = text.hasPrefix("$") ? String(text.dropFirst()) : text
        guard MailFlowPolicy.isValidName(name) else {
            return .failure(.invalidInput("Invalid policy name \"\(text)\". Use letters, digits and \"_\"."))
        }
        if let other = table.policy(named: name), other.name != except {
            return .failure(.invalidInput("A policy named \"$\(other.name)\" already exists."))
        }
        return .success(PolicyName(name))
    }

    /// A named group goes before the first inline entry; inline entries (one per host) go last.
    static func add(_ entry: HostAccessEntry, to table: HostAccessTable) -> HostAccessTable {
        var changed = table
        if entry.name != nil {
            let index = changed.entries.firstIndex { $0.name == nil } ?? changed.entries.count
            changed.entries.insert(entry, at: index)
        } else {
            for member in entry.members {
                var inline = entry
                inline.members = [member]
                changed.entries.append(inline)
            }
        }
        return changed
    }

    /// Replaces an entry; an inline entry edited with several hosts becomes one entry per host.
    static func replace(_ index: Int, with entry: HostAccessEntry, in table: HostAccessTable) -> HostAccessTable {
        var changed = table
        if entry.name == nil {
            changed.entries.replaceSubrange(
                index...index,
                with: entry.members.map {
                    HostAccessEntry(name: nil, members: [$0], behavior: entry.behavior, comment: entry.comment)
                }
            )
        } else {
            changed.entries[index] = entry
        }
        return changed
    }

    /// Replaces a policy; a renamed policy's references follow the new name.
    static func replacePolicy(
        _ name: PolicyName,
        with policy: MailFlowPolicy,
        in table: HostAccessTable
    ) -> HostAccessTable {
        var changed = table
        guard let index = changed.policies.firstIndex(where: { $0.name == name }) else { return table }
        changed.policies[index] = policy
        if policy.name != name {
            for entry in changed.entries.indices where changed.entries[entry].behavior.usesPolicy(name) {
                changed.entries[entry].behavior = .policy(policy.name)
            }
            if changed.all.usesPolicy(name) { changed.all = .policy(policy.name) }
        }
        return changed
    }

    /// Removes an entry, or a policy nothing uses (else the refusal names every use).
    static func delete(_ target: Target, from table: HostAccessTable) -> Result<HostAccessTable, ShellError> {
        var changed = table
        switch target {
        case .entry(let index):
            changed.entries.remove(at: index)
        case .policy(let name):
            let uses = table.references(toPolicy: name)
            guard uses.isEmpty else {
                return .failure(.actionFailed("The policy \"$\(name)\" is used by \(listing(uses.map(\.wording)))."))
            }
            changed.policies.removeAll { $0.name == name }
        }
        return .success(changed)
    }

    /// `a`, `a and b`, `a, b and c`.
    static func listing(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "")
    }

    static func move(_ index: Int, to position: Int, in table: HostAccessTable) -> HostAccessTable {
        var changed = table
        let entry = changed.entries.remove(at: index)
        changed.entries.insert(entry, at: min(position, changed.entries.count))
        return changed
    }

    /// No entries; `ALL` → `$ACCEPTED` (public) or `$BLOCKED` (private) when that policy exists,
    /// else the action ACCEPT or REJECT. Policies and defaults stay.
    static func clear(_ table: HostAccessTable, kind: ListenerKind) -> HostAccessTable {
        var changed = table
        changed.entries = []
        let (policy, action): (String, HostAccessAction) =
            kind == .public ? ("ACCEPTED", .accept) : ("BLOCKED", .reject)
        changed.all = changed.policy(named: policy).map { .policy($0.name) } ?? .action(action)
        return changed
    }

    /// Reads and parses a HAT file in /configuration; a parse error is `Error: line {n}: {problem}`.
    static func importTable(_ file: String, defaults: MailFlowParameters, session: Session) throws -> HostAccessTable {
        let text = try ConfigurationFolder(session).readText(file, limit: 4 * 1_048_576, what: "a Host Access Table")
        return try HostAccessText.parse(text, defaults: defaults)
    }

    /// Writes the table in the PRINT format and says where.
    static func exportTable(_ table: HostAccessTable, to file: String, session: Session) throws {
        try ConfigurationFolder(session).write(Data(HostAccessText.print(table).utf8), named: file)
    }
}
