import ApplianceConfig
import DomainNames

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A listener's Host Access Table as Postfix access maps (gateway.md §2).
///
/// The HAT is first-match in order. Postfix looks client addresses up in `cidr:` tables (first
/// match, in file order) and client host names in `texthash:` tables, so the entries become *runs*:
/// consecutive members of one kind share a table, and the restriction list consults the runs in HAT
/// order. `ALL` closes the last address run (`0.0.0.0/0`, `::/0`), so every lookup ends in the HAT.
/// `sbrs[…]` and `dnslist[…]` members have no Postfix equivalent and are left out.
struct HostAccessMaps {
    enum Kind { case address, name }

    /// One member as a lookup key, with the entry it belongs to.
    struct Key {
        var key: String
        var entry: ResolvedEntry
    }

    struct Run {
        var kind: Kind
        var keys: [Key]
    }

    /// An entry with its policy resolved: the action and the effective parameters.
    struct ResolvedEntry {
        var label: String
        var action: HostAccessAction
        var parameters: MailFlowParameters
    }

    let runs: [Run]
    /// Members that could not be expressed, for the notes of the rendering.
    let skipped: [String]
    /// The entry `ALL` resolves to.
    let all: ResolvedEntry
    /// Every resolved entry (ALL included), for listener-wide settings.
    let entries: [ResolvedEntry]

    init(_ table: HostAccessTable) {
        func resolve(_ behavior: HostAccessBehavior, label: String) -> ResolvedEntry {
            switch behavior {
            case .action(let action):
                return ResolvedEntry(label: label, action: action, parameters: table.defaults)
            case .policy(let name):
                guard let policy = table.policy(named: name) else {
                    return ResolvedEntry(label: label, action: .reject, parameters: table.defaults)
                }
                return ResolvedEntry(
                    label: label,
                    action: policy.action,
                    parameters: table.effectiveParameters(of: policy)
                )
            }
        }
        var runs: [Run] = []
        var skipped: [String] = []
        var entries: [ResolvedEntry] = []
        func append(_ kind: Kind, _ key: Key) {
            if let last = runs.last, last.kind == kind {
                runs[runs.count - 1].keys.append(key)
            } else {
                runs.append(Run(kind: kind, keys: [key]))
            }
        }
        for entry in table.entries {
            let resolved = resolve(entry.behavior, label: entry.label)
            entries.append(resolved)
            for member in entry.members {
                if let networks = Self.networks(member) {
                    for network in networks { append(.address, Key(key: network, entry: resolved)) }
                } else if member.hasPrefix("sbrs[") || member.hasPrefix("dnslist[") {
                    skipped.append(member)
                } else {
                    append(.name, Key(key: member.lowercased(), entry: resolved))
                }
            }
        }
        let all = resolve(table.all, label: "ALL")
        entries.append(all)
        append(.address, Key(key: "0.0.0.0/0", entry: all))
        append(.address, Key(key: "::/0", entry: all))
        self.runs = runs
        self.skipped = skipped
        self.all = all
        self.entries = entries
    }

    /// The `cidr:` networks of an address member (address, CIDR block, last-octet range, partial
    /// address, `ALL`), host bits cleared as Postfix requires; nil for a host-name member.
    static func networks(_ member: String) -> [String]? {
        if member == "ALL" { return ["0.0.0.0/0", "::/0"] }
        if member.contains(":") { return IPv6Network(member).map { [$0.text] } }
        guard let first = member.first, first.isASCII, first.isNumber else { return nil }
        let dotted = member.split(separator: ".", omittingEmptySubsequences: false)
        if member.hasSuffix(".") || (dotted.count < 4 && !member.contains("/")) {
            let texts = member.split(separator: ".")
            let octets = texts.compactMap { UInt32($0) }
            guard octets.count == texts.count, (1...3).contains(octets.count), octets.allSatisfy({ $0 <= 255 }) else {
                return nil
            }
            var address: UInt32 = 0
            for (index, octet) in octets.enumerated() { address |= octet << UInt32(24 - 8 * index) }
            return [ipv4(address) + "/\(8 * octets.count)"]
        }
        let parts = member.split(separator: "/", maxSplits: 1)
        let octetTexts = parts[0].split(separator: ".")
        guard octetTexts.count == 4 else { return nil }
        if let dash = octetTexts[3].firstIndex(of: "-") {
            guard let low = UInt32(octetTexts[3][..<dash]),
                let high = UInt32(octetTexts[3][octetTexts[3].index(after: dash)...]),
                let base = ipv4Value(octetTexts[0...2].joined(separator: ".") + ".0")
            else { return nil }
            return rangeBlocks(from: base | low, to: base | high)
        }
        guard let address = ipv4Value(String(parts[0])) else { return nil }
        guard parts.count == 2, let bits = UInt32(parts[1]) else { return [ipv4(address)] }
        let mask: UInt32 = bits == 0 ? 0 : UInt32.max << (32 - bits)
        return [ipv4(address & mask) + "/\(bits)"]
    }

    /// The fewest CIDR blocks covering `low…high`.
    static func rangeBlocks(from low: UInt32, to high: UInt32) -> [String] {
        var blocks: [String] = []
        var start = UInt64(low)
        let end = UInt64(high)
        while start <= end {
            var size: UInt64 = 1
            while start % (size * 2) == 0 && start + size * 2 - 1 <= end { size *= 2 }
            let bits = 32 - size.trailingZeroBitCount
            blocks.append(bits == 32 ? ipv4(UInt32(start)) : ipv4(UInt32(start)) + "/\(bits)")
            start += size
        }
        return blocks
    }

    static func ipv4Value(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 <= 255 }) else { return nil }
        return octets.reduce(0) { $0 << 8 | $1 }
    }

    static func ipv4(_ value: UInt32) -> String {
        [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xff) }.joined(separator: ".")
    }
}

/// An IPv6 address or network, host bits cleared, in compressed lower-case form.
struct IPv6Network {
    let text: String

    init?(_ member: String) {
        guard let prefix = IPv6Prefix(member) else { return nil }
        let address = prefix.address.masked(to: prefix.bits ?? 128).compressed
        text = prefix.bits.map { "\(address)/\($0)" } ?? address
    }
}
