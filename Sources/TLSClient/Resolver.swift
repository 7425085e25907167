import CResolv

#if canImport(Glibc)
import Glibc
#endif

/// One MX record: the preference (lower is tried first) and the host.
public struct MXRecord: Sendable, Equatable {
    public var preference: Int
    public var host: String

    public init(preference: Int, host: String) {
        self.preference = preference
        self.host = host
    }
}

/// Why a name could not be resolved (one line, for `Failed to resolve {name}: {why}.`).
public struct ResolveFailure: Error, Sendable, Equatable {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }
}

/// Lookups through the system resolver (/etc/resolv.conf, /etc/hosts via getaddrinfo).
public enum Resolver {
    static let typeMX: Int32 = 15

    /// The MX records of `domain`, lowest preference first (ties in the order the server gave);
    /// empty when the domain exists without MX records.
    public static func mx(_ domain: String) -> Result<[MXRecord], ResolveFailure> {
        var answer = [UInt8](repeating: 0, count: 65_535)
        var error: Int32 = 0
        let count = esa_res_search(domain, typeMX, &answer, Int32(answer.count), &error)
        guard count >= 0 else {
            switch error {
            case NO_DATA: return .success([])
            case HOST_NOT_FOUND: return .failure(ResolveFailure("the domain does not exist"))
            case TRY_AGAIN: return .failure(ResolveFailure("the DNS server did not answer"))
            default: return .failure(ResolveFailure("the DNS lookup failed"))
            }
        }
        return .success(parseMX(Array(answer.prefix(Int(count)))))
    }

    /// The MX records of a DNS response, sorted by preference (stable).
    static func parseMX(_ message: [UInt8]) -> [MXRecord] {
        guard message.count >= 12 else { return [] }
        let questions = Int(message[4]) << 8 | Int(message[5])
        let answers = Int(message[6]) << 8 | Int(message[7])
        var offset = 12
        for _ in 0..<questions {
            guard skipName(message, &offset), offset + 4 <= message.count else { return [] }
            offset += 4
        }
        var records: [MXRecord] = []
        for _ in 0..<answers {
            guard skipName(message, &offset), offset + 10 <= message.count else { break }
            let type = Int(message[offset]) << 8 | Int(message[offset + 1])
            let length = Int(message[offset + 8]) << 8 | Int(message[offset + 9])
            offset += 10
            guard offset + length <= message.count else { break }
            if type == Int(typeMX), length >= 3 {
                let preference = Int(message[offset]) << 8 | Int(message[offset + 1])
                var nameOffset = offset + 2
                if let host = readName(message, &nameOffset), !host.isEmpty {
                    records.append(MXRecord(preference: preference, host: host))
                }
            }
            offset += length
        }
        return records.enumerated().sorted {
            ($0.element.preference, $0.offset) < ($1.element.preference, $1.offset)
        }.map(\.element)
    }

    /// Moves `offset` past a (possibly compressed) name.
    static func skipName(_ message: [UInt8], _ offset: inout Int) -> Bool {
        while offset < message.count {
            let length = Int(message[offset])
            if length == 0 {
                offset += 1
                return true
            }
            if length & 0xC0 == 0xC0 {
                offset += 2
                return offset <= message.count
            }
            offset += 1 + length
        }
        return false
    }

    /// Reads a (possibly compressed) name at `offset` and moves past it; nil when malformed.
    static func readName(_ message: [UInt8], _ offset: inout Int) -> String? {
        var labels: [String] = []
        var cursor = offset
        var jumped = false
        var jumps = 0
        while cursor < message.count {
            let length = Int(message[cursor])
            if length == 0 {
                if !jumped { offset = cursor + 1 }
                return labels.joined(separator: ".")
            }
            if length & 0xC0 == 0xC0 {
                guard cursor + 1 < message.count, jumps < 32 else { return nil }
                let target = (length & 0x3F) << 8 | Int(message[cursor + 1])
                if !jumped { offset = cursor + 2 }
                jumped = true
                jumps += 1
                cursor = target
                continue
            }
            guard cursor + 1 + length <= message.count else { return nil }
            labels.append(String(decoding: message[(cursor + 1)..<(cursor + 1 + length)], as: UTF8.self))
            cursor += 1 + length
        }
        return nil
    }

    /// The addresses of `host` (IPv4 first, then IPv6, each in the resolver's order); an address
    /// literal is returned as is.
    public static func addresses(_ host: String) -> Result<[String], ResolveFailure> {
        if isAddress(host) { return .success([host]) }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let list else {
            if status == EAI_NONAME || status == -5 {  // EAI_NODATA (a GNU extension)
                return .failure(ResolveFailure("no address"))
            }
            return .failure(ResolveFailure(String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(list) }
        var v4: [String] = []
        var v6: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor {
            if let address = entry.pointee.ai_addr, let text = numeric(address, entry.pointee.ai_addrlen) {
                if entry.pointee.ai_family == AF_INET6 {
                    if !v6.contains(text) { v6.append(text) }
                } else if !v4.contains(text) {
                    v4.append(text)
                }
            }
            cursor = entry.pointee.ai_next
        }
        let all = v4 + v6
        return all.isEmpty ? .failure(ResolveFailure("no address")) : .success(all)
    }

    /// The PTR name of an address, nil when it has none.
    public static func ptr(_ address: String) -> String? {
        guard let socketAddress = SocketAddress(address, port: 0) else { return nil }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = socketAddress.withPointer { pointer, length in
            getnameinfo(pointer, length, &host, socklen_t(host.count), nil, 0, NI_NAMEREQD)
        }
        guard status == 0 else { return nil }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// An address literal in its usual short form (`0:0:0:0:0:0:0:1` → `::1`); nil when it is none.
    public static func canonical(_ text: String) -> String? {
        guard let address = SocketAddress(text, port: 0) else { return nil }
        return address.withPointer { numeric($0, $1) }
    }

    /// Whether `text` is an IPv4 or IPv6 address literal.
    public static func isAddress(_ text: String) -> Bool { SocketAddress(text, port: 0) != nil }

    static func numeric(_ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> String? {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else {
            return nil
        }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An IPv4 or IPv6 socket address built from a literal.
struct SocketAddress {
    /// `SOCK_STREAM` (declared here: the release build does not see it from TLSProbe.swift).
    static let streamType = Int32(SOCK_STREAM.rawValue)

    private let storage: sockaddr_storage
    let length: socklen_t
    let family: Int32

    init?(_ text: String, port: Int) {
        var storage = sockaddr_storage()
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, text, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            withUnsafeBytes(of: v4) { source in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
            }
            self.storage = storage
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            family = AF_INET
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, text, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            withUnsafeBytes(of: v6) { source in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
            }
            self.storage = storage
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            family = AF_INET6
            return
        }
        return nil
    }

    func withPointer<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var copy = storage
        return withUnsafePointer(to: &copy) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
