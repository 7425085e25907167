import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// How the shell was started: decides the commit method, the banner and the error behaviour.
public enum SessionMode: String, Sendable {
    /// A person at a terminal.
    case interactive
    /// Commands piped on standard input or read from `--script FILE`.
    case script
    /// `esa -c "cmd; cmd"` or an SSH exec request.
    case exec
}

/// The injected clock: the current time and the time zone dates are shown in.
///
/// Dates are formatted with the C library's `strftime`, not Foundation's formatters: those load ICU,
/// which costs several megabytes in every process that prints a date.
public struct ShellClock: Sendable {
    /// The time zone dates are shown in.
    public enum Zone: Sendable, Equatable {
        /// The process's local time zone (`TZ`, `/etc/localtime`).
        case system
        /// A fixed offset east of UTC with its abbreviation (tests, `UTC`).
        case fixed(name: String, secondsEast: Int)

        public static let utc = Zone.fixed(name: "UTC", secondsEast: 0)
    }

    public var now: @Sendable () -> Date
    public var zone: Zone

    public init(zone: Zone = .system, now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
        self.zone = zone
    }

    /// `Tue Sep 22 09:05:00 2026 CEST` (`%a %b %d %H:%M:%S %Y %Z`, local time).
    public func appliance(_ date: Date, zone withZone: Bool = true) -> String {
        format(date, withZone ? "%a %b %d %H:%M:%S %Y %Z" : "%a %b %d %H:%M:%S %Y")
    }

    /// Formats with a `strftime` pattern in the shell's time zone (`%Z` is the zone's abbreviation).
    public func format(_ date: Date, _ pattern: String) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        switch zone {
        case .system:
            localtime_r(&seconds, &parts)
            return Self.strftime(pattern, &parts)
        case .fixed(let name, let secondsEast):
            seconds += time_t(secondsEast)
            gmtime_r(&seconds, &parts)
            return Self.strftime(pattern.replacing("%Z", with: name), &parts)
        }
    }

    /// Formats in UTC with a `strftime` pattern (certificate dates: `%b %d %H:%M:%S %Y GMT`).
    public static func utc(_ date: Date, _ pattern: String) -> String {
        ShellClock(zone: .utc).format(date, pattern)
    }

    private static func strftime(_ pattern: String, _ parts: inout tm) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = Glibc.strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Facts about this appliance that are not configuration (version, serial number, install date).
public struct ApplianceInfo: Sendable, Equatable {
    public static let product = "esa Email Security Appliance Shell"
    public static let model = "esa"
    public static let packageVersion = "1.0.0"
    public static let build = "001"
    public static let buildDate = "2026-11-29"
    /// `1.0.0-001`
    public static var version: String { "\(packageVersion)-\(build)" }

    /// 32 upper-case hex digits, generated once per data directory.
    public var serialNumber: String
    /// When the data directory was created.
    public var installDate: Date
    public var cpuCount: Int
    public var memoryMegabytes: Int

    public init(serialNumber: String, installDate: Date, cpuCount: Int, memoryMegabytes: Int) {
        self.serialNumber = serialNumber
        self.installDate = installDate
        self.cpuCount = cpuCount
        self.memoryMegabytes = memoryMegabytes
    }
}

/// Where the session lives and who it is.
public struct ShellEnvironment: Sendable {
    /// The data directory (`--data-dir`).
    public var dataDirectory: URL
    /// The folder that plays the appliance's `/configuration`.
    public var configurationDirectory: URL { dataDirectory.appendingPathComponent("configuration", isDirectory: true) }
    /// Recorded on commits.
    public var user: String
    /// The appliance user this session acts as (`--user NAME`, ssh.md §3): its role is enforced.
    /// nil for the local operator (no `--user`), who has every right.
    public var applianceUser: String?
    public var mode: SessionMode
    public var clock: ShellClock
    public var appliance: ApplianceInfo
    /// Idle timeout of interactive sessions, in minutes (shown in the banner).
    public var idleTimeoutMinutes: Int
    /// `Last login:` facts of the previous session of this user, if any.
    public var lastLogin: (date: Date, from: String)?
    /// The data directory cannot be written (a read-only mount, a backup under inspection): only
    /// commands that change nothing may run.
    public var readOnly = false

    public init(
        dataDirectory: URL,
        user: String,
        mode: SessionMode,
        clock: ShellClock,
        appliance: ApplianceInfo,
        idleTimeoutMinutes: Int = 30,
        lastLogin: (date: Date, from: String)? = nil,
        applianceUser: String? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.user = user
        self.mode = mode
        self.clock = clock
        self.appliance = appliance
        self.idleTimeoutMinutes = idleTimeoutMinutes
        self.lastLogin = lastLogin
        self.applianceUser = applianceUser
    }
}
