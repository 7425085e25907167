/// One line of Postfix's log (`maillog_file` or syslog), split into its parts.
///
/// Accepted time stamps: the classic `Nov 30 16:58:22` (day space- or zero-padded, no year) and
/// RFC 3339 `2026-11-30T16:58:22.123456+00:00` (rsyslog's high-precision format).
public struct PostfixLine: Sendable, Equatable {
    /// Local wall-clock time of the line.
    public var time: LogTime
    /// `esa/IncomingMail/smtpd`, `postfix/qmgr`.
    public var program: Substring
    public var pid: Int
    /// The text after `]: `.
    public var text: Substring

    /// The last component of the program name: `smtpd`, `smtp`, `cleanup`, `qmgr`, …
    public var service: Substring {
        guard let slash = program.lastIndex(of: "/") else { return program }
        return program[program.index(after: slash)...]
    }

    /// The listener of an smtpd whose syslog name is `esa/{listener}/smtpd`; nil otherwise.
    public var listener: Substring? {
        guard let last = program.lastIndex(of: "/") else { return nil }
        let head = program[..<last]
        guard let first = head.firstIndex(of: "/") else { return nil }
        let name = head[head.index(after: first)...]
        return name.isEmpty ? nil : name
    }

    /// Parses `line`; nil when it is not a Postfix log line. `year` gives the year of a time stamp
    /// that has none.
    public static func parse(_ line: Substring, year: (_ month: Int) -> Int) -> PostfixLine? {
        var rest = line
        guard let time = LogTime.parse(&rest, year: year) else { return nil }
        // host
        guard let hostEnd = rest.firstIndex(of: " ") else { return nil }
        rest = rest[rest.index(after: hostEnd)...]
        // program[pid]:
        guard let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") else { return nil }
        let program = rest[..<open]
        guard !program.utf8.contains(32), let pid = Int(rest[rest.index(after: open)..<close]) else { return nil }
        var text = rest[rest.index(after: close)...]
        guard text.hasPrefix(": ") else { return nil }
        text = text.dropFirst(2)
        return PostfixLine(time: time, program: program, pid: pid, text: text)
    }
}

/// A local date and time to the second, as the mail log writes it.
public struct LogTime: Sendable, Equatable, Codable {
    public var year: Int
    /// 1–12
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    /// 0 = Sunday (Sakamoto's method, proleptic Gregorian calendar).
    public var weekday: Int {
        let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = month < 3 ? year - 1 : year
        return (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
    }

    /// `Mon Mar 5 14:21:04 2018` (mail-logs.md §1: day not padded, single spaces).
    public var applianceText: String {
        var text = Self.weekdayNames[weekday]
        text += " "
        text += Self.monthNames[month - 1]
        text += " "
        text += String(day)
        text += " "
        Self.appendTwoDigits(hour, to: &text)
        text += ":"
        Self.appendTwoDigits(minute, to: &text)
        text += ":"
        Self.appendTwoDigits(second, to: &text)
        text += " "
        text += String(year)
        return text
    }

    private static func appendTwoDigits(_ value: Int, to text: inout String) {
        if value < 10 { text += "0" }
        text += String(value)
    }

    /// Reads a time stamp and the space after it from the front of `text`.
    static func parse(_ text: inout Substring, year: (_ month: Int) -> Int) -> LogTime? {
        guard let first = text.first else { return nil }
        if first.isNumber { return parseISO(&text) }
        guard text.utf8.count > 15 else { return nil }
        let monthText = text.prefix(3)
        guard let monthIndex = monthNames.firstIndex(where: { $0 == monthText }) else { return nil }
        var rest = text.dropFirst(3)
        guard rest.first == " " else { return nil }
        rest = rest.drop { $0 == " " }
        guard let dayEnd = rest.firstIndex(of: " "), let day = Int(rest[..<dayEnd]), (1...31).contains(day) else {
            return nil
        }
        rest = rest[rest.index(after: dayEnd)...]
        guard let clock = parseClock(&rest) else { return nil }
        guard rest.first == " " else { return nil }
        text = rest.dropFirst()
        let month = monthIndex + 1
        return LogTime(
            year: year(month),
            month: month,
            day: day,
            hour: clock.0,
            minute: clock.1,
            second: clock.2
        )
    }

    private static func parseClock(_ text: inout Substring) -> (Int, Int, Int)? {
        let utf8 = Array(text.utf8.prefix(8))
        guard utf8.count == 8, utf8[2] == UInt8(ascii: ":"), utf8[5] == UInt8(ascii: ":") else { return nil }
        func number(_ at: Int) -> Int? {
            let high = Int(utf8[at]) - 48
            let low = Int(utf8[at + 1]) - 48
            guard (0...9).contains(high), (0...9).contains(low) else { return nil }
            return high * 10 + low
        }
        guard let h = number(0), let m = number(3), let s = number(6), h < 24, m < 60, s < 61 else { return nil }
        text = text.dropFirst(8)
        return (h, m, s)
    }

    /// `2026-11-30T16:58:22[.fraction][Z|±hh:mm] `: the wall-clock time as written.
    private static func parseISO(_ text: inout Substring) -> LogTime? {
        guard let space = text.firstIndex(of: " ") else { return nil }
        let stamp = text[..<space]
        let utf8 = Array(stamp.utf8)
        guard utf8.count >= 19, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"),
            utf8[10] == UInt8(ascii: "T")
        else { return nil }
        guard let year = Int(stamp.prefix(4)), let month = Int(stamp.dropFirst(5).prefix(2)),
            let day = Int(stamp.dropFirst(8).prefix(2)), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var clockText = stamp.dropFirst(11)
        guard let clock = parseClock(&clockText) else { return nil }
        text = text[text.index(after: space)...]
        return LogTime(year: year, month: month, day: day, hour: clock.0, minute: clock.1, second: clock.2)
    }
}
