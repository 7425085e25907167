import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure while driving a program on a pseudo-terminal.
public struct PseudoTerminalError: Error, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The terminal or the process could not be created.
        case spawnFailed
        /// The expected text did not appear in time.
        case timedOut
        /// The program closed the terminal before the expected text appeared.
        case closed
    }

    public let code: Code
    public let description: String
}

/// A program running on its own pseudo-terminal (24 × 80), driven like a person at a keyboard.
///
/// The program is started with `posix_spawn` (never `fork`, so it is safe inside the test process) as
/// the leader of a new session whose controlling terminal is the pty's slave side, on fds 0, 1 and 2.
/// The process is killed when the value goes away.
public final class PseudoTerminal {
    public let pid: pid_t
    private let master: Int32
    private let slavePath: String
    /// Everything the program wrote, and how much of it `expect` has already handed out.
    private var received: [UInt8] = []
    private var consumed = 0
    private var exitStatus: Int32?
    private var hungUp = false

    /// Starts `executable` with `arguments` on a new pseudo-terminal.
    /// - Parameter environment: the child's environment; by default this process's, with `TERM=xterm`.
    public init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String]? = nil,
        rows: UInt16 = 24,
        columns: UInt16 = 80
    ) throws {
        let master = PTYCalls.openMaster()
        guard master >= 0 else { throw Self.failure(.spawnFailed, "posix_openpt: \(String(cString: strerror(errno)))") }
        guard let slavePath = PTYCalls.unlockSlave(master) else {
            close(master)
            throw Self.failure(.spawnFailed, "grantpt/unlockpt/ptsname")
        }
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        self.slavePath = slavePath
        // Non-blocking: `send` and `expect` wait with poll and never hang in read or write.
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // After setsid (POSIX_SPAWN_SETSID) opening the slave makes it the controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD, SIGTSTP, SIGWINCH] {
            sigaddset(&defaultSignals, signal)
        }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(
            &attributes,
            Int16(PTYCalls.spawnSetsid | Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        )

        var environmentValues = environment ?? ProcessInfo.processInfo.environment
        if environment == nil { environmentValues["TERM"] = "xterm" }
        let argv = [executable] + arguments
        let envp = environmentValues.map { "\($0.key)=\($0.value)" }

        var child: pid_t = 0
        let status = Self.withCStrings(argv) { cArguments in
            Self.withCStrings(envp) { cEnvironment in
                posix_spawn(&child, executable, &actions, &attributes, cArguments, cEnvironment)
            }
        }
        guard status == 0 else {
            close(master)
            throw Self.failure(.spawnFailed, "posix_spawn \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = child
        self.master = master
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        if !hungUp { close(master) }
    }

    /// Changes the window size; the program receives SIGWINCH.
    public func resize(rows: UInt16, columns: UInt16) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Hangs up: closes the terminal's master side, as when a terminal window is closed.
    public func hangUp() {
        guard !hungUp else { return }
        hungUp = true
        close(master)
    }

    /// Types bytes at the keyboard. While the terminal's input queue is full, the program's output is read
    /// (and kept for `expect`), so that a program echoing a long input cannot deadlock with the test.
    public func send(_ bytes: [UInt8]) {
        guard !hungUp else { return }
        var offset = 0
        while offset < bytes.count {
            var pfd = pollfd(fd: master, events: Int16(POLLIN | POLLOUT), revents: 0)
            guard poll(&pfd, 1, 10_000) >= 0 || errno == EINTR else { return }
            if pfd.revents & Int16(POLLIN) != 0, case .closed = readMore(waitingAtMost: .zero) { return }
            guard pfd.revents & Int16(POLLOUT) != 0 else { continue }
            let chunk = min(bytes.count - offset, 1024)
            let written = bytes[offset..<(offset + chunk)].withUnsafeBytes { write(master, $0.baseAddress, chunk) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno != EINTR && errno != EAGAIN {
                return
            }
        }
    }

    /// Types text at the keyboard (`\r` is Enter, `\u{3}` Ctrl-C, `\u{4}` Ctrl-D, `\u{1B}[A` Up).
    public func send(_ text: String) { send(Array(text.utf8)) }

    /// Reads until `text` appears in the output and returns everything read since the previous
    /// `expect`, up to and including `text`. `timeout` bounds the wait for a failure; it is not a delay.
    @discardableResult
    public func expect(_ text: String, timeout: Duration = .seconds(10)) throws -> String {
        let needle = Array(text.utf8)
        let deadline = ContinuousClock.now + timeout
        while true {
            if let end = Self.find(needle, in: received, from: consumed) {
                let output = String(decoding: received[consumed..<end], as: UTF8.self)
                consumed = end
                return output
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                throw Self.failure(.timedOut, "expected \(String(reflecting: text)); received \(pendingOutput)")
            }
            switch readMore(waitingAtMost: left) {
            case .data, .nothing: continue
            case .closed:
                throw Self.failure(
                    .closed,
                    "expected \(String(reflecting: text)); the program closed the terminal after \(pendingOutput)"
                )
            }
        }
    }

    /// Output read but not yet returned by `expect`, for messages.
    public var pendingOutput: String {
        String(reflecting: String(decoding: received[consumed...], as: UTF8.self))
    }

    /// Stops the program (SIGSTOP) and returns once it is stopped: keys typed now stay unread, and
    /// signals sent now stay pending, until `resume()`.
    public func stop() throws {
        guard kill(pid, SIGSTOP) == 0 else {
            throw Self.failure(.closed, "kill SIGSTOP: \(String(cString: strerror(errno)))")
        }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WUNTRACED)
            if result == pid {
                guard status & 0xFF == 0x7F else {
                    throw Self.failure(.closed, "the program ended instead of stopping")
                }
                return
            }
            if result < 0 && errno != EINTR {
                throw Self.failure(.closed, "waitpid: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Lets a program stopped with `stop()` go on (SIGCONT).
    public func resume() { kill(pid, SIGCONT) }

    /// Waits until at least `count` typed bytes wait unread in the terminal's input queue (in line mode
    /// only whole lines count), as the terminal reports them (FIONREAD on its slave side). Fails after
    /// `timeout`; it is not a delay.
    public func waitForUnreadInput(atLeast count: Int, timeout: Duration = .seconds(10)) throws {
        let slave = open(slavePath, O_RDONLY | O_NOCTTY | O_NONBLOCK)
        guard slave >= 0 else { throw Self.failure(.closed, "open \(slavePath): \(String(cString: strerror(errno)))") }
        defer { close(slave) }
        let deadline = ContinuousClock.now + timeout
        while true {
            var waiting: Int32 = 0
            if ioctl(slave, UInt(FIONREAD), &waiting) == 0 && Int(waiting) >= count { return }
            guard ContinuousClock.now < deadline else {
                throw Self.failure(.timedOut, "\(waiting) of \(count) typed bytes reached the terminal")
            }
            var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            nanosleep(&pause, nil)
        }
    }

    /// Waits for the program to end, reading (and keeping) its remaining output meanwhile, and returns its
    /// exit status (128 + signal when a signal ended it). Kills it and fails after `timeout`.
    public func waitForExit(timeout: Duration = .seconds(10)) throws -> Int32 {
        if let exitStatus { return exitStatus }
        let deadline = ContinuousClock.now + timeout
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                let low = status & 0x7F
                let code = low == 0 ? (status >> 8) & 0xFF : 128 + low
                exitStatus = code
                return code
            }
            if result < 0 && errno != EINTR {
                throw Self.failure(.closed, "waitpid: \(String(cString: strerror(errno)))")
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                kill(pid, SIGKILL)
                throw Self.failure(.timedOut, "the program did not exit; output \(pendingOutput)")
            }
            if case .closed = readMore(waitingAtMost: min(left, .milliseconds(50))) {
                // The slave side is closed: only the exit is left to wait for.
                var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
                nanosleep(&pause, nil)
            }
        }
    }

    // MARK: Private

    private enum ReadResult {
        case data
        case nothing
        case closed
    }

    private func readMore(waitingAtMost wait: Duration) -> ReadResult {
        guard !hungUp else { return .closed }
        let (seconds, attoseconds) = wait.components
        let milliseconds = wait <= .zero ? 0 : Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
        var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, milliseconds)
        if ready < 0 { return errno == EINTR ? .nothing : .closed }
        if ready == 0 { return .nothing }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        if count > 0 {
            received.append(contentsOf: chunk[0..<count])
            return .data
        }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return .nothing }
        // EIO: every slave descriptor is closed (the program ended).
        return .closed
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty else { return start }
        guard haystack.count - start >= needle.count else { return nil }
        for index in start...(haystack.count - needle.count)
        where haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index + needle.count
        }
        return nil
    }

    private static func failure(_ code: PseudoTerminalError.Code, _ message: String) -> PseudoTerminalError {
        PseudoTerminalError(code: code, description: message)
    }

    /// Calls `body` with a NULL-terminated array of C strings.
    private static func withCStrings<T>(
        _ strings: [String],
        _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T
    ) -> T {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// The pty calls Swift's Glibc module hides (they need _XOPEN_SOURCE / _GNU_SOURCE), looked up in libc.
private enum PTYCalls {
    #if os(Linux)
    /// glibc's POSIX_SPAWN_SETSID (since 2.26), hidden behind __USE_GNU.
    static let spawnSetsid: Int32 = 0x80

    private typealias IntFunction = @convention(c) (Int32) -> Int32
    private typealias NameFunction = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32

    private static func function<T>(_ name: String, as type: T.Type) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }

    static func openMaster() -> Int32 {
        guard let open = function("posix_openpt", as: IntFunction.self) else { return -1 }
        return open(O_RDWR | O_NOCTTY | O_CLOEXEC)
    }

    static func unlockSlave(_ master: Int32) -> String? {
        guard let grant = function("grantpt", as: IntFunction.self),
            let unlock = function("unlockpt", as: IntFunction.self),
            let name = function("ptsname_r", as: NameFunction.self),
            grant(master) == 0, unlock(master) == 0
        else { return nil }
        var buffer = [CChar](repeating: 0, count: 128)
        guard name(master, &buffer, buffer.count) == 0 else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
    #else
    static let spawnSetsid = Int32(POSIX_SPAWN_SETSID)

    static func openMaster() -> Int32 { posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC) }

    static func unlockSlave(_ master: Int32) -> String? {
        guard grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else { return nil }
        return String(cString: name)
    }
    #endif
}
