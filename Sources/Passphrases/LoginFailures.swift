import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one record of failed logins (ssh.md §3) that every route shares: the shell's passphrase
/// checks (`passwd`, `userconfig`, the expired passphrase at login — OpenSSH route) and the embedded
/// endpoint of `esa serve`. Kept in the data directory (`logs/auth-failures.json`, 0600), so a
/// restart of `esa serve`, another session or another route goes on counting where the last one
/// stopped.
///
/// Per client address: the 4th failure and every later one is answered late (1, 2, 4 … at most 30 s);
/// an address is forgotten after 15 minutes without a failure or after a successful login from it.
/// Per user: failures in a row, for the lockout after the account policy's number; a successful
/// login or the lock itself starts the count again.
///
/// Every change reads, updates and writes the file under an exclusive `flock`, so processes
/// updating it at once lose no failure. Without a path (tests) the record lives in memory.
public final class LoginFailures: Sendable {
    /// Failures from one address answered at once before the delay starts.
    public static let freeFailures = 3
    public static let maximumDelaySeconds = 30
    /// An address without a failure for this long starts again from zero.
    public static let forgetAfterSeconds: Double = 15 * 60
    /// The file name under the data directory.
    public static let fileName = "logs/auth-failures.json"

    struct Address: Codable, Equatable {
        var failures: Int
        /// Seconds since 1970 of the last failure.
        var last: Double
    }

    struct Record: Codable, Equatable {
        var addresses: [String: Address] = [:]
        var users: [String: Int] = [:]
    }

    private let path: String?
    private let now: @Sendable () -> Double
    /// The in-memory record (no path), and the lock every change of a file record holds in-process.
    private let memory = Mutex<Record>(Record())

    /// - Parameters:
    ///   - path: the record's file (normally `{data directory}/logs/auth-failures.json`); nil keeps it
    ///     in memory.
    ///   - now: the wall clock in seconds since 1970 (injected by tests).
    public init(path: String?, now: @escaping @Sendable () -> Double = LoginFailures.wallClock) {
        self.path = path
        self.now = now
    }

    /// The record of a data directory.
    public convenience init(dataDirectory: String, now: @escaping @Sendable () -> Double = LoginFailures.wallClock) {
        self.init(path: dataDirectory + "/" + Self.fileName, now: now)
    }

    @Sendable public static func wallClock() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Seconds to wait before answering the `count`-th failure from one address in a row: none for
    /// the first three, then 1, 2, 4 … up to 30.
    public static func delaySeconds(afterFailures count: Int) -> Int {
        count <= freeFailures ? 0 : min(maximumDelaySeconds, 1 << min(count - freeFailures - 1, 5))
    }

    /// Records a failed login from `address` (nil: not counted per address) for `user` (nil: not
    /// counted per user, for example a name that is no account). Returns the failures now counted
    /// for each.
    @discardableResult
    public func failed(address: String?, user: String?) -> (address: Int, user: Int) {
        let time = now()
        return update { record in
            var byAddress = 0
            if let address {
                var entry = record.addresses[address] ?? Address(failures: 0, last: time)
                if time - entry.last > Self.forgetAfterSeconds { entry.failures = 0 }
                entry.failures += 1
                entry.last = time
                record.addresses[address] = entry
                byAddress = entry.failures
            }
            var byUser = 0
            if let user {
                record.users[user, default: 0] += 1
                byUser = record.users[user] ?? 0
            }
            // Keep the record small: drop addresses that have been quiet long enough.
            if record.addresses.count > 1024 {
                record.addresses = record.addresses.filter { time - $0.value.last <= Self.forgetAfterSeconds }
            }
            return (byAddress, byUser)
        }
    }

    /// A successful login: the address and the user start again from zero.
    public func succeeded(address: String?, user: String?) {
        update { record in
            if let address { record.addresses[address] = nil }
            if let user { record.users[user] = nil }
        }
    }

    /// The account was locked: its count starts again (for after an Administrator unlocks it).
    public func forget(user: String) {
        update { record in record.users[user] = nil }
    }

    /// The failures counted now for `address` (after the 15-minute rule) and for `user`.
    public func counts(address: String, user: String) -> (address: Int, user: Int) {
        let time = now()
        return update(write: false) { record in
            let entry = record.addresses[address]
            let byAddress = entry.map { time - $0.last > Self.forgetAfterSeconds ? 0 : $0.failures } ?? 0
            return (byAddress, record.users[user] ?? 0)
        }
    }

    // MARK: Storage

    @discardableResult
    private func update<T>(write: Bool = true, _ change: (inout Record) -> T) -> T {
        var result: T?
        memory.withLock { memory in
            if let path {
                result = Self.withFile(path, write: write, change)
            } else {
                result = change(&memory)
            }
        }
        // swift-format-ignore: NeverForceUnwrap
        return result!
    }

    /// Reads the file under an exclusive lock, applies `change`, writes it back. A file that cannot
    /// be opened for writing (a read-only data directory) is read and not written; one that cannot
    /// be read or decoded counts from zero (it holds only counts).
    private static func withFile<T>(_ path: String, write: Bool, _ change: (inout Record) -> T) -> T {
        var descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if descriptor < 0 && errno == ENOENT {
            let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            if !folder.isEmpty { mkdir(folder, 0o700) }
            descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        }
        let writable = descriptor >= 0
        if !writable { descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        defer { if descriptor >= 0 { close(descriptor) } }
        if descriptor >= 0 {
            while flock(descriptor, writable ? LOCK_EX : LOCK_SH) != 0 && errno == EINTR {}
        }
        var record = descriptor >= 0 ? decode(readAll(descriptor)) : Record()
        let before = record
        let result = change(&record)
        if write && writable && record != before, let data = try? JSONEncoder().encode(record) {
            let bytes = [UInt8](data)
            if ftruncate(descriptor, 0) == 0 {
                var written = 0
                while written < bytes.count {
                    let count = bytes[written...].withUnsafeBytes {
                        pwrite(descriptor, $0.baseAddress, $0.count, off_t(written))
                    }
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { break }
                    written += count
                }
            }
        }
        return result
    }

    private static func readAll(_ descriptor: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
            offset += off_t(count)
            if bytes.count > 4 << 20 { return [] }  // not ours: count from zero
        }
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> Record {
        guard !bytes.isEmpty, let record = try? JSONDecoder().decode(Record.self, from: Data(bytes)) else {
            return Record()
        }
        return record
    }
}
