/// The appliance's own users (ssh.md §3): who may log in over SSH, with which role, passphrase hash
/// and public keys. Part of the committed configuration.
public struct ApplianceUser: Sendable, Equatable, Codable {
    public var name: String
    public var fullName: String
    public var role: UserRole
    /// A crypt(3) hash (`$y$…`, yescrypt); never the passphrase itself.
    public var passphraseHash: String
    /// `STATUS`: a locked account cannot log in.
    public var locked: Bool
    /// Set for the factory `admin` until its passphrase is changed.
    public var mustChangePassphrase: Bool
    /// OpenSSH public key lines (`ssh-ed25519 AAAA… comment`).
    public var keys: [String]

    public init(
        name: String,
        fullName: String,
        role: UserRole,
        passphraseHash: String,
        locked: Bool = false,
        mustChangePassphrase: Bool = false,
        keys: [String] = []
    ) {
        self.name = name
        self.fullName = fullName
        self.role = role
        self.passphraseHash = passphraseHash
        self.locked = locked
        self.mustChangePassphrase = mustChangePassphrase
        self.keys = keys
    }

    /// The factory user: `admin`, Administrators, passphrase `ironport` (to be changed at first use).
    public static let factoryName = "admin"
    /// yescrypt of `ironport` (the factory passphrase is public anyway; its salt is fixed).
    public static let factoryHash = "$y$j9T$Gs9uAY.hdsnMfzK1nYIFJ0$yd5xV.IoGfyYJ8UbuLePtXF.2Nj0meycgog4WWW21Z/"
    public static let factoryAdmin = ApplianceUser(
        name: factoryName,
        fullName: "Administrator",
        role: .administrator,
        passphraseHash: factoryHash,
        mustChangePassphrase: true
    )

    /// User names: a lower-case letter or `_` first, then letters, digits, `_ . -`; at most 32.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 32 else { return false }
        guard ("a"..."z").contains(first) || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "." || $0 == "-"
        }
    }
}

/// The four predefined roles, in the order (and with the numbers) of the appliance's role list.
public enum UserRole: String, Sendable, Equatable, Codable, CaseIterable {
    case administrator = "admin"
    case `operator` = "operator"
    case readOnlyOperator = "readonly"
    case guest = "guest"

    /// As showconfig names it: `Administrator`.
    public var singular: String {
        switch self {
        case .administrator: "Administrator"
        case .operator: "Operator"
        case .readOnlyOperator: "Read-Only Operator"
        case .guest: "Guest"
        }
    }

    /// Reads `admin`, `Administrator(s)`, `operator`, `readonly`, `Read-Only Operator(s)`, `guest(s)`.
    public init?(word: String) {
        let key = String(word.lowercased().filter { $0 != " " && $0 != "-" })
        switch key {
        case "admin", "administrator", "administrators": self = .administrator
        case "operator", "operators": self = .operator
        case "readonly", "readonlyoperator", "readonlyoperators": self = .readOnlyOperator
        case "guest", "guests": self = .guest
        default: return nil
        }
    }
}

/// Account policy (`userconfig POLICY`).
public struct UserPolicy: Sendable, Equatable, Codable {
    /// Failed logins after which an account is locked.
    public var maximumFailures: Int
    /// The shortest passphrase accepted.
    public var minimumLength: Int

    public init(maximumFailures: Int = 5, minimumLength: Int = 8) {
        self.maximumFailures = maximumFailures
        self.minimumLength = minimumLength
    }
}

extension ApplianceConfiguration {
    /// The user of that name (names are lower case; compared exactly: the id of a user is its name).
    public func user(named name: String) -> ApplianceUser? { users[id: name] }
}

extension ApplianceUser: ConfigObject {
    public var objectID: String { name }
    public var objectReference: ObjectReference { .user(name) }
    public var settings: [Setting] {
        [
            Setting("full name", fullName),
            Setting("role", role.singular),
            Setting("status", locked ? "locked" : "available"),
            Setting("passphrase", passphraseHash, secret: true),
            Setting("passphrase change required", mustChangePassphrase ? "yes" : "no"),
            Setting("ssh keys", keys.isEmpty ? "none" : keys.map(SSHKeyText.summary).joined(separator: ", ")),
        ]
    }
}

extension UserPolicy: SettingsGroup {
    public var objectReference: ObjectReference { .settings(.accountPolicy) }
    public var settings: [Setting] {
        [
            Setting("failed logins before lock", String(maximumFailures)),
            Setting("minimum passphrase length", String(minimumLength)),
        ]
    }
}

/// OpenSSH public key lines: `{type} {base64} [{comment}]`.
public enum SSHKeyText {
    /// The parts of a key line, or nil when it is not one (type, base64, comment).
    public static func parts(_ line: String) -> (type: String, base64: String, comment: String)? {
        let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard fields.count >= 2 else { return nil }
        return (String(fields[0]), String(fields[1]), fields.count == 3 ? String(fields[2]) : "")
    }

    /// `ssh-ed25519 AAAAC3NzaC1l...Xk2Qz (alice@laptop)`: type, first 12 and last 5 base64 characters.
    public static func summary(_ line: String) -> String {
        guard let parts = parts(line) else { return line }
        let base = parts.base64
        let short = base.count > 17 ? "\(base.prefix(12))...\(base.suffix(5))" : base
        return parts.comment.isEmpty ? "\(parts.type) \(short)" : "\(parts.type) \(short) (\(parts.comment))"
    }
}
