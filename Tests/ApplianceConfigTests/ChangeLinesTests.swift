import ApplianceConfig
import Foundation
import Shell
import TestSupport
import Testing

/// `showchanges` / `commitdetail` lines: one per changed setting, never a digest an admin cannot read.
@Suite struct ChangeLinesTests {
    private func factory() -> ApplianceConfiguration {
        ApplianceConfiguration.factory(
            demo: CertificateProfileRecord(name: "Demo", certificatePEM: "CERT", privateKeyPEM: "KEY")
        )
    }

    private let listener = "listenerconfig: listener \"IncomingMail\""

    @Test func hostAccessDefaultsShowOneLinePerParameter() {
        let old = factory()
        var new = old
        new.listeners[0].hostAccess.defaults.tls = .required
        new.listeners[0].hostAccess.defaults.maxMessageSize = 20 * 1_048_576
        #expect(
            new.changes(since: old).map(ChangeWording.line) == [
                "\(listener) hostaccess default max_message_size: 10485760 -> 20971520",
                "\(listener) hostaccess default tls: off -> required",
            ]
        )
    }

    @Test func policiesAndSenderGroupsAreAddedRemovedChangedAndMovedByName() {
        let old = factory()
        var new = old
        var table = new.listeners[0].hostAccess
        table.policies.append(MailFlowPolicy(name: "PARTNER_TLS", action: .accept, parameters: .init(tls: .required)))
        table.entries.insert(
            HostAccessEntry(name: "PARTNERS", members: ["10.1.1.0/24"], behavior: .policy("PARTNER_TLS")),
            at: 0
        )
        new.listeners[0].hostAccess = table
        #expect(
            new.changes(since: old).map(ChangeWording.line) == [
                "\(listener) hostaccess: + policy PARTNER_TLS (action ACCEPT, tls required)",
                "\(listener) hostaccess: + sender group PARTNERS (hosts 10.1.1.0/24, policy $PARTNER_TLS)",
            ]
        )

        // A policy's TLS, a group's hosts, a MOVE, a removal: each its own line.
        var later = new
        later.listeners[0].hostAccess.policies[later.listeners[0].hostAccess.policies.count - 1].parameters.tls = .on
        later.listeners[0].hostAccess.entries[0].members.append("10.2.2.0/24")
        let moved = later.listeners[0].hostAccess.entries.remove(at: 1)
        later.listeners[0].hostAccess.entries.append(moved)
        let removed = later.listeners[0].hostAccess.entries.remove(at: 1)
        let names = { (table: HostAccessTable) in
            table.entries.map { $0.name.map { "sender group \($0)" } ?? "entry \($0.members.joined(separator: ", "))" }
        }
        let lines = later.changes(since: new).map(ChangeWording.line)
        #expect(
            lines == [
                "\(listener) hostaccess policy PARTNER_TLS tls: required -> on",
                "\(listener) hostaccess sender group PARTNERS hosts: 10.1.1.0/24 -> 10.1.1.0/24, 10.2.2.0/24",
                "\(listener) hostaccess order: \(names(new.listeners[0].hostAccess).joined(separator: ", ")) -> "
                    + names(later.listeners[0].hostAccess).joined(separator: ", "),
                "\(listener) hostaccess: - sender group \(removed.name ?? "")",
            ]
        )
    }

    @Test func aNewDestinationShowsItsSettings() {
        let old = factory()
        var new = old
        new.destinations.append(DestinationEntry(domain: "partner.example", tls: .required))
        #expect(
            new.changes(since: old).map(ChangeWording.line) == [
                "+ destconfig: partner.example",
                "destconfig: partner.example tls: required",
            ]
        )
    }

    /// A new listener shows its settings, then how its tables differ from the ones its kind starts
    /// with: its domains, relay hosts, policies and changed defaults — not the factory table.
    @Test func aNewListenerShowsHowItsTablesDifferFromItsStart() {
        let old = factory()
        var new = old
        let (hostAccess, recipientAccess) = Listener.startingTables(
            kind: .public,
            domains: ["example.com"],
            relayHosts: []
        )
        var inbound = Listener(
            name: "InboundMail",
            kind: .public,
            interface: "Management",
            port: 2525,
            certificate: "Demo",
            hostAccess: hostAccess,
            recipientAccess: recipientAccess
        )
        inbound.hostAccess.defaults.tls = .on
        inbound.hostAccess.policies.append(MailFlowPolicy(name: "PARTNER", action: .accept))
        inbound.hostAccess.entries[0].behavior = .policy("PARTNER")
        let relay = Listener.startingTables(kind: .private, domains: [], relayHosts: ["10.0.0.0/8"])
        new.listeners.append(inbound)
        new.listeners.append(
            Listener(
                name: "Out",
                kind: .private,
                interface: "Management",
                port: 2526,
                certificate: nil,
                hostAccess: relay.hostAccess,
                recipientAccess: relay.recipientAccess
            )
        )
        let inboundLine = "listenerconfig: listener \"InboundMail\""
        let outLine = "listenerconfig: listener \"Out\""
        #expect(
            new.changes(since: old).map(ChangeWording.line) == [
                "+ \(inboundLine)",
                "\(inboundLine) type: public",
                "\(inboundLine) interface: Management",
                "\(inboundLine) port: 2525",
                "\(inboundLine) certificate: Demo",
                "\(inboundLine) max connections: 50",
                "\(inboundLine) hostaccess default tls: off -> on",
                "\(inboundLine) hostaccess: + policy PARTNER (action ACCEPT)",
                "\(inboundLine) hostaccess sender group WHITELIST policy: $TRUSTED -> $PARTNER",
                "\(inboundLine) rcptaccess: + example.com (action ACCEPT)",
                "+ \(outLine)",
                "\(outLine) type: private",
                "\(outLine) interface: Management",
                "\(outLine) port: 2526",
                "\(outLine) max connections: 50",
                "\(outLine) hostaccess sender group RELAYLIST hosts: none -> 10.0.0.0/8",
            ]
        )
    }

    @Test func certificatesShowSubjectIssuerAndExpiry() throws {
        let root = try TestCA.makeRoot(commonName: "Change Lines Root")
        let start = Date(timeIntervalSince1970: 1_800_000_000)  // Jan 15 08:00:00 2027 GMT
        let first = try root.makeLeaf(commonName: "mail.example.com", dnsNames: [], days: 30, validFrom: start)
        let second = try root.makeLeaf(commonName: "mail.example.com", dnsNames: [], days: 60, validFrom: start)
        var old = factory()
        old.certificates.append(
            CertificateProfileRecord(name: "mail", certificatePEM: first.certificatePEM, privateKeyPEM: first.keyPEM)
        )
        var new = old
        new.certificates[1].certificatePEM = second.certificatePEM
        new.certificates[1].privateKeyPEM = second.keyPEM
        let issuer = "issued by \"O=esa tests, CN=Change Lines Root\""
        #expect(
            new.changes(since: old).map(ChangeWording.line) == [
                "certconfig: certificate profile \"mail\" certificate: \"CN=mail.example.com\" \(issuer), "
                    + "expires Feb 14 08:00:00 2027 GMT -> \"CN=mail.example.com\" \(issuer), "
                    + "expires Mar 16 08:00:00 2027 GMT",
                "certconfig: certificate profile \"mail\" private key: ***** -> *****",
            ]
        )
        #expect(!new.changes(since: old).map(ChangeWording.line).joined().contains("PEM "))
    }

    /// Every field of the configuration, changed alone, gives at least one change line (a field no
    /// section lists yet is named by its path), and no line shows a private key.
    @Test func everyChangedFieldShows() throws {
        var base = factory()
        base.destinations = [DestinationEntry(domain: "example.com", tls: .preferred)]
        base.listeners[0].recipientAccess = [RecipientAccessEntry(pattern: "example.com", accept: true)]
        let encoded = try JSONEncoder().encode(base)
        let tree = try JSONSerialization.jsonObject(with: encoded)
        var checked = 0
        for (path, changed) in Self.perturbations(of: tree, path: []) {
            let data = try JSONSerialization.data(withJSONObject: changed)
            guard let variant = try? JSONDecoder().decode(ApplianceConfiguration.self, from: data), variant != base
            else { continue }
            checked += 1
            let lines = variant.changes(since: base).map(ChangeWording.line)
            #expect(!lines.isEmpty, "no change line for \(path.joined(separator: "."))")
            #expect(!lines.joined().contains("KEY"), "\(lines)")
        }
        #expect(checked > 50)
    }

    /// Each leaf of the JSON tree changed (text extended, number + 1, flag flipped), with its path.
    static func perturbations(of tree: Any, path: [String]) -> [([String], Any)] {
        switch tree {
        case let object as [String: Any]:
            return object.keys.sorted().flatMap { key in
                perturbations(of: object[key] ?? NSNull(), path: path + [key]).map { inner, value in
                    var copy = object
                    copy[key] = value
                    return (inner, copy as Any)
                }
            }
        case let array as [Any]:
            return array.indices.flatMap { index in
                perturbations(of: array[index], path: path + ["\(index)"]).map { inner, value in
                    var copy = array
                    copy[index] = value
                    return (inner, copy as Any)
                }
            }
        case let number as NSNumber:
            // Flags and numbers look alike here: offer both; the one of the wrong type does not decode.
            return [(path, number.intValue + 1), (path, !number.boolValue)]
        case let text as String:
            return [(path, text + "x")]
        default:
            return []
        }
    }
}
