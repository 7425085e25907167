/// An IPv6 address as its eight 16-bit groups. One grammar for every place that reads one (Host Access
/// Table members, the gateway's Postfix tables, interface addresses): one to four hexadecimal digits a
/// group, `::` at most once and standing for at least one zero group; no sign, no embedded IPv4
/// address, no zone.
public struct IPv6Address: Sendable, Hashable {
    public let groups: [UInt16]

    public init(groups: [UInt16]) {
        precondition(groups.count == 8, "an IPv6 address has eight groups")
        self.groups = groups
    }

    public init?(_ text: some StringProtocol) {
        let characters = Array(text)
        var halves: [String] = []
        var current = ""
        var index = 0
        while index < characters.count {
            if characters[index] == ":" && index + 1 < characters.count && characters[index + 1] == ":" {
                halves.append(current)
                current = ""
                index += 2
            } else {
                current.append(characters[index])
                index += 1
            }
        }
        halves.append(current)
        guard halves.count <= 2 else { return nil }
        func parse(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var values: [UInt16] = []
            for field in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(field.count), field.allSatisfy(\.isHexDigit),
                    let value = UInt16(field, radix: 16)
                else { return nil }
                values.append(value)
            }
            return values
        }
        guard let head = parse(halves[0]) else { return nil }
        if halves.count == 1 {
            guard head.count == 8 else { return nil }
            groups = head
            return
        }
        guard let tail = parse(halves[1]), head.count + tail.count <= 7 else { return nil }
        groups = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    /// `::1`.
    public static let loopback = IPv6Address(groups: [0, 0, 0, 0, 0, 0, 0, 1])

    /// The address with the bits after the first `bits` cleared (a network's address).
    public func masked(to bits: Int) -> IPv6Address {
        IPv6Address(
            groups: groups.indices.map { index in
                let keep = max(0, min(16, bits - 16 * index))
                return keep == 0 ? 0 : groups[index] & (UInt16.max << UInt16(16 - keep))
            }
        )
    }

    /// RFC 5952's text: lower case, no leading zeros, the longest run of two or more zero groups
    /// (the first of equal runs) written `::`.
    public var compressed: String {
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > bestLength && end - index >= 2 {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        return hex[..<bestStart].joined(separator: ":") + "::" + hex[(bestStart + bestLength)...].joined(separator: ":")
    }
}

/// An IPv6 address with an optional prefix length (`2001:db8::/32`; 0 to 128, digits only).
public struct IPv6Prefix: Sendable, Hashable {
    public let address: IPv6Address
    /// nil: a bare address.
    public let bits: Int?

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard (1...3).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(parts[1]), value <= 128
            else { return nil }
            bits = value
        } else {
            bits = nil
        }
        guard let address = IPv6Address(parts[0]) else { return nil }
        self.address = address
    }
}
