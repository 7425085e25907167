import ApplianceConfig
import DomainNames
import Shell

/// listenerconfig EDIT → RCPTACCESS (listenerconfig.md §3): the Recipient Access Table, ending with `ALL`.
struct RecipientAccessEditor {
    let listener: ListenerEditor
    var session: Session { listener.session }
    var dialog: Dialog { session.dialog }

    var table: [RecipientAccessEntry]? { listener.listener?.recipientAccess }

    func stage(_ table: [RecipientAccessEntry]) {
        listener.update { $0.recipientAccess = table }
    }

    func run() throws {
        try dialog.run { _ in
            guard let count = table?.count else { return nil }
            let status =
                count == 1 ? "There is currently 1 entry defined." : "There are currently \(count) entries defined."
            return Menu(
                status: [status],
                [
                    item("NEW", "Create a new entry.") { try new($0) },
                    item("EDIT", "Modify an entry.") { try edit($0) },
                    item("DELETE", "Remove an entry.") { try delete($0) },
                    item("PRINT", "Display the table.") { session.page("\n" + RecipientAccessText.print($0)) },
                    item("CLEAR", "Remove all entries.") { table in
                        if try dialog.yesNo("Are you sure you want to remove all entries?", default: false) {
                            stage(RecipientAccessOperations.clear(table))
                        }
                    },
                ]
            )
        }
    }

    /// An operation on the table as it is when chosen; the menu is left when the listener is gone.
    private func item(
        _ name: String,
        _ description: String,
        _ action: @escaping ([RecipientAccessEntry]) throws -> Void
    ) -> MenuItem {
        .deciding(name, description) {
            guard let table else { return .leave }
            try action(table)
            return .stay
        }
    }

    private func new(_ table: [RecipientAccessEntry]) throws {
        guard
            let pattern = try dialog.ask(
                [
                    "Enter the domain for which you want to accept or reject mail.",
                    "Hostnames such as \"example.com\" are allowed.",
                    "Partial hostnames such as \".example.com\" are allowed.",
                ],
                format: AnswerFormat("A domain (example.com) or partial domain (.example.com) with no entry yet.") {
                    RecipientAccessOperations.checkNewPattern($0, in: table)
                }
            )
        else { return }
        let accept = try chooseAction(current: true)
        stage(RecipientAccessOperations.add(RecipientAccessEntry(pattern: pattern, accept: accept), to: table))
    }

    /// Lists the table, then asks for the entry to `action`; nil on Enter alone.
    private func chooseEntry(_ action: String, in table: [RecipientAccessEntry]) throws -> Int? {
        listEntries(table)
        return try dialog.ask(
            ["Enter the domain or number of the entry to \(action):"],
            format: RecipientAccessOperations.entry(in: table)
        )
    }

    private func edit(_ table: [RecipientAccessEntry]) throws {
        guard let index = try chooseEntry("edit", in: table) else { return }
        let accept = try chooseAction(current: table[index].accept)
        var changed = table
        changed[index].accept = accept
        stage(changed)
    }

    private func delete(_ table: [RecipientAccessEntry]) throws {
        guard let index = try chooseEntry("delete", in: table) else { return }
        stage(try RecipientAccessOperations.delete(index, from: table).get())
    }

    private func chooseAction(current: Bool) throws -> Bool {
        try dialog.choose(["Select the action for this entry."], items: ["Accept", "Reject"], default: current ? 0 : 1)
            == 0
    }

    private func listEntries(_ table: [RecipientAccessEntry]) {
        dialog.block(table.enumerated().map { "\($0.offset + 1). \($0.element.pattern)" })
    }
}

/// RAT operations shared by the dialog and the batch forms.
enum RecipientAccessOperations {
    /// A host name or partial host name not yet in the table.
    static func checkNewPattern(_ text: String, in table: [RecipientAccessEntry]) -> Result<String, ShellError> {
        if let problem = ListenerText.domainProblem(text) { return .failure(problem) }
        let pattern = text.lowercased()
        if table.contains(named: AccessPattern(pattern), by: \.pattern) {
            return .failure(.invalidInput("The entry \"\(pattern)\" already exists."))
        }
        return .success(pattern)
    }

    /// An entry typed at a question.
    static func entry(in table: [RecipientAccessEntry]) -> AnswerFormat<Int> {
        AnswerFormat("An entry's domain or its number in the list.") { find($0, in: table) }
    }

    /// An entry by pattern (ignoring case) or number.
    static func find(_ text: String, in table: [RecipientAccessEntry]) -> Result<Int, ShellError> {
        if let number = Int(text) {
            guard (1...max(table.count, 1)).contains(number), number <= table.count else {
                return .failure(.invalidInput(ListenerText.complaint(1...max(table.count, 1))))
            }
            return .success(number - 1)
        }
        guard let index = table.firstIndex(where: { AccessPattern(text).names($0.pattern) }) else {
            return .failure(.invalidInput("There is no entry \"\(text)\"."))
        }
        return .success(index)
    }

    /// New entries go before `ALL`.
    static func add(_ entry: RecipientAccessEntry, to table: [RecipientAccessEntry]) -> [RecipientAccessEntry] {
        var changed = table
        let index = changed.firstIndex { $0.pattern == "ALL" } ?? changed.count
        changed.insert(entry, at: index)
        return changed
    }

    static func delete(_ index: Int, from table: [RecipientAccessEntry]) -> Result<[RecipientAccessEntry], ShellError> {
        guard table[index].pattern != "ALL" else {
            return .failure(.actionFailed("The ALL entry cannot be deleted."))
        }
        var changed = table
        changed.remove(at: index)
        return .success(changed)
    }

    /// Only `ALL` stays, with its action.
    static func clear(_ table: [RecipientAccessEntry]) -> [RecipientAccessEntry] {
        table.filter { $0.pattern == "ALL" }.suffix(1).map { $0 }.nonEmpty
            ?? [RecipientAccessEntry(pattern: "ALL", accept: false)]
    }
}

extension Array {
    fileprivate var nonEmpty: Self? { isEmpty ? nil : self }
}
