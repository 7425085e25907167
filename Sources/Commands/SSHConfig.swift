import ApplianceConfig
import FoundationEssentials
import Shell
import TextSupport

/// `sshconfig` (ssh.md §3): the SSH server's algorithms (SSHD) and the users' public keys (USERKEY),
/// which log in through the embedded endpoint and the OpenSSH route. Staged; needs commit. Keys are
/// part of the users, so like `userconfig` it is for Administrators only.
public struct SSHConfigCommand: DeclaredCommand {
    static let user = Positional(
        "user",
        ValueParser<String>(
            "{user}",
            candidates: { context in context.configuration.users.map(\.name) }
        ) { text, context throws(ShellError) in
            guard context.configuration.user(named: text) != nil else {
                throw .actionFailed("There is no user \"\(TerminalSafe.escaped(text))\".")
            }
            return text
        }
    )
    static let key = Positional("key", ValueParser<String>.text("\"{public key}\""), missing: "the public key")
    static let number = Positional(
        "number",
        ValueParser<Int>.number("{n}", 1...9999) { "Not a key number: \"\(TerminalSafe.escaped($0))\"." }
    )

    public let grammar = Grammar(
        CommandConfiguration(
            "sshconfig",
            summary: "Configure SSH servers and user keys.",
            requiresCommit: true,
            access: .administer
        ),
        interactive: { try SSHConfigCommand.menu($0) },
        userKeyForm("new", "\"{public key}\"", .argument(SSHConfigCommand.key)) { name, values, session in
            try SSHConfigCommand.add(values[SSHConfigCommand.key], to: name, in: session)
        },
        userKeyForm("delete", "{n}", .argument(SSHConfigCommand.number)) { name, values, session in
            try SSHConfigCommand.delete(values[SSHConfigCommand.number], of: name, in: session)
        },
        userKeyForm("print") { name, _, session in
            let keys = session.configuration.user(named: name)?.keys ?? []
            guard !keys.isEmpty else { return session.dialog.block("No keys are installed for \(name).") }
            session.page(keys.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n"))
        }
    )

    /// `sshconfig userkey {operation} {user} [{tail}]`: the body gets the user's name.
    private static func userKeyForm(
        _ operation: String,
        _ tail: String? = nil,
        _ extra: FormPart...,
        body: @escaping @Sendable (String, BatchValues, Session) throws -> Void
    ) -> Form {
        Form(
            "userkey",
            usage: "sshconfig userkey \(operation) {user}" + (tail.map { " " + $0 } ?? ""),
            parts: [.keyword(operation), .argument(user)] + extra
        ) { values, session in
            try body(values[user], values, session)
        }
    }

    // MARK: Rules shared by the menu and the batch forms

    static func add(_ text: String, to name: String, in session: Session) throws {
        let key = try SSHPublicKeyLine(text)
        guard
            session.configuration.user(named: name)?.keys.contains(where: { SSHKeyText.sameKey($0, key.line) }) != true
        else {
            throw ShellError.actionFailed("This key is already installed for \(name).")
        }
        session.stage { config in
            guard let index = config.users.index(ofID: name) else { return }
            config.users[index].keys.append(key.line)
        }
        if key.routes == .openSSHOnly {
            session.dialog.block(
                "This RSA key is for the OpenSSH route only: the embedded endpoint of esa serve accepts "
                    + "ed25519 and ECDSA keys."
            )
        }
    }

    static func delete(_ number: Int, of name: String, in session: Session) throws {
        let keys = session.configuration.user(named: name)?.keys ?? []
        guard (1...max(keys.count, 1)).contains(number), !keys.isEmpty else {
            throw ShellError.actionFailed(
                keys.isEmpty ? "No keys are installed for \(name)." : "There is no key \(number) for \(name)."
            )
        }
        session.stage { config in
            guard let index = config.users.index(ofID: name) else { return }
            config.users[index].keys.remove(at: number - 1)
        }
    }

    // MARK: The menu

    /// `Enter the number of the key you wish to {action}:` (1-based); refused when `name` has no keys,
    /// nil on Enter alone.
    private static func chooseKey(_ action: String, of name: String, in session: Session) throws -> Int? {
        let count = session.configuration.user(named: name)?.keys.count ?? 0
        guard count > 0 else { throw ShellError.actionFailed("No keys are installed for \(name).") }
        return try session.dialog.askNumber(
            ["Enter the number of the key you wish to \(action):"],
            range: 1...count,
            default: nil
        )
    }

    private static func menu(_ session: Session) throws {
        try session.dialog.run { _ in
            Menu(
                [
                    MenuItem("SSHD", "Edit SSH server settings.") { session.dialog.block(Self.serverSettings) },
                    MenuItem("USERKEY", "Edit SSH User Key settings") { try userKeys(session) },
                ]
            )
        }
    }

    /// What the embedded endpoint negotiates (swift-nio-ssh 0.15); not configurable here.
    static let serverSettings = [
        "SSH server of esa serve (the embedded endpoint):",
        "Key exchange: curve25519-sha256, ecdh-sha2-nistp256, ecdh-sha2-nistp384, ecdh-sha2-nistp521",
        "Host keys: ssh-ed25519, ecdsa-sha2-nistp256",
        "Ciphers: aes256-gcm@openssh.com, aes128-gcm@openssh.com (MACs: implicit in AES-GCM)",
        "User keys: ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521",
        "These are fixed by the SSH library; OpenSSH's sshd (Docs/SSH.md) has its own settings.",
    ]

    private static func userKeys(_ session: Session) throws {
        let users = session.configuration.users.map(\.name)
        var current =
            session.environment.applianceUser
            ?? (users.contains(ApplianceUser.factoryName) ? ApplianceUser.factoryName : users.first ?? "")
        let dialog = session.dialog
        try dialog.run { _ in
            guard let user = session.configuration.user(named: current) else { return nil }
            return Menu(
                status: ["Currently installed keys for \(TerminalSafe.escaped(user.name)):"]
                    + user.keys.enumerated().map {
                        "\($0.offset + 1). \(TerminalSafe.escaped(SSHKeyText.summary($0.element)))"
                    },
                [
                    MenuItem("NEW", "Add a new key.") {
                        let name = current
                        let text = try dialog.paste(
                            [
                                "Please enter the public SSH key for authorization.",
                                "Press enter on a blank line to finish.",
                            ],
                            until: ""
                        )
                        try Self.add(text.split(separator: "\n").joined(), to: name, in: session)
                    },
                    MenuItem("USER", "Switch to a different user to edit.") {
                        let names = session.configuration.users.map(\.name)
                        let index = try dialog.choose(
                            ["Select the user to edit:"],
                            items: names.map(TerminalSafe.escaped),
                            default: names.firstIndex(of: current) ?? 0
                        )
                        current = names[index]
                    },
                    MenuItem("DELETE", "Remove a key.") {
                        guard let number = try Self.chooseKey("delete", of: current, in: session) else { return }
                        try Self.delete(number, of: current, in: session)
                    },
                    MenuItem("PRINT", "Display a key.") {
                        guard let number = try Self.chooseKey("print", of: current, in: session) else { return }
                        let keys = session.configuration.user(named: current)?.keys ?? []
                        dialog.block(TerminalSafe.escaped(keys[number - 1]))
                    },
                ]
            )
        }
    }
}

/// An OpenSSH public key line checked as sshd would read it: `{type} {base64 blob} [comment]`, the
/// blob's own type matching, ed25519 (32 bytes), ECDSA on P-256/384/521, RSA of 2048 bits or more.
struct SSHPublicKeyLine {
    enum Routes { case both, openSSHOnly }

    /// The line as stored: type, blob and comment separated by single spaces.
    let line: String
    let routes: Routes

    static let invalid = "SSH key does not appear to be valid."

    init(_ text: String) throws {
        let trimmed = text.trimmingWhitespaceAndNewlines()
        guard let parts = SSHKeyText.parts(trimmed), let blob = Data(base64Encoded: parts.base64) else {
            throw ShellError.invalidInput(Self.invalid)
        }
        var reader = BlobReader(bytes: Array(blob))
        guard let type = reader.string().map({ String(decoding: $0, as: UTF8.self) }), type == parts.type else {
            throw ShellError.invalidInput("\(Self.invalid) The key's type does not match its data.")
        }
        switch type {
        case "ssh-ed25519":
            guard reader.string()?.count == 32, reader.atEnd else { throw ShellError.invalidInput(Self.invalid) }
            routes = .both
        case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521":
            let curve = reader.string().map { String(decoding: $0, as: UTF8.self) }
            guard "ecdsa-sha2-" + (curve ?? "") == type, let point = reader.string(), point.first == 4, reader.atEnd
            else { throw ShellError.invalidInput(Self.invalid) }
            routes = .both
        case "ssh-rsa":
            guard reader.string() != nil, let modulus = reader.string(), reader.atEnd else {
                throw ShellError.invalidInput(Self.invalid)
            }
            let bits = modulus.drop { $0 == 0 }.count * 8
            guard bits >= 2048 else {
                throw ShellError.invalidInput("\(Self.invalid) RSA keys need at least 2048 bits.")
            }
            routes = .openSSHOnly
        default:
            throw ShellError.invalidInput(
                "\(Self.invalid) Use an ed25519, ECDSA or RSA (2048 bits or more) key, not \(TerminalSafe.escaped(type))."
            )
        }
        // The comment is kept printable: it is shown in menus and logs.
        let comment = String(
            String.UnicodeScalarView(parts.comment.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F })
        )
        line = comment.isEmpty ? "\(parts.type) \(parts.base64)" : "\(parts.type) \(parts.base64) \(comment)"
    }

    /// Reads SSH wire strings (uint32 length, bytes).
    private struct BlobReader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func string() -> ArraySlice<UInt8>? {
            guard bytes.count - offset >= 4 else { return nil }
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard length <= bytes.count - offset else { return nil }
            defer { offset += length }
            return bytes[offset..<offset + length]
        }
    }
}

extension SSHKeyText {
    /// Whether two key lines hold the same key (comments aside).
    static func sameKey(_ a: String, _ b: String) -> Bool {
        guard let a = parts(a), let b = parts(b) else { return false }
        return a.type == b.type && a.base64 == b.base64
    }
}
