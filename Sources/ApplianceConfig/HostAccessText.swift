import DomainNames

/// A line of a HAT file that could not be read: `Error: line {n}: {problem}` (listenerconfig.md §4.2).
public typealias HostAccessTextError = TextLineError

/// The text format of a Host Access Table used by PRINT, EXPORT and IMPORT (listenerconfig.md §4.2):
/// policies, then sender groups and inline entries in HAT order, then `ALL`. The HAT defaults are
/// not part of the text. Pure: no I/O.
public enum HostAccessText {
    // MARK: Printing

    /// The table as text, one `\n` after every line.
    public static func print(_ table: HostAccessTable) -> String {
        var out = ""
        for policy in table.policies {
            out += "$\(policy.name)\n"
            if policy.parameters.isEmpty {
                out += "    \(policy.action.rawValue)\n"
            } else {
                out += "    \(policy.action.rawValue) {\n"
                for key in MailFlowParameters.Key.allCases {
                    guard let value = policy.parameters.value(key) else { continue }
                    out += "        \(key.rawValue) = \(text(of: value))\n"
                }
                out += "    }\n"
            }
        }
        for entry in table.entries {
            let behavior = text(of: entry.behavior) + (entry.comment.map { " (\($0))" } ?? "")
            if let name = entry.name {
                out += "\(name):\n"
                out += "        \(behavior)\n"
                for member in entry.members { out += "        \(member)\n" }
            } else {
                for member in entry.members {
                    out += "\(member)\n"
                    out += "    \(behavior)\n"
                }
            }
        }
        out += "ALL\n"
        out += "    \(text(of: table.all))\n"
        return out
    }

    /// `$NAME` for a policy, the action word otherwise.
    public static func text(of behavior: HostAccessBehavior) -> String {
        switch behavior {
        case .policy(let name): "$\(name)"
        case .action(let action): action.rawValue
        }
    }

    /// Strings quoted, numbers bare.
    public static func text(of value: MailFlowParameters.Value) -> String {
        switch value {
        case .number(let number): String(number)
        case .word(let word): "\"\(word)\""
        }
    }

    // MARK: Parsing

    /// Reads a table written by `print` (or by hand). `defaults` become the table's defaults, since
    /// the text does not carry them. Policy references are resolved ignoring case.
    public static func parse(
        _ text: String,
        defaults: MailFlowParameters = .factoryDefaults
    ) throws(HostAccessTextError) -> HostAccessTable {
        var parser = Parser()
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        var count = lines.count
        if text.last == "\n" || text.last == "\r\n" { count -= 1 }
        for (index, raw) in lines.prefix(count).enumerated() {
            try parser.read(raw, line: index + 1)
        }
        return try parser.finish(lastLine: max(count, 1), defaults: defaults)
    }

    private struct Parser {
        enum Block {
            case none
            case policy(line: Int, hasAction: Bool, open: Bool)
            case group(line: Int, hasBehavior: Bool)
            case inline(line: Int, hasBehavior: Bool)
            case all(line: Int, hasBehavior: Bool)
        }

        var block = Block.none
        var policies: [MailFlowPolicy] = []
        var entries: [HostAccessEntry] = []
        var all: HostAccessBehavior?
        /// Policy references with the line that made them, checked at the end.
        var references: [(line: Int, name: PolicyName)] = []
        var sawEntries = false

        mutating func read(_ raw: Substring, line: Int) throws(HostAccessTextError) {
            var content = Substring(raw)
            while let last = content.last, last == "\r" || last == " " || last == "\t" { content = content.dropLast() }
            let indented = content.first == " " || content.first == "\t"
            let body = content.trimmingSpaces
            if body.isEmpty || (!indented && body.hasPrefix("#")) { return }
            if indented {
                try readIndented(body, line: line)
            } else {
                try close(at: line)
                try readHeader(body, line: line)
            }
        }

        private mutating func readHeader(_ body: String, line: Int) throws(HostAccessTextError) {
            if all != nil || isAll {
                throw HostAccessTextError(line: line, .nothingAfterAll)
            }
            if body.hasPrefix("$") {
                let name = String(body.dropFirst())
                guard MailFlowPolicy.isValidName(name) else {
                    throw HostAccessTextError(line: line, .invalidPolicyName(body))
                }
                if sawEntries {
                    throw HostAccessTextError(line: line, .policyAfterEntries(body))
                }
                if policies.contains(where: { $0.name.names(name) }) {
                    throw HostAccessTextError(line: line, .duplicatePolicy(body))
                }
                policies.append(MailFlowPolicy(name: PolicyName(name), action: .accept))
                block = .policy(line: line, hasAction: false, open: false)
                return
            }
            sawEntries = true
            if body == "ALL" {
                block = .all(line: line, hasBehavior: false)
                return
            }
            if body.hasSuffix(":"), HostAccessEntry.isValidGroupName(String(body.dropLast())) {
                let name = SenderGroupName(String(body.dropLast()))
                if entries.contains(where: { name.names($0.name) }) {
                    throw HostAccessTextError(line: line, .duplicateSenderGroup(name.text))
                }
                entries.append(HostAccessEntry(name: name, members: [], behavior: .action(.accept)))
                block = .group(line: line, hasBehavior: false)
                return
            }
            guard HostAccessMember.isValid(body) else {
                throw HostAccessTextError(line: line, .invalidHost(body))
            }
            entries.append(HostAccessEntry(name: nil, members: [body], behavior: .action(.accept)))
            block = .inline(line: line, hasBehavior: false)
        }

        private var isAll: Bool {
            if case .all = block { return true }
            return false
        }

        private mutating func readIndented(_ body: String, line: Int) throws(HostAccessTextError) {
            switch block {
            case .none:
                throw HostAccessTextError(line: line, .indentedOutsideBlock)
            case .policy(let start, let hasAction, let open):
                if open {
                    if body == "}" {
                        block = .policy(line: start, hasAction: true, open: false)
                    } else {
                        try readParameter(body, line: line)
                    }
                } else if hasAction {
                    throw HostAccessTextError(
                        line: line,
                        .lineAfterPolicyAction(policy: policies[policies.count - 1].name.text)
                    )
                } else {
                    var word = body
                    var opens = false
                    if word.hasSuffix("{") {
                        word = String(word.dropLast()).trimmingSpaces
                        opens = true
                    }
                    guard let action = HostAccessAction(rawValue: word.uppercased()) else {
                        throw HostAccessTextError(line: line, .unknownAction(word))
                    }
                    policies[policies.count - 1].action = action
                    block = .policy(line: start, hasAction: true, open: opens)
                }
            case .group(let start, let hasBehavior):
                if hasBehavior {
                    guard HostAccessMember.isValid(body) else {
                        throw HostAccessTextError(line: line, .invalidHost(body))
                    }
                    entries[entries.count - 1].members.append(body)
                } else {
                    let (behavior, comment) = try readBehavior(body, line: line)
                    entries[entries.count - 1].behavior = behavior
                    entries[entries.count - 1].comment = comment
                    block = .group(line: start, hasBehavior: true)
                }
            case .inline(let start, let hasBehavior):
                if hasBehavior {
                    throw HostAccessTextError(line: line, .lineAfterBehavior(entries[entries.count - 1].label))
                }
                let (behavior, comment) = try readBehavior(body, line: line)
                entries[entries.count - 1].behavior = behavior
                entries[entries.count - 1].comment = comment
                block = .inline(line: start, hasBehavior: true)
            case .all(let start, let hasBehavior):
                if hasBehavior { throw HostAccessTextError(line: line, .nothingAfterAll) }
                let (behavior, comment) = try readBehavior(body, line: line)
                if comment != nil {
                    throw HostAccessTextError(line: line, .allTakesNoComment)
                }
                all = behavior
                block = .all(line: start, hasBehavior: true)
            }
        }

        /// `$POLICY` or an action, then an optional ` ({comment})`.
        private mutating func readBehavior(
            _ body: String,
            line: Int
        ) throws(HostAccessTextError) -> (HostAccessBehavior, String?) {
            let word: String
            var comment: String?
            if let space = body.firstIndex(of: " ") {
                word = String(body[..<space])
                let rest = body[space...].trimmingSpaces
                guard rest.hasPrefix("("), rest.hasSuffix(")"), rest.count >= 2 else {
                    throw HostAccessTextError(line: line, .commentExpected(after: word, found: String(rest)))
                }
                let text = String(rest.dropFirst().dropLast()).trimmingSpaces
                comment = text.isEmpty ? nil : text
            } else {
                word = body
            }
            if word.hasPrefix("$") {
                let name = String(word.dropFirst())
                guard MailFlowPolicy.isValidName(name) else {
                    throw HostAccessTextError(line: line, .invalidPolicyReference(word))
                }
                references.append((line, PolicyName(name)))
                return (.policy(PolicyName(name)), comment)
            }
            guard let action = HostAccessAction(rawValue: word.uppercased()) else {
                throw HostAccessTextError(line: line, .unknownAction(word))
            }
            return (.action(action), comment)
        }

        /// `key = value` inside `{ … }`.
        private mutating func readParameter(_ body: String, line: Int) throws(HostAccessTextError) {
            guard let equals = body.firstIndex(of: "=") else {
                throw HostAccessTextError(line: line, .keyValueExpected(found: body))
            }
            let keyText = body[..<equals].trimmingSpaces
            let valueText = body[body.index(after: equals)...].trimmingSpaces
            guard let key = MailFlowParameters.Key(rawValue: keyText) else {
                throw HostAccessTextError(line: line, .unknownParameter(keyText))
            }
            let value: MailFlowParameters.Value
            if valueText.count >= 2, valueText.hasPrefix("\""), valueText.hasSuffix("\"") {
                value = .word(String(valueText.dropFirst().dropLast()))
            } else if let number = Int(valueText) {
                value = .number(number)
            } else {
                throw HostAccessTextError(line: line, .parameterValueKind(key: keyText, found: valueText))
            }
            let index = policies.count - 1
            if policies[index].parameters.value(key) != nil {
                throw HostAccessTextError(line: line, .duplicateParameter(keyText))
            }
            if let problem = policies[index].parameters.set(key, value) {
                throw HostAccessTextError(line: line, .parameter(problem))
            }
        }

        /// Ends the current block at the start of a new one (or of the end of the text).
        private mutating func close(at line: Int) throws(HostAccessTextError) {
            switch block {
            case .none:
                break
            case .policy(let start, let hasAction, let open):
                let name = "$" + policies[policies.count - 1].name.text
                if open {
                    throw HostAccessTextError(line: line, .parametersNotClosed(policy: name))
                }
                if !hasAction { throw HostAccessTextError(line: start, .policyWithoutAction(name)) }
            case .group(let start, let hasBehavior):
                if !hasBehavior {
                    throw HostAccessTextError(
                        line: start,
                        .senderGroupWithoutBehavior(entries[entries.count - 1].label)
                    )
                }
            case .inline(let start, let hasBehavior):
                if !hasBehavior {
                    throw HostAccessTextError(line: start, .entryWithoutBehavior(entries[entries.count - 1].label))
                }
            case .all(let start, let hasBehavior):
                if !hasBehavior { throw HostAccessTextError(line: start, .allWithoutBehavior) }
                return
            }
            block = .none
        }

        mutating func finish(
            lastLine: Int,
            defaults: MailFlowParameters
        ) throws(HostAccessTextError) -> HostAccessTable {
            try close(at: lastLine)
            guard let all else {
                throw HostAccessTextError(line: lastLine, .noAllEntry)
            }
            var canonical: [FoldedName<MailFlowPolicies>: PolicyName] = [:]
            for policy in policies { canonical[policy.name.key] = policy.name }
            for reference in references where canonical[reference.name.key] == nil {
                throw HostAccessTextError(line: reference.line, .undefinedPolicy(reference.name.text))
            }
            func resolve(_ behavior: HostAccessBehavior) -> HostAccessBehavior {
                guard case .policy(let name) = behavior, let real = canonical[name.key] else {
                    return behavior
                }
                return .policy(real)
            }
            var table = HostAccessTable(defaults: defaults, policies: policies, entries: entries, all: resolve(all))
            for index in table.entries.indices {
                table.entries[index].behavior = resolve(table.entries[index].behavior)
            }
            return table
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
