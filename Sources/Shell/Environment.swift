import Foundation

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
public struct ShellClock: Sendable {
    public var now: @Sendable () -> Date
    public var timeZone: TimeZone

    public init(timeZone: TimeZone = .current, now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
        self.timeZone = timeZone
    }

    /// `Tue Sep 22 09:05:00 2026 CEST` (`%a %b %d %H:%M:%S %Y %Z`, local time).
    public func appliance(_ date: Date, zone: Bool = true) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "EEE MMM dd HH:mm:ss yyyy"
        let text = formatter.string(from: date)
        guard zone else { return text }
        let utc = ["UTC", "GMT", "Etc/UTC", "Etc/GMT"].contains(timeZone.identifier)
        let name = utc ? "UTC" : timeZone.abbreviation(for: date) ?? timeZone.identifier
        return text + " " + name
    }

    /// Formats with an explicit pattern in the shell's time zone.
    public func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
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
    public var mode: SessionMode
    public var clock: ShellClock
    public var appliance: ApplianceInfo
    /// Idle timeout of interactive sessions, in minutes (shown in the banner).
    public var idleTimeoutMinutes: Int
    /// `Last login:` facts of the previous session of this user, if any.
    public var lastLogin: (date: Date, from: String)?

    public init(
        dataDirectory: URL,
        user: String,
        mode: SessionMode,
        clock: ShellClock,
        appliance: ApplianceInfo,
        idleTimeoutMinutes: Int = 30,
        lastLogin: (date: Date, from: String)? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.user = user
        self.mode = mode
        self.clock = clock
        self.appliance = appliance
        self.idleTimeoutMinutes = idleTimeoutMinutes
        self.lastLogin = lastLogin
    }
}
