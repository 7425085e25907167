#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`: standard input from /dev/null, standard output and
/// error into a pseudo-terminal (Postfix's commands write their errors to stderr only when it is a
/// terminal; otherwise they go to the log, or nowhere before logging starts — gateway.md §2).
public struct ChildProcess: Sendable {
    public let pid: pid_t

    /// The result of a command run to its end.
    public struct Outcome: Sendable, Equatable {
        public var status: Int32
        /// stdout and stderr together, carriage returns removed.
        public var output: String

        public var succeeded: Bool { status == 0 }
        /// The output's last non-empty line, for one-line messages.
        public var lastLine: String {
            output.split(separator: "\n").last.map(String.init) ?? "exit status \(status)"
        }
    }

    /// Whether an executable exists at `path`.
    public static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

    /// Runs `arguments` (the first is the executable's absolute path) to its end, collecting its
    /// output; a run longer than `timeout` is killed. `input`: a file read as standard input.
    public static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        input: String? = nil,
        timeout: Duration = .seconds(60)
    ) throws -> Outcome {
        var master: Int32 = -1
        var slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw GatewayError.spawn(arguments[0], errno) }
        defer { close(master) }
        let child: ChildProcess
        do {
            child = try spawn(arguments, environment: environment, input: input, output: slave)
        } catch {
            close(slave)
            throw error
        }
        close(slave)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        var status: Int32?
        while true {
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready > 0 {
                let count = read(master, &buffer, buffer.count)
                if count > 0 {
                    bytes += buffer[0..<count]
                    continue
                }
                if status != nil { break }
            }
            if status == nil { status = child.exitStatus(wait: false) }
            if let _ = status, ready <= 0 { break }
            if status == nil && ContinuousClock.now > deadline {
                kill(child.pid, SIGKILL)
                status = child.exitStatus(wait: true)
            }
        }
        let text = String(decoding: bytes.filter { $0 != 13 }, as: UTF8.self)
        return Outcome(status: status ?? -1, output: text)
    }

    /// Starts `arguments` in its own process group; standard input from the file `input` or
    /// /dev/null, output to `output` (a file descriptor) or /dev/null.
    public static func spawn(
        _ arguments: [String],
        environment: [String: String] = [:],
        input: String? = nil,
        output: Int32? = nil
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        if let output {
            posix_spawn_file_actions_adddup2(&actions, output, 1)
            posix_spawn_file_actions_adddup2(&actions, output, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        )
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let environmentStrings = merged.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = withCStrings(arguments) { argv in
            withCStrings(environmentStrings) { envp in
                posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
            }
        }
        guard result == 0 else { throw GatewayError.spawn(arguments[0], result) }
        return ChildProcess(pid: pid)
    }

    /// The exit status (128 + signal when killed), or nil while it runs (`wait: false`).
    public func exitStatus(wait: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, wait ? 0 : WNOHANG)
            if result == 0 { return nil }
            if result < 0 {
                if errno == EINTR { continue }
                return -1
            }
            break
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
