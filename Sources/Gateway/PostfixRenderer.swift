import ApplianceConfig
import FoundationEssentials

/// Settings of the rendering that are not configuration: test knobs and system paths.
public struct RenderOptions: Sendable, Equatable {
    /// The revision rendered (for the caller's records; the files do not name it).
    public var revision: Int?
    /// Postfix's retry timing (`minimal_backoff_time`, `maximal_backoff_time`, `queue_run_delay`),
    /// in seconds; tests shorten them.
    public var minimalBackoffSeconds: Int
    public var maximalBackoffSeconds: Int
    public var queueRunDelaySeconds: Int
    /// The system CA list, an OpenSSL hashed directory (Debian's `ca-certificates`).
    public var systemCADirectory: String
    /// Listeners left out (their address could not be bound).
    public var excludedListeners: Set<String>

    public init(
        revision: Int? = nil,
        minimalBackoffSeconds: Int = 300,
        maximalBackoffSeconds: Int = 4000,
        queueRunDelaySeconds: Int = 300,
        systemCADirectory: String = "/etc/ssl/certs",
        excludedListeners: Set<String> = []
    ) {
        self.revision = revision
        self.minimalBackoffSeconds = minimalBackoffSeconds
        self.maximalBackoffSeconds = maximalBackoffSeconds
        self.queueRunDelaySeconds = queueRunDelaySeconds
        self.systemCADirectory = systemCADirectory
        self.excludedListeners = excludedListeners
    }
}

/// The files of the private Postfix instance for one committed configuration.
public struct RenderedGateway: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        /// The name inside the configuration directory (`main.cf`, `certs/Demo.pem`).
        public var name: String
        public var contents: String
        /// Private keys inside: written 0600, never shown.
        public var secret: Bool
    }

    /// A listener's socket, for the test-bind before a start or reload.
    public struct ListenerAddress: Sendable, Equatable {
        public var name: String
        public var address: String
        public var port: Int
    }

    public var files: [File]
    /// The listeners rendered into master.cf (excluded ones are not here).
    public var listeners: [ListenerAddress]
    /// What the configuration asks for that Postfix cannot do, one line each (for the system log).
    public var notes: [String]

    /// The contents of the file `name`, or nil.
    public func file(_ name: String) -> String? { files.first { $0.name == name }?.contents }
}

/// The pure function of gateway.md §2: a committed configuration → the files of the Postfix instance.
public enum PostfixRenderer {
    /// Every listener of `configuration` with its interface's address (those whose interface is
    /// missing are left out).
    public static func listenerAddresses(_ configuration: ApplianceConfiguration) -> [RenderedGateway.ListenerAddress] {
        configuration.listeners.compactMap { listener in
            guard let interface = interface(of: listener, in: configuration) else { return nil }
            return .init(name: listener.name.text, address: interface.address, port: listener.port)
        }
    }

    public static func render(
        _ configuration: ApplianceConfiguration,
        paths: GatewayPaths,
        options: RenderOptions = RenderOptions()
    ) -> RenderedGateway {
        var renderer = Renderer(configuration: configuration, paths: paths, options: options)
        return renderer.run()
    }

    static func interface(of listener: Listener, in configuration: ApplianceConfiguration) -> NetworkInterface? {
        configuration.interface(named: listener.interface)
    }

    /// A name safe in a file name (profile names are letters, digits, `_` and `-` already).
    static func fileSafe(_ name: String) -> String {
        String(
            name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" }
        )
    }

    /// Postfix's policy-map word for an outbound level.
    public static func policyWord(_ level: OutboundTLS) -> String {
        switch level {
        case .no: "none"
        case .preferred, .preferredVerify: "may"
        case .required: "encrypt"
        case .requiredVerify: "secure match=nexthop:hostname"
        }
    }
}

private struct Renderer {
    let configuration: ApplianceConfiguration
    let paths: GatewayPaths
    let options: RenderOptions
    var files: [RenderedGateway.File] = []
    var notes: [String] = []
    var classes: [(name: String, value: String)] = []

    init(configuration: ApplianceConfiguration, paths: GatewayPaths, options: RenderOptions) {
        self.configuration = configuration
        self.paths = paths
        self.options = options
    }

    /// No revision number here: a commit that changes no Postfix setting leaves the files as they
    /// are (gateway/state.json says which revision runs).
    var header: String {
        "# Rendered by esa serve from the committed configuration. Do not edit: every commit rewrites this file.\n"
    }

    mutating func add(_ name: String, _ lines: [String], secret: Bool = false, comment: Bool = true) {
        let body = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        files.append(.init(name: name, contents: (comment ? header : "") + body, secret: secret))
    }

    /// The combined key + chain file of a service (key first, then leaf, then intermediates), named
    /// after the service, not the profile: a commit that swaps a certificate changes the file's
    /// contents only, so main.cf and master.cf stay as they are and a reload serves it at once.
    mutating func chainFile(_ profileName: String, service: String) -> String? {
        guard let profile = configuration.certificate(named: profileName) else {
            notes.append("certificate profile \(profileName) does not exist")
            return nil
        }
        let name = "certs/\(service).pem"
        let pems = [profile.privateKeyPEM, profile.certificatePEM] + profile.intermediatesPEM
        add(name, pems.map(\.trimmingTrailingNewlines), secret: true, comment: false)
        return paths.file(name)
    }

    mutating func run() -> RenderedGateway {
        var master = masterServices()
        var rendered: [RenderedGateway.ListenerAddress] = []
        for (index, listener) in configuration.listeners.enumerated() {
            guard !options.excludedListeners.contains(listener.name.text) else { continue }
            guard let interface = PostfixRenderer.interface(of: listener, in: configuration) else {
                notes.append("listener \(listener.name): interface \(listener.interface) does not exist")
                continue
            }
            master += listenerService(listener, number: index + 1, interface: interface)
            rendered.append(.init(name: listener.name.text, address: interface.address, port: listener.port))
        }
        let main = mainCF(addresses: rendered.map(\.address))
        add("master.cf", master)
        add("main.cf", main)
        add("header_checks", ["/^Subject:/ INFO"])
        add(
            "delivery_status_filter",
            [#"/^5\.[0-9]+\.[0-9]+ (TLS is required, but host .* refused to start TLS: .*)$/ 4.7.5 $1"#]
        )
        add("tls_policy", tlsPolicy())
        if configuration.certificateAuthorities.customListEnabled {
            add(
                "ca.pem",
                configuration.certificateAuthorities.customCertificatesPEM.map { $0.trimmingTrailingNewlines }
            )
        }
        files.sort { $0.name < $1.name }
        return RenderedGateway(files: files, listeners: rendered, notes: notes)
    }

    // MARK: main.cf

    /// `addresses`: the listeners' addresses. They are also Postfix's own addresses (its mail-loop
    /// check): `all` would take every local address, 127.0.0.2 included, for the gateway itself.
    mutating func mainCF(addresses: [String]) -> [String] {
        let ipv6 = addresses.contains { $0.contains(":") }
        var unique: [String] = []
        for address in addresses where !unique.contains(address) { unique.append(address) }
        let defaults = configuration.destinationDefaults
        var lines = [
            "compatibility_level = 3.6",
            "queue_directory = \(paths.queue)",
            "data_directory = \(paths.data)",
            "maillog_file = \(paths.maillog)",
            "maillog_file_prefixes = \(paths.root)",
            "mail_owner = postfix",
            "setgid_group = postdrop",
            "myhostname = \(configuration.hostname)",
            "myorigin = $myhostname",
            "mydestination =",
            "mynetworks = 127.0.0.0/8",
            "local_recipient_maps =",
            "alias_maps =",
            "alias_database =",
            "relay_domains =",
            "inet_interfaces = \(unique.isEmpty ? "loopback-only" : unique.joined(separator: ", "))",
            "inet_protocols = \(ipv6 ? "all" : "ipv4")",
            "smtpd_banner = $myhostname ESMTP",
            "biff = no",
            "notify_classes =",
            "parent_domain_matches_subdomains =",
            "",
            "# What the mail-log translator needs (gateway.md §4).",
            "enable_long_queue_ids = yes",
            "smtpd_tls_loglevel = 1, untrusted, peercert",
            "smtp_tls_loglevel = 1, untrusted, peercert",
            "header_checks = regexp:\(paths.file("header_checks"))",
            "smtpd_delay_open_until_valid_rcpt = no",
            "",
            "# Host Access Tables: rejections at connect, required TLS at MAIL FROM (530).",
            "smtpd_delay_reject = no",
            "plaintext_reject_code = 530",
            "smtpd_relay_restrictions =",
            "smtpd_client_restrictions =",
            "smtpd_sender_restrictions =",
            "smtpd_recipient_restrictions = reject",
            "smtpd_tls_security_level = none",
            "smtpd_timeout = \(configuration.listenerSettings.connectionTimeoutSeconds)s",
            "default_process_limit = \(configuration.listenerSettings.maxConcurrentConnections)",
        ]
        classes.insert(("esa_tls_required", "reject_plaintext_session"), at: 0)
        classes.insert(
            (
                "esa_tls_required_verify",
                "reject_plaintext_session, permit_tls_all_clientcerts, "
                    + "check_client_access static:{REJECT 5.7.1 Client certificate not verified}"
            ),
            at: 1
        )
        lines.append("smtpd_restriction_classes = " + classes.map(\.name).joined(separator: ", "))
        for restrictionClass in classes { lines.append("\(restrictionClass.name) = \(restrictionClass.value)") }
        lines += ["", "# Certificate authorities (custom list and system list, as enabled)."]
        let authorities = configuration.certificateAuthorities
        for side in ["smtp", "smtpd"] {
            if authorities.customListEnabled { lines.append("\(side)_tls_CAfile = \(paths.file("ca.pem"))") }
            if authorities.systemListEnabled { lines.append("\(side)_tls_CApath = \(options.systemCADirectory)") }
        }
        lines += [
            "",
            "# Destination controls (destconfig).",
            "smtp_tls_security_level = \(Self.defaultLevelWord(defaults.tls))",
            "smtp_tls_secure_cert_match = nexthop, hostname",
            "tls_wildcard_matches_multiple_labels = no",
            "smtp_tls_policy_maps = texthash:\(paths.file("tls_policy"))",
            "smtp_delivery_status_filter = regexp:\(paths.file("delivery_status_filter"))",
            "smtp_destination_concurrency_limit = \(defaults.maxConcurrency)",
            "smtp_address_preference = \(defaults.ipPreference.postfixPreference)",
        ]
        if let certificate = defaults.outboundCertificate, let file = chainFile(certificate.text, service: "outbound") {
            lines.append("smtp_tls_chain_files = \(file)")
        }
        lines += [
            "",
            "# Retries.",
            "minimal_backoff_time = \(options.minimalBackoffSeconds)s",
            "maximal_backoff_time = \(options.maximalBackoffSeconds)s",
            "queue_run_delay = \(options.queueRunDelaySeconds)s",
        ]
        return lines
    }

    static func defaultLevelWord(_ level: OutboundTLS) -> String {
        switch level {
        case .no: "none"
        case .preferred, .preferredVerify: "may"
        case .required: "encrypt"
        case .requiredVerify: "secure"
        }
    }

    /// One line per destination entry with its level in effect (its own, else Default's), so that
    /// Postfix's most-specific-match lookup finds the entry destconfig says governs a domain.
    func tlsPolicy() -> [String] {
        let defaults = configuration.destinationDefaults
        return configuration.destinations.map { entry in
            "\(entry.domain) \(PostfixRenderer.policyWord(entry.resolved(against: defaults).tls))"
        }
    }

    // MARK: master.cf

    func masterServices() -> [String] {
        [
            "# service type  private unpriv  chroot  wakeup  maxproc command + args",
            "pickup    unix  n       -       n       60      1       pickup",
            "cleanup   unix  n       -       n       -       0       cleanup",
            "qmgr      unix  n       -       n       300     1       qmgr",
            "tlsmgr    unix  -       -       n       1000?   1       tlsmgr",
            "rewrite   unix  -       -       n       -       -       trivial-rewrite",
            "bounce    unix  -       -       n       -       0       bounce",
            "defer     unix  -       -       n       -       0       bounce",
            "trace     unix  -       -       n       -       0       bounce",
            "verify    unix  -       -       n       -       1       verify",
            "flush     unix  n       -       n       1000?   0       flush",
            "proxymap  unix  -       -       n       -       -       proxymap",
            "proxywrite unix -       -       n       -       1       proxymap",
            "smtp      unix  -       -       n       -       -       smtp",
            "relay     unix  -       -       n       -       -       smtp",
            "showq     unix  n       -       n       -       -       showq",
            "error     unix  -       -       n       -       -       error",
            "retry     unix  -       -       n       -       -       error",
            "discard   unix  -       -       n       -       -       discard",
            "anvil     unix  -       -       n       -       1       anvil",
            "scache    unix  -       -       n       -       1       scache",
            "postlog   unix-dgram n  -       n       -       1       postlogd",
        ]
    }

    mutating func listenerService(_ listener: Listener, number: Int, interface: NetworkInterface) -> [String] {
        let maps = HostAccessMaps(listener.hostAccess)
        for member in maps.skipped {
            notes.append("listener \(listener.name): sender group member \(member) has no Postfix equivalent")
        }
        let prefix = "listener\(number)"
        let socket = interface.address.contains(":") ? "[\(interface.address)]" : interface.address
        var options: [String] = [
            "-o syslog_name=esa/\(listener.name)",
            "-o myhostname=\(interface.hostname)",
        ]
        let verify = maps.entries.contains { [.onVerify, .requireVerify].contains($0.parameters.tls ?? .off) }
        if let certificate = listener.certificate, let file = chainFile(certificate.text, service: prefix) {
            options += ["-o smtpd_tls_security_level=may", "-o smtpd_tls_chain_files=\(file)"]
            if verify { options.append("-o smtpd_tls_ask_ccert=yes") }
        } else {
            options.append("-o smtpd_tls_security_level=none")
        }
        if let size = maps.all.parameters.maxMessageSize { options.append("-o message_size_limit=\(size)") }
        if let recipients = maps.all.parameters.maxRecipientsPerMessage {
            options.append("-o smtpd_recipient_limit=\(recipients)")
        }

        // The Recipient Access Table: a restriction class consulted for ACCEPT entries.
        let ratFile = "\(prefix)-rat"
        var ratLines: [String] = []
        let rejected = "550 5.1.0 Address rejected"
        var ratDefault = "check_recipient_access static:{\(rejected)}"
        for entry in listener.recipientAccess {
            if entry.pattern.uppercased() == "ALL" {
                if entry.accept { ratDefault = "permit" }
                break
            }
            ratLines.append("\(entry.pattern.lowercased()) \(entry.accept ? "OK" : rejected)")
        }
        add(ratFile, ratLines)
        let ratClass = "esa_rat_\(number)"
        classes.append(
            (
                ratClass,
                "check_recipient_access texthash:\(paths.file(ratFile)), \(ratDefault)"
            )
        )

        var client: [String] = []
        var sender: [String] = []
        var recipient: [String] = ["check_recipient_access static:INFO"]
        var ehlo: [String] = []
        for (runIndex, run) in maps.runs.enumerated() {
            let type = run.kind == .address ? "cidr" : "texthash"
            let suffix = "\(runIndex + 1)"
            func write(_ stage: String, _ result: (HostAccessMaps.ResolvedEntry) -> String?) -> String {
                let name = "\(prefix)-\(stage)-\(suffix)"
                var lines: [String] = []
                var seen: Set<String> = []
                for key in run.keys {
                    guard let value = result(key.entry) else { continue }
                    if run.kind == .name && !seen.insert(key.key).inserted { continue }
                    lines.append("\(key.key) \(value)")
                }
                add(name, lines)
                return "check_client_access \(type):\(paths.file(name))"
            }
            client.append(write("client", Self.clientResult))
            sender.append(write("sender", Self.senderResult))
            recipient.append(write("recipient") { Self.recipientResult($0, ratClass: ratClass) })
            if run.kind == .address {
                let name = "\(prefix)-ehlo-\(suffix)"
                let lines = run.keys.compactMap { key -> String? in
                    guard key.entry.action != .continue else { return nil }
                    return
                        "\(key.key) \(key.entry.parameters.tls == .off || key.entry.parameters.tls == nil ? "starttls" : "x-esa-none")"
                }
                add(name, lines)
                ehlo.append("cidr:\(paths.file(name))")
            }
        }
        recipient.append("reject")
        options += [
            "-o { smtpd_client_restrictions = \(client.joined(separator: ", ")) }",
            "-o { smtpd_sender_restrictions = \(sender.joined(separator: ", ")) }",
            "-o { smtpd_recipient_restrictions = \(recipient.joined(separator: ", ")) }",
            "-o { smtpd_discard_ehlo_keyword_address_maps = \(ehlo.joined(separator: ", ")) }",
            "-o { smtpd_banner = \(interface.hostname) ESMTP }",
        ]
        let head = "\(socket):\(listener.port) inet n - n - \(listener.maxConnections) smtpd"
        return ["# listener \(listener.name) on \(interface.name)", head] + options.map { "  " + $0 }
    }

    /// Connect time: REJECT and TCPREFUSE refuse (TCPREFUSE approximately: Postfix cannot refuse
    /// the TCP connection), everything else passes.
    static func clientResult(_ entry: HostAccessMaps.ResolvedEntry) -> String? {
        switch entry.action {
        case .reject, .tcpRefuse: "REJECT Access denied"
        case .accept, .relay: "OK"
        case .continue: nil
        }
    }

    /// MAIL FROM: required TLS (530 when the session is not encrypted).
    static func senderResult(_ entry: HostAccessMaps.ResolvedEntry) -> String? {
        guard entry.action != .continue else { return nil }
        switch entry.parameters.tls ?? .off {
        case .required: return "esa_tls_required"
        case .requireVerify: return "esa_tls_required_verify"
        case .off, .on, .onVerify: return "OK"
        }
    }

    /// RCPT TO: RELAY relays anything; ACCEPT takes the domains of the RAT.
    static func recipientResult(_ entry: HostAccessMaps.ResolvedEntry, ratClass: String) -> String? {
        switch entry.action {
        case .relay: "OK"
        case .accept: ratClass
        case .reject, .tcpRefuse: "REJECT Access denied"
        case .continue: nil
        }
    }
}

extension IPPreference {
    /// `smtp_address_preference`.
    fileprivate var postfixPreference: String {
        switch self {
        case .ipv6Preferred, .ipv6Required: "ipv6"
        case .ipv4Preferred, .ipv4Required: "ipv4"
        }
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
