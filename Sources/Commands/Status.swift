import FoundationEssentials
import Gateway
import MailLog
import Shell
import TextSupport

#if canImport(Glibc)
import Glibc
#endif

/// `status` / `status detail` (gateway-commands.md §1): the head block, the counters of the mail
/// log (Reset / Uptime / Lifetime), in `detail` the rates of the last 1, 5 and 15 minutes, the gauges
/// of the host and of Postfix's queue, then (beyond the appliance) what `esa serve` applied.
public struct StatusCommand: DeclaredCommand {
    let link: any GatewayLink

    static let detail = Positional.optional(
        "detail",
        .keyword(["detail"]) { "Unknown argument \"\(TerminalSafe.escaped($0))\"; the only one is \"detail\"." }
    )

    public var grammar: Grammar {
        let link = self.link
        return Grammar(
            CommandConfiguration("status", summary: "System status.", access: .status),
            Form(usage: "status [detail]", .argument(StatusCommand.detail)) { values, session in
                let report = try StatusReport.gather(link, session)
                session.console.write("\n")
                session.page(report.lines(detail: values[StatusCommand.detail] != nil).joined(separator: "\n"))
            }
        )
    }
}

/// `resetcounters`: the Reset column of `status` counts from now (gateway-commands.md §1).
public struct ResetCountersCommand: DeclaredCommand {
    public let grammar = Grammar(
        CommandConfiguration(
            "resetcounters",
            summary: "Reset the counters shown by status.",
            writesDataDirectory: true
        ),
        Form(usage: "resetcounters") { _, session in
            let data = session.environment.dataDirectory.standardizedFileURL.path
            do throws(MailLogError) {
                try CounterMark.record(
                    dataDirectory: data,
                    at: CounterMark.resetPath(dataDirectory: data),
                    date: session.clock.now().timeIntervalSince1970
                )
            } catch {
                throw ShellError.actionFailed("Unable to reset the counters: \(error.message)")
            }
            session.dialog.block("Counters reset.")
        }
    )
}

/// Everything `status` shows, gathered once.
struct StatusReport {
    var now: Date
    var clock: ShellClock
    var state: GatewayState
    var started: CounterMark?
    var reset: CounterMark?
    var mail: MailLogState
    var queue: [QueuedMessage]
    var gauges: HostGauges
    var recent: [MailLogEvent.Kind: [Double]]
    /// Whether Postfix's master runs (nil: unknown).
    var postfixRunning: Bool?

    static func gather(_ link: any GatewayLink, _ session: Session) throws -> StatusReport {
        let state = try GatewayNotRunning.require(link, session)
        let data = session.environment.dataDirectory.standardizedFileURL.path
        let mail: MailLogState
        do throws(MailLogError) {
            mail = try MailLogStateFile.load(CounterMark.statePath(dataDirectory: data)) ?? MailLogState()
        } catch {
            throw ShellError.actionFailed("Unable to read the mail log's counters: \(error.message)")
        }
        let queue = try link.queue(session.environment.dataDirectory)
        let ports = Set(state.listeners.filter(\.bound).map(\.port))
        return StatusReport(
            now: session.clock.now(),
            clock: session.clock,
            state: state,
            started: CounterMark.load(CounterMark.startPath(dataDirectory: data)),
            reset: CounterMark.load(CounterMark.resetPath(dataDirectory: data)),
            mail: mail,
            queue: queue,
            gauges: link.gauges(session.environment.dataDirectory, listenerPorts: ports),
            recent: MailLogEvent.recent(
                path: data + "/logs/mail_logs/mail.current",
                clock: session.clock,
                since: session.clock.now().addingTimeInterval(-15 * 60)
            ),
            postfixRunning: link.postfixRunning(session.environment.dataDirectory)
        )
    }

    // MARK: Layout

    /// `label` padded to 31 columns, then the value (labels **exact**).
    static func head(_ label: String, _ value: String) -> String {
        label.padded(to: 31) + value
    }

    /// A number with thousands separators: `1,234,567`.
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    static func grouped(_ value: Int) -> String { grouped(Int64(value)) }

    /// `1d 1h 0m 0s`.
    static func age(_ seconds: Double) -> String {
        let total = max(Int(seconds), 0)
        return "\(total / 86_400)d \(total % 86_400 / 3600)h \(total % 3600 / 60)m \(total % 60)s"
    }

    /// `105G`, `512M`, `3K`.
    static func size(_ bytes: Int64) -> String {
        let units: [(Int64, String)] = [(1 << 40, "T"), (1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")]
        for (unit, name) in units where bytes >= unit { return "\(bytes / unit)\(name)" }
        return "\(bytes)"
    }

    /// A table row: the label (with its indentation) in a column leaving at least 9 spaces, then
    /// right-aligned values.
    struct Table {
        var title: String
        var columns: [String]
        var rows: [(label: String, values: [String])] = []

        static let labelWidth = 38
        static let columnWidth = 12

        init(_ title: String, _ columns: [String]) {
            self.title = title
            self.columns = columns
        }

        mutating func group(_ name: String) { rows.append(("  " + name, [])) }
        mutating func row(_ label: String, _ values: [String], depth: Int = 0) {
            rows.append((String(repeating: " ", count: 4 + depth * 2) + label, values))
        }

        func rendered() -> [String] {
            var lines = [
                Self.pad(title) + columns.map { Self.right($0) }.joined()
            ]
            for row in rows {
                guard !row.values.isEmpty else {
                    lines.append(row.label)
                    continue
                }
                lines.append(Self.pad(row.label) + row.values.map { Self.right($0) }.joined())
            }
            return lines
        }

        static func pad(_ text: String) -> String {
            text.count >= labelWidth ? text + " " : text.padded(to: labelWidth)
        }

        static func right(_ text: String) -> String {
            text.count >= columnWidth
                ? " " + text : String(repeating: " ", count: columnWidth - text.count) + text
        }
    }

    func lines(detail: Bool) -> [String] {
        var lines: [String] = []
        let startDate = Date(timeIntervalSince1970: started?.date ?? state.startedAt)
        lines.append(Self.head("Status as of:", clock.appliance(now)))
        lines.append(
            Self.head("Up since:", clock.appliance(startDate) + " (\(Self.age(now.timeIntervalSince(startDate))))")
        )
        lines.append(
            Self.head(
                "Last counter reset:",
                reset.map { clock.appliance(Date(timeIntervalSince1970: $0.date)) } ?? "Never"
            )
        )
        lines.append(
            Self.head("System status:", systemStatus)
        )
        if let oldest = queue.map(\.arrivalTime).min() {
            lines.append(Self.head("Oldest Message:", Self.age(now.timeIntervalSince1970 - oldest)))
        } else {
            lines.append(Self.head("Oldest Message:", "No Messages"))
        }
        lines.append("")
        lines += counters(detail: detail)
        if detail {
            lines.append("")
            lines += rates()
        }
        lines.append("")
        lines += gaugeLines(detail: detail)
        lines.append("")
        lines += gatewayLines()
        return lines
    }

    /// `Online`; `Offline` while Postfix is down (esa serve starts it again with back-off).
    var systemStatus: String {
        if postfixRunning == false { return "Offline (Postfix is not running; esa serve restarts it)" }
        return state.failure == nil ? "Online" : "Online (the last commit was not applied)"
    }

    private func counters(detail: Bool) -> [String] {
        let lifetime = mail.counters
        let uptime = lifetime.since(started?.counters)
        let sinceReset = lifetime.since(reset?.counters)
        var table = Table("Counters:", ["Reset", "Uptime", "Lifetime"])
        func row(_ label: String, _ path: KeyPath<MailCounters, Int>?, depth: Int = 0) {
            let values = [sinceReset, uptime, lifetime].map { counters in
                Self.grouped(path.map { counters[keyPath: $0] } ?? 0)
            }
            table.row(label, values, depth: depth)
        }
        table.group("Receiving")
        row("Messages Received", \.messagesReceived)
        row("Recipients Received", \.recipientsReceived)
        if detail {
            table.group("Bounce")
            row("Gen. Bounce Recipients", \.generatedBounceRecipients)
        }
        table.group("Rejection")
        row("Rejected Recipients", \.rejectedRecipients)
        // Nothing in this gateway drops an accepted message (no filters): always 0.
        row("Dropped Messages", nil)
        table.group("Queue")
        row("Soft Bounced Events", \.softBouncedEvents)
        table.group("Completion")
        row("Completed Recipients", \.completedRecipients)
        if detail {
            row("Hard Bounced Recipients", \.hardBouncedRecipients, depth: 1)
            row("DNS Hard Bounces", \.dnsHardBounces, depth: 2)
            row("5XX Hard Bounces", \.fiveXXHardBounces, depth: 2)
            row("Expired Hard Bounces", \.expiredHardBounces, depth: 2)
            // No content filters: none bounce.
            row("Filter Hard Bounces", nil, depth: 2)
            row("Other Hard Bounces", \.otherHardBounces, depth: 2)
            row("Delivered Recipients", \.deliveredRecipients, depth: 1)
            row("Deleted Recipients", \.deletedRecipients, depth: 1)
        }
        var lines = table.rendered()
        lines.append("  Current IDs")
        for (label, value) in [
            ("Message ID (MID)", mail.lastMID), ("Injection Conn. ID (ICID)", mail.lastICID),
            ("Delivery Conn. ID (DCID)", mail.lastDCID),
        ] {
            lines.append(("    " + label).padded(to: 32) + Self.grouped(value))
        }
        return lines
    }

    private func rates() -> [String] {
        var table = Table("Rates (Events Per Hour):", ["1-Minute", "5-Minutes", "15-Minutes"])
        let nowSeconds = now.timeIntervalSince1970
        func row(_ label: String, _ kind: MailLogEvent.Kind, depth: Int = 0) {
            let times = recent[kind] ?? []
            let values = [1.0, 5.0, 15.0].map { minutes in
                let count = times.filter { nowSeconds - $0 <= minutes * 60 }.count
                return Self.grouped(Int((Double(count) * 60 / minutes).rounded()))
            }
            table.row(label, values, depth: depth)
        }
        table.group("Receiving")
        row("Messages Received", .messageReceived)
        row("Recipients Received", .recipientReceived)
        table.group("Queue")
        row("Soft Bounced Events", .softBounce)
        table.group("Completion")
        row("Completed Recipients", .completed)
        row("Hard Bounced Recipients", .hardBounce, depth: 1)
        row("Delivered Recipients", .delivered, depth: 1)
        return table.rendered()
    }

    private func gaugeLines(detail: Bool) -> [String] {
        var table = Table("Gauges:", ["Current"])
        let live = queue.filter { $0.queueName != "hold" }
        let recipients = live.flatMap(\.recipients)
        let attempted = recipients.filter { $0.delayReason != nil }.count
        let work = live.filter { ["incoming", "active", "maildrop"].contains($0.queueName) }.count
        let destinations = Set(recipients.compactMap { QueuedMessage.domain(of: $0.address) }).count
        let kilobytes = (queue.map(\.messageSize).reduce(0, +) + 1023) / 1024
        table.group("System")
        table.row("RAM Utilization", ["\(gauges.ramUtilization)%"])
        table.row("Overall CPU load average", ["\(gauges.cpuLoad)%"])
        if detail { table.row("Disk I/O Utilization", ["\(gauges.diskIOUtilization)%"]) }
        table.group("Resources")
        table.row("Logging Disk Usage", ["\(gauges.loggingDiskUsage)%"])
        table.row("Logging Disk Available", [Self.size(gauges.loggingDiskAvailableBytes)])
        table.group("Connections")
        table.row("Current Inbound Conn.", [Self.grouped(gauges.inboundConnections)])
        table.row("Current Outbound Conn.", [Self.grouped(gauges.outboundConnections)])
        table.group("Queue")
        table.row("Active Recipients", [Self.grouped(recipients.count)])
        if detail {
            table.row("Unattempted Recipients", [Self.grouped(recipients.count - attempted)])
            table.row("Attempted Recipients", [Self.grouped(attempted)])
        }
        table.row("Messages In Work Queue", [Self.grouped(work)])
        if detail { table.row("Destinations In Memory", [Self.grouped(destinations)]) }
        table.row("Kilobytes Used", [Self.grouped(kilobytes)])
        table.row("Kilobytes Free", [Self.grouped(gauges.queueDiskFreeKilobytes)])
        return table.rendered()
    }

    /// Beyond the appliance: which revision `esa serve` runs and which listeners are bound.
    private func gatewayLines() -> [String] {
        var lines = ["Gateway:"]
        let applied = clock.appliance(Date(timeIntervalSince1970: state.appliedAt))
        if let failure = state.failure {
            lines.append("  Revision \(state.revision) was not applied (\(applied)): \(failure)")
            lines.append("  The previous configuration keeps running.")
        } else {
            lines.append("  Configuration revision \(state.revision) applied \(applied)")
        }
        for listener in state.listeners {
            let place = "\(listener.name) on \(listener.address):\(listener.port)"
            lines.append(
                listener.bound
                    ? "  Listener \(place): listening"
                    : "  Listener \(place): could not bind: \(listener.reason ?? "unknown reason")"
            )
        }
        return lines
    }
}

/// A line of the mail log that `status detail` counts for its rates.
struct MailLogEvent {
    enum Kind: Hashable {
        case messageReceived, recipientReceived, softBounce, completed, hardBounce, delivered
    }

    /// The times (seconds since 1970) of the events of the mail log's lines written since `since`
    /// (read backwards from the end, at most the last 4 MiB).
    static func recent(path: String, clock: ShellClock, since: Date) -> [Kind: [Double]] {
        let size = LogFile.currentSize(path)
        let window = min(size, 4 * 1_048_576)
        guard window > 0, let text = LogFile.read(path, from: size - window, count: window) else { return [:] }
        var result: [Kind: [Double]] = [:]
        let limit = since.timeIntervalSince1970
        for line in text.split(separator: "\n").reversed() {
            guard let (time, body) = parse(line, clock: clock) else { continue }
            if time < limit { break }
            for (kind, count) in kinds(body) {
                result[kind, default: []] += Array(repeating: time, count: count)
            }
        }
        return result
    }

    /// The events of one line and how many recipients they count.
    static func kinds(_ body: Substring) -> [(Kind, Int)] {
        if body.hasPrefix("Start MID ") {
            return body.hasSuffix(" ICID 0") ? [] : [(.messageReceived, 1)]
        }
        if body.hasPrefix("MID "), body.contains(" RID "), body.contains(" To: <") { return [(.recipientReceived, 1)] }
        if body.hasPrefix("Delayed: ") { return [(.softBounce, 1)] }
        if body.hasPrefix("Message done ") {
            let count = recipients(body)
            return [(.delivered, count), (.completed, count)]
        }
        if body.hasPrefix("Bounced: ") {
            let count = recipients(body)
            return [(.hardBounce, count), (.completed, count)]
        }
        return []
    }

    /// The number of RIDs in `[0, 1]`.
    static func recipients(_ body: Substring) -> Int {
        guard let open = body.firstIndex(of: "["), let close = body[open...].firstIndex(of: "]") else { return 1 }
        return body[body.index(after: open)..<close].split(separator: ",").count
    }

    /// `Tue Sep 22 09:00:00 2026 Info: {body}` → (seconds since 1970 in the clock's zone, body).
    static func parse(_ line: Substring, clock: ShellClock) -> (Double, Substring)? {
        let words = line.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: true)
        guard words.count == 7, words[5].hasSuffix(":"),
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                .firstIndex(of: String(words[1])),
            let day = Int(words[2]), let year = Int(words[4])
        else { return nil }
        let clockParts = words[3].split(separator: ":").compactMap { Int($0) }
        guard clockParts.count == 3 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(clockParts[0])
        parts.tm_min = Int32(clockParts[1])
        parts.tm_sec = Int32(clockParts[2])
        parts.tm_isdst = -1
        let seconds: Double
        switch clock.zone {
        case .system:
            seconds = Double(mktime(&parts))
        case .fixed(_, let secondsEast):
            seconds = Double(timegm(&parts)) - Double(secondsEast)
        }
        return (seconds, words[6])
    }
}
