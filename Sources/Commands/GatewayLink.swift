import FoundationEssentials
import Gateway
import MailLog
import Shell
import TLSClient

#if canImport(Glibc)
import Glibc
import TextSupport
#endif

/// One message of Postfix's queue, as `postqueue -j` describes it.
public struct QueuedMessage: Sendable, Equatable, Codable {
    public struct Recipient: Sendable, Equatable, Codable {
        public var address: String
        /// Why the last attempt failed; nil when it was not attempted yet.
        public var delayReason: String?

        enum CodingKeys: String, CodingKey {
            case address
            case delayReason = "delay_reason"
        }

        public init(address: String, delayReason: String? = nil) {
            self.address = address
            self.delayReason = delayReason
        }
    }

    /// `incoming`, `active`, `deferred`, `hold`, `maildrop`.
    public var queueName: String
    public var queueID: String
    /// Seconds since 1970.
    public var arrivalTime: Double
    public var messageSize: Int
    public var sender: String
    public var recipients: [Recipient]

    enum CodingKeys: String, CodingKey {
        case queueName = "queue_name"
        case queueID = "queue_id"
        case arrivalTime = "arrival_time"
        case messageSize = "message_size"
        case sender
        case recipients
    }

    public init(
        queueName: String,
        queueID: String,
        arrivalTime: Double,
        messageSize: Int,
        sender: String,
        recipients: [Recipient]
    ) {
        self.queueName = queueName
        self.queueID = queueID
        self.arrivalTime = arrivalTime
        self.messageSize = messageSize
        self.sender = sender
        self.recipients = recipients
    }

    /// Whether a recipient's domain is `domain` or below it (`example.com` takes `mx.example.com`).
    public func hasRecipient(in domain: String) -> Bool {
        recipients.contains { QueuedMessage.domain(of: $0.address).map { Self.isWithin($0, domain) } ?? false }
    }

    static func domain(of address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        return address[address.index(after: at)...].lowercased()
    }

    static func isWithin(_ domain: String, _ parent: String) -> Bool {
        let parent = parent.lowercased()
        return domain == parent || domain.hasSuffix("." + parent)
    }

    /// The lines of `postqueue -j`, one JSON object each; lines that are not (a warning) are skipped.
    public static func parse(_ output: String) -> [QueuedMessage] {
        output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("{") else { return nil }
            return try? JSONDecoder().decode(QueuedMessage.self, from: Data(line.utf8))
        }
    }
}

/// The host's gauges of `status` (gateway-commands.md §1): memory, CPU, disk, connections.
public struct HostGauges: Sendable, Equatable {
    /// Percentages 0–100.
    public var ramUtilization: Int
    public var cpuLoad: Int
    public var diskIOUtilization: Int
    public var loggingDiskUsage: Int
    public var loggingDiskAvailableBytes: Int64
    public var inboundConnections: Int
    public var outboundConnections: Int
    /// Free space where the queue lives.
    public var queueDiskFreeKilobytes: Int64

    public init(
        ramUtilization: Int,
        cpuLoad: Int,
        diskIOUtilization: Int,
        loggingDiskUsage: Int,
        loggingDiskAvailableBytes: Int64,
        inboundConnections: Int,
        outboundConnections: Int,
        queueDiskFreeKilobytes: Int64
    ) {
        self.ramUtilization = ramUtilization
        self.cpuLoad = cpuLoad
        self.diskIOUtilization = diskIOUtilization
        self.loggingDiskUsage = loggingDiskUsage
        self.loggingDiskAvailableBytes = loggingDiskAvailableBytes
        self.inboundConnections = inboundConnections
        self.outboundConnections = outboundConnections
        self.queueDiskFreeKilobytes = queueDiskFreeKilobytes
    }
}

/// How the shell's gateway commands (`status`, `delivernow`, `hoststatus`, `mailconfig`) reach the
/// `esa serve` running on the same data directory and its Postfix. The live link runs Postfix's own
/// tools; transcript tests give a fake.
public protocol GatewayLink: Sendable {
    /// What `esa serve` last applied, when it runs on this data directory; nil when it does not.
    func running(_ dataDirectory: URL) -> GatewayState?
    /// The messages in the queue.
    func queue(_ dataDirectory: URL) throws(ShellError) -> [QueuedMessage]
    /// Schedules immediate delivery: every deferred message (nil) or the messages with these ids.
    func flush(_ dataDirectory: URL, queueIDs: [String]?) throws(ShellError)
    /// Hands a whole RFC 5322 message to the gateway for delivery.
    func submit(_ dataDirectory: URL, sender: String, recipients: [String], message: String) throws(ShellError)
    /// Memory, CPU, disks and connections now; `listenerPorts` are the bound listeners' ports.
    func gauges(_ dataDirectory: URL, listenerPorts: Set<Int>) -> HostGauges
    /// Whether Postfix's master process runs (`queue/pid/master.pid`); nil when that cannot be read.
    func postfixRunning(_ dataDirectory: URL) -> Bool?
    /// TCP connections to port 25 of `addresses`: established, and still being set up.
    func outboundConnections(to addresses: Set<String>) -> (current: Int, pending: Int)
    /// The MX hosts of `domain` (lowest preference first, the domain itself when it has none) with
    /// their addresses, through the system resolver; or why they could not be found.
    func mailHosts(_ domain: String) -> Result<[MailHost], ResolveFailure>
}

/// One MX host of a domain and its addresses, in the order delivery tries them.
public struct MailHost: Sendable, Equatable {
    /// nil for the domain itself (no MX records).
    public var preference: Int?
    public var host: String
    public var addresses: [String]

    public init(preference: Int?, host: String, addresses: [String]) {
        self.preference = preference
        self.host = host
        self.addresses = addresses
    }
}

/// The one line of every gateway command when `esa serve` is not running (**approximate**), status 3.
public enum GatewayNotRunning {
    public static let message = "The mail gateway is not running (start it with \"esa serve\")."

    /// The running gateway's state, or the one-line refusal.
    static func require(_ link: any GatewayLink, _ session: Session) throws(ShellError) -> GatewayState {
        guard let state = link.running(session.environment.dataDirectory) else { throw .actionFailed(message) }
        return state
    }
}

/// The gateway as it runs: `gateway/state.json` written by `esa serve`, its process, and its
/// control channel (`gateway/control.sock`, `ControlChannel` in module Gateway), through which
/// `esa serve` runs Postfix's `postqueue` and `sendmail` on the private instance. Postfix lets only
/// root point those tools at a private configuration directory; going through `esa serve` (which is
/// root) lets the data directory's owner use them from a shell that is not — and every shell, root
/// or not, takes the same path.
public struct ServeLink: GatewayLink {
    public init() {}

    func paths(_ dataDirectory: URL) -> GatewayPaths {
        GatewayPaths(dataDirectory: dataDirectory.standardizedFileURL.path)
    }

    public func running(_ dataDirectory: URL) -> GatewayState? {
        guard let data = FileManager.default.contents(atPath: paths(dataDirectory).state),
            let state = try? JSONDecoder().decode(GatewayState.self, from: data)
        else { return nil }
        // The state file outlives `esa serve`: its process must still be there, and be `esa serve`
        // (the program esa-serve, which `esa serve` runs in its place).
        guard state.pid > 0, kill(pid_t(state.pid), 0) == 0 || errno == EPERM else { return nil }
        let commandLine = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(state.pid)/cmdline"))) ?? Data()
        let words = commandLine.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        let program = words.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
        guard program == Programs.serve || words.contains("serve") else { return nil }
        return state
    }

    /// One request to `esa serve`; `what` names the action in the one-line error.
    private func ask(_ dataDirectory: URL, _ request: ControlRequest, what: String) throws(ShellError) -> String {
        let response: ControlResponse
        do throws(ControlChannelError) {
            response = try ControlChannel.exchange(request, socketPath: ControlChannel.socketPath(paths(dataDirectory)))
        } catch {
            throw .actionFailed("Unable to \(what): \(error).")
        }
        if let failure = response.error { throw .actionFailed("Unable to \(what): \(Self.cause(failure)).") }
        return response.output
    }

    /// Postfix's message without its program prefix, made safe for a terminal.
    static func cause(_ line: String) -> String {
        var text = line
        for marker in ["fatal: ", "error: ", "warning: "] {
            if let range = text.firstRange(of: marker) { text = String(text[range.upperBound...]) }
        }
        while text.hasSuffix(".") { text.removeLast() }
        return TerminalSafe.escaped(text)
    }

    public func queue(_ dataDirectory: URL) throws(ShellError) -> [QueuedMessage] {
        QueuedMessage.parse(try ask(dataDirectory, .queue, what: "read the mail queue"))
    }

    public func flush(_ dataDirectory: URL, queueIDs: [String]?) throws(ShellError) {
        _ = try ask(
            dataDirectory,
            .flush(queueIDs: queueIDs),
            what: queueIDs == nil ? "flush the mail queue" : "schedule the messages"
        )
    }

    public func submit(
        _ dataDirectory: URL,
        sender: String,
        recipients: [String],
        message: String
    ) throws(ShellError) {
        _ = try ask(
            dataDirectory,
            .submit(sender: sender, recipients: recipients, message: message),
            what: "send the message"
        )
    }

    public func gauges(_ dataDirectory: URL, listenerPorts: Set<Int>) -> HostGauges {
        HostProbe.gauges(dataDirectory: dataDirectory, queue: paths(dataDirectory).queue, listenerPorts: listenerPorts)
    }

    public func outboundConnections(to addresses: Set<String>) -> (current: Int, pending: Int) {
        HostProbe.connections(to: addresses)
    }

    public func postfixRunning(_ dataDirectory: URL) -> Bool? {
        guard let data = FileManager.default.contents(atPath: paths(dataDirectory).queue + "/pid/master.pid") else {
            return nil
        }
        guard let pid = Int32(String(decoding: data, as: UTF8.self).trimmingWhitespaceAndNewlines()),
            pid > 0
        else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    public func mailHosts(_ domain: String) -> Result<[MailHost], ResolveFailure> {
        let records: [MXRecord]
        switch Resolver.mx(domain) {
        case .success(let found): records = found
        case .failure(let failure): return .failure(failure)
        }
        let hosts = records.isEmpty ? [(nil, domain)] : records.map { (Optional($0.preference), $0.host) }
        return .success(
            hosts.map { preference, host in
                MailHost(preference: preference, host: host, addresses: (try? Resolver.addresses(host).get()) ?? [])
            }
        )
    }
}

/// Reads the host's gauges from /proc and statvfs.
enum HostProbe {
    static func gauges(dataDirectory: URL, queue: String, listenerPorts: Set<Int>) -> HostGauges {
        let logs = dataDirectory.appendingPathComponent("logs").path
        let logDisk = disk(logs)
        let connections = tcpConnections(listenerPorts: listenerPorts)
        return HostGauges(
            ramUtilization: ram(),
            cpuLoad: cpu(),
            diskIOUtilization: diskIO(),
            loggingDiskUsage: logDisk.total > 0 ? Int((logDisk.total - logDisk.free) * 100 / logDisk.total) : 0,
            loggingDiskAvailableBytes: logDisk.free,
            inboundConnections: connections.inbound,
            outboundConnections: connections.outbound,
            queueDiskFreeKilobytes: disk(queue).free / 1024
        )
    }

    static func text(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Used memory (total − available) in percent.
    static func ram() -> Int {
        var values: [String: Int] = [:]
        for line in text("/proc/meminfo").split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " })
            if parts.count >= 2, let value = Int(parts[1]) { values[String(parts[0])] = value }
        }
        guard let total = values["MemTotal"], total > 0, let available = values["MemAvailable"] else { return 0 }
        return (total - available) * 100 / total
    }

    /// The one-minute load average per CPU, in percent.
    static func cpu() -> Int {
        let load = Double(text("/proc/loadavg").split(separator: " ").first ?? "") ?? 0
        let cpus = max(ProcessInfo.processInfo.activeProcessorCount, 1)
        return min(Int((load / Double(cpus) * 100).rounded()), 100)
    }

    /// The busiest disk's share of time spent on I/O since boot, in percent.
    static func diskIO() -> Int {
        let uptime = Double(text("/proc/uptime").split(separator: " ").first ?? "") ?? 0
        guard uptime > 0 else { return 0 }
        var busiest = 0.0
        for line in text("/proc/diskstats").split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 12, !fields[2].hasPrefix("loop"), !fields[2].hasPrefix("ram"),
                let ticks = Double(fields[12])
            else { continue }
            busiest = max(busiest, ticks / 1000 / uptime)
        }
        return min(Int((busiest * 100).rounded()), 100)
    }

    static func disk(_ path: String) -> (total: Int64, free: Int64) {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return (0, 0) }
        let unit = Int64(info.f_frsize)
        return (Int64(info.f_blocks) * unit, Int64(info.f_bavail) * unit)
    }

    /// Connections to port 25 of `addresses`: established (state 01) and being set up (SYN_SENT, 02).
    static func connections(to addresses: Set<String>) -> (current: Int, pending: Int) {
        var current = 0
        var pending = 0
        for (file, v6) in [("/proc/net/tcp", false), ("/proc/net/tcp6", true)] {
            for line in text(file).split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 3, fields[3] == "01" || fields[3] == "02" else { continue }
                let remote = fields[2].split(separator: ":")
                guard remote.count == 2, Int(remote[1], radix: 16) == 25,
                    let address = procAddress(String(remote[0]), v6: v6), addresses.contains(address)
                else { continue }
                if fields[3] == "01" { current += 1 } else { pending += 1 }
            }
        }
        return (current, pending)
    }

    /// `0300007F` → `127.0.0.3` (the kernel's byte order); IPv4-mapped IPv6 addresses as IPv4.
    static func procAddress(_ hex: String, v6: Bool) -> String? {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        // Each 32-bit word is in host (little-endian) order.
        var ordered: [UInt8] = []
        for word in stride(from: 0, to: bytes.count, by: 4) where word + 4 <= bytes.count {
            ordered += bytes[word..<(word + 4)].reversed()
        }
        if !v6, ordered.count == 4 { return ordered.map(String.init).joined(separator: ".") }
        guard ordered.count == 16 else { return nil }
        if ordered[0..<10].allSatisfy({ $0 == 0 }) && ordered[10] == 0xFF && ordered[11] == 0xFF {
            return ordered[12...].map(String.init).joined(separator: ".")
        }
        var groups: [String] = []
        for group in stride(from: 0, to: 16, by: 2) {
            groups.append(String(Int(ordered[group]) << 8 | Int(ordered[group + 1]), radix: 16))
        }
        return Resolver.canonical(groups.joined(separator: ":"))
    }

    /// Established TCP connections: inbound to a listener port, outbound to a remote port 25.
    static func tcpConnections(listenerPorts: Set<Int>) -> (inbound: Int, outbound: Int) {
        var inbound = 0
        var outbound = 0
        for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
            for line in text(file).split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 3, fields[3] == "01",
                    let local = fields[1].split(separator: ":").last.flatMap({ Int($0, radix: 16) }),
                    let remote = fields[2].split(separator: ":").last.flatMap({ Int($0, radix: 16) })
                else { continue }
                if listenerPorts.contains(local) {
                    inbound += 1
                } else if remote == 25 {
                    outbound += 1
                }
            }
        }
        return (inbound, outbound)
    }
}
