import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One session's `esa` child process, started with `posix_spawn` (never `fork`: the endpoint is
/// multi-threaded) as the leader of a new session.
///
/// On a pseudo-terminal the child opens the slave side as fds 0–2, which makes it its controlling
/// terminal; the endpoint keeps the master. On pipes the endpoint keeps the other ends of three
/// pipes. Every descriptor the endpoint keeps is close-on-exec, so no child inherits another
/// session's descriptors.
struct ChildProcess {
    enum Streams {
        /// The pty master (read: the child's output; write: its keyboard).
        case terminal(master: Int32)
        /// Write end of the child's stdin, read ends of its stdout and stderr.
        case pipes(input: Int32, output: Int32, errors: Int32)
    }

    let pid: pid_t
    let streams: Streams

    /// The terminal a pty session starts with.
    struct TerminalSize: Equatable {
        var rows: Int
        var columns: Int
    }

    /// Starts `argv[0]` with `argv` and `environment`, on a new pty of `terminal` size or on pipes.
    static func spawn(
        arguments argv: [String],
        environment: [String],
        terminal: TerminalSize?
    ) throws(SSHEndpointError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        // The child starts with default signal dispositions and nothing blocked.
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        sigdelset(&defaultSignals, SIGKILL)
        sigdelset(&defaultSignals, SIGSTOP)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        let flags: Int32 = HiddenCalls.spawnSetsid | Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var keep: [Int32] = []  // what the endpoint keeps
        var childEnds: [Int32] = []  // closed in the endpoint once the child runs
        let streams: Streams
        if let terminal {
            let master = HiddenCalls.openMaster()
            guard master >= 0 else { throw .system("posix_openpt", errno) }
            keep.append(master)
            var name = [CChar](repeating: 0, count: 128)
            guard HiddenCalls.unlockSlave(master, name: &name) else {
                let code = errno
                close(master)
                throw .system("a pseudo-terminal", code)
            }
            var size = winsize(
                ws_row: UInt16(clamping: terminal.rows),
                ws_col: UInt16(clamping: terminal.columns),
                ws_xpixel: 0,
                ws_ypixel: 0
            )
            _ = ioctl(master, UInt(TIOCSWINSZ), &size)
            // After setsid (POSIX_SPAWN_SETSID) opening the slave makes it the controlling terminal.
            posix_spawn_file_actions_addopen(&actions, 0, name, O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)
            streams = .terminal(master: master)
        } else {
            var ends: [(read: Int32, write: Int32)] = []
            for _ in 0..<3 {
                var fds: [Int32] = [-1, -1]
                guard HiddenCalls.pipe(&fds) == 0 else {
                    let code = errno
                    for end in ends {
                        close(end.read)
                        close(end.write)
                    }
                    throw .system("pipe2", code)
                }
                ends.append((fds[0], fds[1]))
            }
            posix_spawn_file_actions_adddup2(&actions, ends[0].read, 0)
            posix_spawn_file_actions_adddup2(&actions, ends[1].write, 1)
            posix_spawn_file_actions_adddup2(&actions, ends[2].write, 2)
            keep += [ends[0].write, ends[1].read, ends[2].read]
            childEnds += [ends[0].read, ends[1].write, ends[2].write]
            streams = .pipes(input: ends[0].write, output: ends[1].read, errors: ends[2].read)
        }

        // Nothing else crosses into the child: not another session's terminal, not the endpoint's
        // sockets or event-loop descriptors (not all of which are close-on-exec).
        HiddenCalls.closeFrom(3, in: &actions)

        var pid: pid_t = 0
        let status = withCStrings(argv) { cArguments in
            withCStrings(environment) { cEnvironment in
                posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
            }
        }
        for fd in childEnds { close(fd) }
        guard status == 0 else {
            for fd in keep { close(fd) }
            throw .system("starting \(argv[0])", status)
        }
        return ChildProcess(pid: pid, streams: streams)
    }

    /// Sets the terminal size of a pty session (the child gets SIGWINCH from the kernel).
    static func resize(master: Int32, rows: Int, columns: Int) {
        var size = winsize(
            ws_row: UInt16(clamping: rows),
            ws_col: UInt16(clamping: columns),
            ws_xpixel: 0,
            ws_ypixel: 0
        )
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Blocks until `pid` ends (on its own thread) and hands its wait status to `done`.
    static func whenExited(_ pid: pid_t, _ done: @escaping @Sendable (Int32) -> Void) {
        let box = Unmanaged.passRetained(Reaper(pid: pid, done: done)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, reapEntry, box)
        if result == 0 {
            pthread_detach(thread)
        } else {
            // No thread of its own to spare: wait on a shared queue rather than on the event loop.
            let reaper = Unmanaged<Reaper>.fromOpaque(box).takeRetainedValue()
            DispatchQueue.global().async { reaper.run() }
        }
    }

    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}

/// What a reaper thread waits for.
final class Reaper: Sendable {
    let pid: pid_t
    let done: @Sendable (Int32) -> Void

    init(pid: pid_t, done: @escaping @Sendable (Int32) -> Void) {
        self.pid = pid
        self.done = done
    }

    func run() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR {
                status = 0x7f00  // unknown: reported as exit status 127
                break
            }
        }
        done(status)
    }
}

private func reapEntry(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let argument else { return nil }
    Unmanaged<Reaper>.fromOpaque(argument).takeRetainedValue().run()
    return nil
}

/// How a wait status reads: the exit status, or the signal that ended the process.
enum ChildExit: Equatable {
    case exited(Int32)
    case signalled(Int32, coreDumped: Bool)

    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        if signal == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signalled(signal, coreDumped: status & 0x80 != 0)
        }
    }

    /// RFC 4254 §6.10 signal names (without `SIG`).
    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGABRT: "ABRT"
        case SIGALRM: "ALRM"
        case SIGFPE: "FPE"
        case SIGHUP: "HUP"
        case SIGILL: "ILL"
        case SIGINT: "INT"
        case SIGKILL: "KILL"
        case SIGPIPE: "PIPE"
        case SIGQUIT: "QUIT"
        case SIGSEGV: "SEGV"
        case SIGTERM: "TERM"
        case SIGUSR1: "USR1"
        case SIGUSR2: "USR2"
        default: "SIG\(signal)"
        }
    }
}

/// The calls Swift's Glibc module hides (they need _XOPEN_SOURCE / _GNU_SOURCE), looked up in libc
/// once.
enum HiddenCalls {
    #if os(Linux)
    /// glibc's POSIX_SPAWN_SETSID (since 2.26), behind __USE_GNU.
    static let spawnSetsid: Int32 = 0x80

    private typealias IntFunction = @convention(c) (Int32) -> Int32
    private typealias NameFunction = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32
    private typealias PipeFunction = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    private typealias CloseFromFunction =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    private static func function<T>(_ name: String, as type: T.Type) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }

    private static let posixOpenpt = function("posix_openpt", as: IntFunction.self)
    private static let grantpt = function("grantpt", as: IntFunction.self)
    private static let unlockpt = function("unlockpt", as: IntFunction.self)
    private static let ptsnameR = function("ptsname_r", as: NameFunction.self)
    private static let pipe2 = function("pipe2", as: PipeFunction.self)
    /// glibc ≥ 2.34.
    private static let addCloseFrom = function("posix_spawn_file_actions_addclosefrom_np", as: CloseFromFunction.self)

    /// Closes every descriptor from `lowest` up in the child, after the dup2s.
    static func closeFrom(_ lowest: Int32, in actions: inout posix_spawn_file_actions_t) {
        _ = addCloseFrom?(&actions, lowest)
    }

    static func openMaster() -> Int32 {
        guard let posixOpenpt else { return -1 }
        return posixOpenpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
    }

    /// grantpt, unlockpt, and the slave's path into `name`.
    static func unlockSlave(_ master: Int32, name: inout [CChar]) -> Bool {
        guard let grantpt, let unlockpt, let ptsnameR, grantpt(master) == 0, unlockpt(master) == 0 else { return false }
        return ptsnameR(master, &name, name.count) == 0
    }

    /// A close-on-exec pipe, made atomically (no other thread's child can inherit it).
    static func pipe(_ fds: inout [Int32]) -> Int32 {
        guard let pipe2 else { return -1 }
        return pipe2(&fds, O_CLOEXEC)
    }
    #else
    static let spawnSetsid = Int32(POSIX_SPAWN_SETSID)

    static func openMaster() -> Int32 { posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC) }

    static func unlockSlave(_ master: Int32, name: inout [CChar]) -> Bool {
        guard grantpt(master) == 0, unlockpt(master) == 0, let path = ptsname(master) else { return false }
        name = Array(String(cString: path).utf8CString)
        return true
    }

    static func closeFrom(_ lowest: Int32, in actions: inout posix_spawn_file_actions_t) {}

    static func pipe(_ fds: inout [Int32]) -> Int32 {
        guard Darwin.pipe(&fds) == 0 else { return -1 }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return 0
    }
    #endif
}
