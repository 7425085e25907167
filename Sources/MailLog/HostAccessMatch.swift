import ApplianceConfig

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which HAT entry a connecting client matched, as the appliance logs it (mail-logs.md §2).
public struct HostAccessDecision: Sendable, Equatable, Codable {
    public var action: HostAccessAction
    /// The sender group's name, or nil for an inline entry and `ALL` (logged as `None`).
    public var group: String?
    /// The member that matched (`ALL` for the table's last entry).
    public var member: String
    /// The effective inbound TLS setting of the policy applied.
    public var tls: InboundTLS

    /// `ICID {icid} ACCEPT SG {group} match {member} SBRS None`.
    public func line(icid: Int) -> String {
        "ICID \(icid) \(action.rawValue) SG \(group ?? "None") match \(member) SBRS None"
    }
}

extension HostAccessTable {
    /// The decision for a client at `address` whose verified reverse name is `hostname` (nil when
    /// unknown). Entries are tried in order; a `CONTINUE` entry passes to the next one; `sbrs[none]`
    /// matches every client (no SenderBase scores here); `sbrs[…]` ranges and `dnslist[…]` never do.
    public func decision(address: String, hostname: String?) -> HostAccessDecision {
        let client = IPAddressBytes(address)
        let name = hostname?.lowercased()
        for entry in entries {
            guard
                let member = entry.members.first(where: { Self.matches($0, client: client, text: address, name: name) })
            else { continue }
            let (action, tls) = resolve(entry.behavior)
            if action == .continue { continue }
            return HostAccessDecision(action: action, group: entry.name?.text, member: member, tls: tls)
        }
        let (action, tls) = resolve(all)
        return HostAccessDecision(action: action == .continue ? .accept : action, group: nil, member: "ALL", tls: tls)
    }

    private func resolve(_ behavior: HostAccessBehavior) -> (HostAccessAction, InboundTLS) {
        switch behavior {
        case .action(let action):
            return (action, defaults.tls ?? .off)
        case .policy(let name):
            guard let policy = policy(named: name) else { return (.reject, defaults.tls ?? .off) }
            return (policy.action, effectiveParameters(of: policy).tls ?? .off)
        }
    }

    static func matches(_ member: String, client: IPAddressBytes?, text: String, name: String?) -> Bool {
        if member == "ALL" || member == "sbrs[none]" { return true }
        if member.hasPrefix("sbrs[") || member.hasPrefix("dnslist[") { return false }
        if let first = member.unicodeScalars.first, first.properties.numericType != nil || member.contains(":") {
            return matchesAddress(member, client: client, text: text)
        }
        guard let name else { return false }
        let pattern = member.lowercased()
        if pattern.hasPrefix(".") { return name.hasSuffix(pattern) }
        return name == pattern
    }

    private static func matchesAddress(_ member: String, client: IPAddressBytes?, text: String) -> Bool {
        guard let client else { return false }
        if let slash = member.firstIndex(of: "/") {
            guard let network = IPAddressBytes(String(member[..<slash])),
                let bits = Int(member[member.index(after: slash)...])
            else { return false }
            return client.isIn(network: network, prefix: bits)
        }
        if member.hasSuffix(".") {
            return client.bytes.count == 4 && text.hasPrefix(member)
        }
        if let dash = member.lastIndex(of: "-"), let dot = member.lastIndex(of: "."), dot < dash {
            guard let low = Int(member[member.index(after: dot)..<dash]),
                let high = Int(member[member.index(after: dash)...]),
                let base = IPAddressBytes(String(member[..<dash])), client.bytes.count == 4
            else { return false }
            return client.bytes.prefix(3) == base.bytes.prefix(3) && (low...high).contains(Int(client.bytes[3]))
        }
        return IPAddressBytes(member) == client
    }
}

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
struct IPAddressBytes: Equatable {
    var bytes: [UInt8]

    init?(_ text: String) {
        if text.contains(":") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &address) { Array($0) }
        } else {
            var address = in_addr()
            guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &address) { Array($0) }
        }
    }

    func isIn(network: IPAddressBytes, prefix: Int) -> Bool {
        guard network.bytes.count == bytes.count, prefix >= 0, prefix <= bytes.count * 8 else { return false }
        var remaining = prefix
        for index in bytes.indices where remaining > 0 {
            let bits = min(remaining, 8)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[index] & mask != network.bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }
}
