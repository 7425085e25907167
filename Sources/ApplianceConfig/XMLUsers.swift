import FoundationEssentials
import TextSupport

/// The `<users>` section of the configuration file: accounts with their role, status, keys and the
/// passphrase hash, which is a secret (masked, or encrypted with the appliance's secret).
enum XMLUsers {
    static func write(
        _ users: [ApplianceUser],
        policy: UserPolicy,
        secrets: SecretMode,
        to writer: inout XMLWriter
    ) throws {
        writer.open("users")
        writer.open("user_policy")
        writer.element("max_failed_logins", String(policy.maximumFailures))
        writer.element("min_passphrase_length", String(policy.minimumLength))
        writer.close("user_policy")
        for user in users {
            writer.open("user")
            writer.element("username", user.name)
            writer.element("full_name", user.fullName)
            writer.element("role", user.role.singular)
            writer.element("status", user.locked ? "locked" : "available")
            switch secrets {
            case .mask:
                writer.element("passphrase", XMLCodec.maskedSecret)
            case .encrypt(let seal):
                writer.element("passphrase", try seal(user.passphraseHash), attributes: [("encrypted", "yes")])
            }
            if user.mustChangePassphrase { writer.element("passphrase_change_required", "1") }
            for key in user.keys { writer.element("ssh_key", key) }
            writer.close("user")
        }
        writer.close("users")
    }

    static func read(
        _ node: XMLNode,
        open: (String) throws -> String
    ) throws(XMLConfigError) -> (users: KeyedList<ApplianceUser>, policy: UserPolicy) {
        let list = try Element(node, allowed: ["user_policy", "user"])
        var policy = UserPolicy()
        if let policyNode = try list.single("user_policy") {
            let element = try Element(policyNode, allowed: ["max_failed_logins", "min_passphrase_length"])
            if let failures = try element.single("max_failed_logins") {
                policy.maximumFailures = try Element.number(failures, in: 1...100)
            }
            if let length = try element.single("min_passphrase_length") {
                policy.minimumLength = try Element.number(length, in: 8...128)
            }
        }
        let users = try list.keyed(
            "user",
            read: { node throws(XMLConfigError) in try readUser(node, open: open) },
            duplicate: { user in .init(section: "userconfig", object: .user(user.name), .duplicateUserName) }
        )
        return (users, policy)
    }

    private static func readUser(
        _ node: XMLNode,
        open: (String) throws -> String
    ) throws(XMLConfigError)
        -> ApplianceUser
    {
        let element = try Element(
            node,
            allowed: ["username", "full_name", "role", "status", "passphrase", "passphrase_change_required", "ssh_key"]
        )
        let roleNode = try element.required("role")
        let roleText = try Element.value(roleNode)
        guard let role = UserRole(word: roleText) else {
            throw XMLConfigError(.invalid, line: roleNode.line, .unknownRole(roleText))
        }
        var locked = false
        if let statusNode = try element.single("status") {
            switch try Element.value(statusNode).lowercased() {
            case "available", "active": locked = false
            case "locked": locked = true
            default:
                throw XMLConfigError(.invalid, line: statusNode.line, .userStatus)
            }
        }
        return ApplianceUser(
            name: try Element.value(try element.required("username")),
            fullName: try element.single("full_name").map { node throws(XMLConfigError) in try Element.value(node) }
                ?? "",
            role: role,
            passphraseHash: try hash(try element.required("passphrase"), open: open),
            locked: locked,
            mustChangePassphrase: try element.single("passphrase_change_required").map {
                node throws(XMLConfigError) in try Element.flag(node)
            } ?? false,
            keys: try element.all("ssh_key").map { node throws(XMLConfigError) in try Element.value(node) }
        )
    }

    /// Masked: refused like every masked secret; encrypted: opened; plain: a crypt hash (`$…`).
    private static func hash(_ node: XMLNode, open: (String) throws -> String) throws(XMLConfigError) -> String {
        let text = node.text.trimmingWhitespaceAndNewlines()
        let masked = XMLConfigError.maskedSecrets(line: node.line)
        if node.attributes["encrypted"]?.lowercased() == "yes" {
            do {
                return try open(text)
            } catch {
                throw masked
            }
        }
        if text == XMLCodec.maskedSecret { throw masked }
        guard text.hasPrefix("$"), !text.contains(" ") else {
            throw XMLConfigError(.invalid, line: node.line, .noPassphraseHash)
        }
        return text
    }
}
