import FoundationEssentials

/// How a section travels in the configuration file (other-commands.md §6): the top-level element
/// its table entry declares (`ConfigurationSection.xml`), its writer and its reader.
///
/// `XMLCodec.fileOrder` places the elements in the file; `XMLCodec.encode` and `ConfigurationReader`
/// go through `ApplianceConfiguration.xmlLayouts` in that order. A section without a layout travels
/// as JSON (`XMLExtraSections`).
struct XMLLayout: Sendable {
    /// Reads the element into the configuration; the secret opener and the certificate profile check
    /// are `XMLCodec.decode`'s.
    typealias Reader =
        @Sendable (
            inout ConfigurationReader,
            XMLNode,
            inout ApplianceConfiguration,
            _ open: (String) throws -> String,
            _ checkProfile: (CertificateProfileRecord) -> String?
        ) throws(XMLConfigError) -> Void

    /// What a file without the element means.
    enum Absent: Sendable {
        /// The file is refused (`<hostname>`).
        case required
        /// The section keeps its value (the base's when merging; loadconfig names it as kept).
        case kept
        /// The section keeps its value silently: the element is only written when set.
        case unchanged
        /// The section is set from the configuration and the names of the elements the file has.
        case reset(@Sendable (inout ApplianceConfiguration, Set<String>) -> Void)
    }

    /// The top-level element.
    let element: String
    let absent: Absent
    /// Writes the element (nothing: the element is left out, with its blank line).
    let write: @Sendable (ApplianceConfiguration, inout XMLWriter, SecretMode) throws -> Void
    let read: Reader
}

/// How a table entry's section travels in the file.
enum SectionXML: Sendable {
    /// In its own top-level element.
    case element(XMLLayout)
    /// Inside the element another section declares (`destinationDefaults` in `<destconfig>`).
    case within(String)
}

extension XMLCodec {
    /// The top-level elements in the order saveconfig writes them (and loadconfig reads them), before
    /// the JSON sections; each is declared by one entry of `ApplianceConfiguration.table`.
    static let fileOrder = [
        "hostname", "interfaces", "certificates", "ca_lists", "ldap_certificate", "tls_log_fields", "websecurity",
        "crls", "alerts", "listener_settings", "listeners", "destconfig", "users",
    ]
}

extension ApplianceConfiguration {
    /// The layouts the table declares, in `XMLCodec.fileOrder`.
    static let xmlLayouts: [XMLLayout] = {
        let declared = table.compactMap { section -> XMLLayout? in
            if case .element(let layout)? = section.xml { return layout }
            return nil
        }
        return XMLCodec.fileOrder.compactMap { name in declared.first { $0.element == name } }
    }()
}

extension XMLLayout {
    static let hostname = XMLLayout(
        element: "hostname",
        absent: .required,
        write: { config, writer, _ in writer.element("hostname", config.hostname) },
        read: { reader, node, config, _, _ throws(XMLConfigError) in
            config.hostname = try Element.value(node)
            reader.note("sethostname", .named(config.hostname), node)
        }
    )

    static let interfaces = XMLLayout(
        element: "interfaces",
        absent: .kept,
        write: { config, writer, _ in
            writer.open("interfaces")
            for interface in config.interfaces {
                writer.open("interface")
                writer.element("interface_name", interface.name.text)
                writer.element("ip", interface.address)
                writer.element(
                    "netmask",
                    Netmask.text(prefixLength: interface.prefixLength, address: interface.address)
                )
                writer.element("interface_hostname", interface.hostname)
                writer.optional("sshd_port", interface.sshPort.map(String.init))
                writer.optional("httpsd_port", interface.httpsPort.map(String.init))
                writer.optional("https_certificate", interface.httpsCertificate)
                writer.close("interface")
            }
            writer.close("interfaces")
        },
        read: { reader, node, config, _, _ throws(XMLConfigError) in
            let list = try Element(node, allowed: ["interface"])
            config.interfaces = try list.keyed(
                "interface",
                read: { node throws(XMLConfigError) in try reader.readInterface(node) },
                duplicate: { .init(section: "interfaceconfig", object: .interface($0.name.text), .duplicateInterface) }
            )
        }
    )

    static let certificates = XMLLayout(
        element: "certificates",
        absent: .kept,
        write: { config, writer, secrets in
            writer.open("certificates")
            for profile in config.certificates {
                writer.open("certificate_profile")
                writer.element("name", profile.name.text)
                writer.element("certificate", profile.certificatePEM)
                switch secrets {
                case .mask:
                    writer.element("key", XMLCodec.maskedSecret)
                case .encrypt(let seal):
                    writer.element("key", try seal(profile.privateKeyPEM), attributes: [("encrypted", "yes")])
                }
                for intermediate in profile.intermediatesPEM {
                    writer.element("intermediate", intermediate)
                }
                writer.optional("csr", profile.signingRequestPEM)
                writer.close("certificate_profile")
            }
            writer.close("certificates")
        },
        read: { reader, node, config, open, checkProfile throws(XMLConfigError) in
            let list = try Element(node, allowed: ["certificate_profile"])
            let profiles = try list.keyed(
                "certificate_profile",
                read: { node throws(XMLConfigError) in try reader.readProfile(node, open: open) },
                duplicate: { .init(section: "certconfig", object: .named($0.name.text), .duplicateProfile) }
            )
            config.certificates = profiles
            for (profile, node) in zip(profiles, list.all("certificate_profile")) {
                if let problem = checkProfile(profile) {
                    throw ConfigurationReader.invalid(node, .certificateProfile(profile.name.text, reason: problem))
                }
            }
            if reader.base != nil && config.certificate(named: ApplianceConfiguration.demoProfileName) == nil {
                throw ConfigurationReader.invalid(node, .demoProfileMissing)
            }
        }
    )

    static let authorities = XMLLayout(
        element: "ca_lists",
        absent: .kept,
        write: { config, writer, _ in
            let authorities = config.certificateAuthorities
            writer.open("ca_lists")
            writer.element("system_ca_list", XMLWriter.flag(authorities.systemListEnabled))
            writer.element("custom_ca_list", XMLWriter.flag(authorities.customListEnabled))
            for pem in authorities.customCertificatesPEM {
                writer.element("custom_ca_certificate", pem)
            }
            writer.close("ca_lists")
        },
        read: { reader, node, config, _, _ throws(XMLConfigError) in
            config.certificateAuthorities = try reader.readAuthorities(node)
        }
    )

    /// Written only when LDAP has a certificate. A file with certificate profiles but without it
    /// says the LDAP binding is none (the profiles it had may be gone).
    static let ldapCertificate = XMLLayout(
        element: "ldap_certificate",
        absent: .reset { config, present in
            if present.contains("certificates") { config.ldap.certificate = nil }
        },
        write: { config, writer, _ in writer.optional("ldap_certificate", config.ldap.certificate) },
        read: { reader, node, config, _, _ throws(XMLConfigError) in
            config.ldap.certificate = try Element.name(node)
            reader.note("ldapconfig", .ldap, node)
        }
    )

    /// Written only when the fields are on.
    static let tlsLogFields = XMLLayout(
        element: "tls_log_fields",
        absent: .unchanged,
        write: { config, writer, _ in
            if config.logging.tlsFields { writer.element("tls_log_fields", XMLWriter.flag(true)) }
        },
        read: { reader, node, config, _, _ throws(XMLConfigError) in
            config.logging.tlsFields = try Element.flag(node)
            reader.note("tlslogconfig", .tlsLogging, node)
        }
    )

    static let webSecurity = XMLLayout(
        element: "websecurity",
        absent: .kept,
        write: { config, writer, _ in
            let web = config.webSecurity
            writer.open("websecurity")
            writer.element("url_filtering", XMLWriter.flag(web.urlFiltering))
            writer.element("interaction_tracking", XMLWriter.flag(web.interactionTracking))
            writer.optional("client_certificate", web.clientCertificate)
            writer.close("websecurity")
        },
        read: { reader, node, config, _, _ throws(XMLConfigError) in
            config.webSecurity = try reader.readWebSecurity(node)
        }
    )

    static let revocationLists = XMLLayout(
        element: "crls",
        absent: .kept,
        write: { config, writer, _ in
            writer.open("crls")
            for list in config.revocationLists {
                writer.open("crl")
                writer.element("name", list.name.text)
                writer.element("pem", list.pem)
                writer.close("crl")
            }
            writer.close("crls")
        },
        read: { reader, node, config, _, _ throws(XMLConfigError) in
            config.revocationLists = try reader.readRevocationLists(node)
        }
    )

    static let alerts = XMLLayout(
        element: "alerts",
        absent: .kept,
        write: { config, writer, _ in XMLSections.writeAlerts(config.alerts, to: &writer) },
        read: { reader, node, config, _, _ throws(XMLConfigError) in config.alerts = try reader.readAlerts(node) }
    )

    static let listenerSettings = XMLLayout(
        element: "listener_settings",
        absent: .kept,
        write: { config, writer, _ in XMLSections.writeListenerSettings(config.listenerSettings, to: &writer) },
        read: { reader, node, config, _, _ throws(XMLConfigError) in
            config.listenerSettings = try reader.readListenerSettings(node)
        }
    )

    static let listeners = XMLLayout(
        element: "listeners",
        absent: .kept,
        write: { config, writer, _ in
            writer.open("listeners")
            for listener in config.listeners {
                XMLSections.writeListener(listener, to: &writer)
            }
            writer.close("listeners")
        },
        read: { reader, node, config, _, _ throws(XMLConfigError) in
            let list = try Element(node, allowed: ["listener"])
            config.listeners = try list.keyed(
                "listener",
                read: { node throws(XMLConfigError) in try reader.readListener(node) },
                duplicate: { .init(section: "listenerconfig", object: .listener($0.name.text), .duplicateListener) }
            )
        }
    )

    /// The Default entry's `<global>` settings and every destination, in destconfig's INI text.
    static let destinations = XMLLayout(
        element: "destconfig",
        absent: .kept,
        write: { config, writer, _ in
            let defaults = config.destinationDefaults
            writer.open("destconfig")
            writer.open("global")
            writer.optional("outbound_certificate", defaults.outboundCertificate)
            writer.element("required_tls_alert", XMLWriter.flag(defaults.requiredTLSAlert))
            writer.close("global")
            writer.cdata(
                "destinations",
                DestinationINI.encode(defaults: defaults, entries: config.destinations.elements, sorted: false)
            )
            writer.close("destconfig")
        },
        read: { reader, node, config, _, _ throws(XMLConfigError) in
            let (defaults, entries) = try reader.readDestinations(node)
            config.destinationDefaults = defaults
            config.destinations = KeyedList(entries)
        }
    )

    /// The accounts and their policy. A file without it keeps them, as every other section: a partial
    /// file never removes an account (nor locks the admin out).
    static let users = XMLLayout(
        element: "users",
        absent: .kept,
        write: { config, writer, secrets in
            try XMLUsers.write(config.users.elements, policy: config.userPolicy, secrets: secrets, to: &writer)
        },
        read: { _, node, config, open, _ throws(XMLConfigError) in
            (config.users, config.userPolicy) = try XMLUsers.read(node, open: open)
        }
    )
}
