import FoundationEssentials
import TextSupport

/// Builds an `ApplianceConfiguration` from the element tree of a file, then validates it.
/// Every complaint names the line of the element it is about.
struct ConfigurationReader {
    /// The line of each object `validate()` may complain about, keyed by section and object label.
    private var lines: [NoteKey: Int] = [:]

    private struct NoteKey: Hashable {
        var section: String
        var object: ValidationIssue.Subject
    }
    /// When set, a section the file does not have keeps this configuration's value (loadconfig of a
    /// partial file) instead of the empty one.
    var base: ApplianceConfiguration?
    /// The sections the file did not have, kept from `base` (in file order).
    private(set) var kept: [String] = []

    static func invalid(_ node: XMLNode, _ problem: XMLConfigError.Problem) -> XMLConfigError {
        XMLConfigError(.invalid, line: node.line, problem)
    }

    mutating func read(
        _ root: XMLNode,
        open: (String) throws -> String,
        checkProfile: (CertificateProfileRecord) -> String?
    ) throws(XMLConfigError) -> ApplianceConfiguration {
        guard root.name == "config" else {
            throw Self.invalid(root, .rootElement(root.name))
        }
        // Sections without an element layout yet come as JSON (XMLExtraSections).
        let extras = root.children.filter { $0.attributes["format"] == "json" }
        let config = try Element(root, allowed: XMLCodec.fileOrder + extras.map(\.name))
        let present = Set(root.children.map(\.name))
        let layouts = ApplianceConfiguration.xmlLayouts
        var configuration = ApplianceConfiguration(hostname: "")
        if let base {
            kept = layouts.filter { layout in
                guard case .kept = layout.absent else { return false }
                return !present.contains(layout.element)
            }.map(\.element)
            configuration = base
        }
        // Each section's element as its table entry declares it, in file order (`<hostname>` first).
        for layout in layouts {
            if let node = try config.single(layout.element) {
                try layout.read(&self, node, &configuration, open, checkProfile)
                continue
            }
            switch layout.absent {
            case .required: _ = try config.required(layout.element)
            case .kept, .unchanged: break
            case .reset(let reset): reset(&configuration, present)
            }
        }

        configuration = try XMLExtraSections.decode(extras, into: configuration)

        let issues = configuration.validate().map { issue in
            (line: lines[NoteKey(section: issue.section, object: issue.object)] ?? root.line, issue: issue)
        }
        if let first = issues.min(by: { $0.line < $1.line }) {
            throw XMLConfigError(.invalid, line: first.line, .validation(first.issue))
        }
        return configuration
    }

    mutating func note(_ section: String, _ object: ValidationIssue.Subject, _ node: XMLNode) {
        note(section, object, line: node.line)
    }

    mutating func note(_ section: String, _ object: ValidationIssue.Subject, line: Int) {
        lines[NoteKey(section: section, object: object)] = line
    }

    mutating func readInterface(_ node: XMLNode) throws(XMLConfigError) -> NetworkInterface {
        let element = try Element(
            node,
            allowed: [
                "interface_name", "ip", "netmask", "interface_hostname", "sshd_port", "httpsd_port",
                "https_certificate",
            ]
        )
        let netmaskNode = try element.required("netmask")
        let netmask = try Element.value(netmaskNode)
        guard let prefixLength = Netmask.prefixLength(netmask) else {
            throw Self.invalid(netmaskNode, .invalidNetmask(netmask))
        }
        let interface = NetworkInterface(
            name: InterfaceName(try Element.value(try element.required("interface_name"))),
            address: try Element.value(try element.required("ip")),
            prefixLength: prefixLength,
            hostname: try Element.value(try element.required("interface_hostname")),
            sshPort: try element.single("sshd_port").map { node throws(XMLConfigError) in try Element.port(node) },
            httpsPort: try element.single("httpsd_port").map { node throws(XMLConfigError) in try Element.port(node) },
            httpsCertificate: try element.single("https_certificate").flatMap { node throws(XMLConfigError) in
                try Element.name(node)
            }
        )
        note("interfaceconfig", .interface(interface.name.text), node)
        return interface
    }

    mutating func readProfile(
        _ node: XMLNode,
        open: (String) throws -> String
    ) throws(XMLConfigError) -> CertificateProfileRecord {
        let element = try Element(node, allowed: ["name", "certificate", "key", "intermediate", "csr"])
        let name = try Element.value(try element.required("name"))
        let profile = CertificateProfileRecord(
            name: ProfileName(name),
            certificatePEM: try element.required("certificate").text,
            privateKeyPEM: try readSecret(try element.required("key"), open: open),
            intermediatesPEM: element.all("intermediate").map(\.text),
            signingRequestPEM: try element.single("csr")?.text
        )
        note("certconfig", .named(name), node)
        return profile
    }

    /// A secret: masked (refused), or encrypted with this appliance's secret.
    private func readSecret(_ node: XMLNode, open: (String) throws -> String) throws(XMLConfigError) -> String {
        let sealed = node.text.trimmingWhitespaceAndNewlines()
        let masked = XMLConfigError.maskedSecrets(line: node.line)
        switch node.attributes["encrypted"]?.lowercased() {
        case "yes"?:
            do {
                return try open(sealed)
            } catch {
                throw masked
            }
        case nil, "no"?:
            if sealed == XMLCodec.maskedSecret { throw masked }
            // esa never writes a key in clear, but a hand-made file may hold one.
            guard sealed.hasPrefix("-----BEGIN"), sealed.contains("PRIVATE KEY-----") else {
                throw Self.invalid(node, .notAPrivateKey)
            }
            return node.text
        case let other?:
            throw Self.invalid(node, .encryptedAttribute(other))
        }
    }

    func readAuthorities(_ node: XMLNode) throws(XMLConfigError) -> CertificateAuthoritySettings {
        let element = try Element(node, allowed: ["system_ca_list", "custom_ca_list", "custom_ca_certificate"])
        var settings = CertificateAuthoritySettings()
        if let node = try element.single("system_ca_list") { settings.systemListEnabled = try Element.flag(node) }
        if let node = try element.single("custom_ca_list") { settings.customListEnabled = try Element.flag(node) }
        settings.customCertificatesPEM = element.all("custom_ca_certificate").map(\.text)
        return settings
    }

    mutating func readWebSecurity(_ node: XMLNode) throws(XMLConfigError) -> WebSecuritySettings {
        let element = try Element(node, allowed: ["url_filtering", "interaction_tracking", "client_certificate"])
        var settings = WebSecuritySettings()
        if let node = try element.single("url_filtering") { settings.urlFiltering = try Element.flag(node) }
        if let node = try element.single("interaction_tracking") {
            settings.interactionTracking = try Element.flag(node)
        }
        if let node = try element.single("client_certificate") {
            settings.clientCertificate = try Element.name(node)
            note("websecurityconfig", .webSecurity, node)
        }
        return settings
    }
}

/// A container element whose children were checked against the names it may hold.
struct Element {
    let node: XMLNode

    init(_ node: XMLNode, allowed: [String]) throws(XMLConfigError) {
        self.node = node
        if let unknown = node.children.first(where: { !allowed.contains($0.name) }) {
            throw XMLConfigError(.invalid, line: unknown.line, .unknownElement(unknown.name, in: node.name))
        }
        if !node.text.trimmingWhitespaceAndNewlines().isEmpty {
            throw XMLConfigError(.invalid, line: node.line, .unexpectedText(in: node.name))
        }
    }

    /// The child of that name, nil when absent; an error when repeated.
    func single(_ name: String) throws(XMLConfigError) -> XMLNode? {
        let matches = all(name)
        if matches.count > 1 {
            throw XMLConfigError(.invalid, line: matches[1].line, .repeatedElement(name, in: node.name))
        }
        return matches.first
    }

    func required(_ name: String) throws(XMLConfigError) -> XMLNode {
        guard let child = try single(name) else {
            throw XMLConfigError(.invalid, line: node.line, .missingElement(name, in: node.name))
        }
        return child
    }

    func all(_ name: String) -> [XMLNode] { node.children.filter { $0.name == name } }

    /// Every `name` child, read by `read`, as a keyed list; a second object whose name is taken is
    /// refused at its own element with `duplicate`'s issue.
    func keyed<T: ConfigObject>(
        _ name: String,
        read: (XMLNode) throws(XMLConfigError) -> T,
        duplicate: (T) -> ValidationIssue
    ) throws(XMLConfigError) -> KeyedList<T> {
        var list = KeyedList<T>()
        for node in all(name) {
            let object = try read(node)
            guard list.append(object) else { throw XMLConfigError.duplicate(node, duplicate(object)) }
        }
        return list
    }

    // MARK: Leaf values

    /// The trimmed text of a leaf element.
    static func value(_ node: XMLNode) throws(XMLConfigError) -> String {
        if let child = node.children.first {
            throw XMLConfigError(.invalid, line: child.line, .unexpectedElement(child.name, in: node.name))
        }
        return node.text.trimmingWhitespaceAndNewlines()
    }

    /// A certificate profile name; empty means none.
    static func name(_ node: XMLNode) throws(XMLConfigError) -> ProfileName? {
        let text = try value(node)
        return text.isEmpty ? nil : ProfileName(text)
    }

    static func number(_ node: XMLNode, in range: ClosedRange<Int>) throws(XMLConfigError) -> Int {
        let text = try value(node)
        guard let number = Int(text), range.contains(number) else {
            throw XMLConfigError(
                .invalid,
                line: node.line,
                .numberOutOfRange(element: node.name, range: range, found: text)
            )
        }
        return number
    }

    static func port(_ node: XMLNode) throws(XMLConfigError) -> Int {
        try number(node, in: 1...65535)
    }

    static func flag(_ node: XMLNode) throws(XMLConfigError) -> Bool {
        let text = try value(node)
        switch text.lowercased() {
        case "1", "yes", "on", "true", "enabled", "enable": return true
        case "0", "no", "off", "false", "disabled", "disable": return false
        default:
            throw XMLConfigError(.invalid, line: node.line, .notAFlag(element: node.name, found: text))
        }
    }
}
