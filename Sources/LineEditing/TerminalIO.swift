import CLibEdit
import Shell

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Low-level terminal helpers on file descriptors: writing, termios modes, window size.
enum TerminalIO {
    /// Writes all bytes, retrying on EINTR and waiting on EAGAIN. Gives up silently on other errors
    /// (a vanished terminal must not crash the shell).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            guard var base = raw.baseAddress else { return }
            var remaining = raw.count
            while remaining > 0 {
                let written = write(fd, base, remaining)
                if written > 0 {
                    base += written
                    remaining -= written
                } else if written < 0 && errno == EINTR {
                    continue
                } else if written < 0 && errno == EAGAIN {
                    var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&pfd, 1, 1000)
                } else {
                    return
                }
            }
        }
    }

    /// Writes text; on a terminal whose driver does not turn `\n` into `\r\n` itself (OPOST and ONLCR
    /// off), does the translation here so that output always ends lines in CR LF on a terminal.
    static func writeText(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        if needsCRLFTranslation(fd) {
            var translated: [UInt8] = []
            translated.reserveCapacity(bytes.count + bytes.count / 16)
            for byte in bytes {
                if byte == 0x0A { translated.append(0x0D) }
                translated.append(byte)
            }
            bytes = translated
        }
        writeAll(fd, bytes)
    }

    /// True for a terminal that does not post-process `\n` into `\r\n`.
    static func needsCRLFTranslation(_ fd: Int32) -> Bool {
        var modes = termios()
        guard tcgetattr(fd, &modes) == 0 else { return false }
        let post = modes.c_oflag & tcflag_t(OPOST) != 0
        let onlcr = modes.c_oflag & tcflag_t(ONLCR) != 0
        return !(post && onlcr)
    }

    /// Rows and columns of the terminal on `fd`, or nil when it is not a terminal or reports zero.
    static func windowSize(_ fd: Int32) -> (rows: Int, columns: Int)? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_row), Int(size.ws_col))
    }

    /// Drops the terminal's input queue, as the terminal itself does when the Ctrl-C key sends SIGINT.
    /// Nothing happens on a non-terminal.
    static func discardTypeAhead(_ fd: Int32) {
        _ = tcflush(fd, TCIFLUSH)
    }

    /// Switches a terminal in canonical mode to character mode without echo and signal keys, as libedit's
    /// editing mode has it. libedit restores its saved cooked modes when the line is done.
    static func stopLineDiscipline(_ fd: Int32) {
        var modes = termios()
        guard tcgetattr(fd, &modes) == 0, modes.c_lflag & tcflag_t(ICANON) != 0 else { return }
        modes.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        withUnsafeMutableBytes(of: &modes.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        _ = tcsetattr(fd, TCSANOW, &modes)
    }

    /// Runs `body` with the terminal in character mode without echo and without signal keys
    /// (Ctrl-C arrives as byte 3), then restores the previous modes, whatever happens in `body`.
    static func withRawInput<T>(_ fd: Int32, _ body: () -> T) -> T {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return body() }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        _ = tcsetattr(fd, TCSANOW, &raw)
        defer { _ = tcsetattr(fd, TCSANOW, &saved) }
        return body()
    }
}

/// The result of waiting for one byte of input.
enum ByteRead: Equatable {
    case byte(UInt8)
    case timedOut
    case closed
}

/// Bytes read from the terminal but not consumed yet, shared by libedit's read function, the secret
/// reader and the pager so that type-ahead is never lost between them.
struct InputBuffer {
    let fd: Int32
    private var bytes: [UInt8] = []
    private var start = 0

    init(fd: Int32) { self.fd = fd }

    /// Bytes waiting in the buffer.
    var available: Int { bytes.count - start }

    /// The next byte without consuming it, waiting until `deadline` (nil = forever).
    mutating func peek(until deadline: ContinuousClock.Instant?) -> ByteRead {
        if start < bytes.count { return .byte(bytes[start]) }
        switch fill(until: deadline) {
        case .byte: return .byte(bytes[start])
        case let other: return other
        }
    }

    /// Consumes the byte returned by the last `peek`.
    mutating func consume() {
        guard start < bytes.count else { return }
        start += 1
        if start == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            start = 0
        }
    }

    /// Drops every byte read but not consumed.
    mutating func discardAll() {
        bytes.removeAll(keepingCapacity: true)
        start = 0
    }

    /// Reads and consumes the next byte, waiting until `deadline` (nil = forever).
    mutating func next(until deadline: ContinuousClock.Instant?) -> ByteRead {
        let result = peek(until: deadline)
        if case .byte = result { consume() }
        return result
    }

    /// Waits for more bytes (poll with the time left) and appends them.
    private mutating func fill(until deadline: ContinuousClock.Instant?) -> ByteRead {
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - ContinuousClock.now
                if left <= .zero { return .timedOut }
                let (seconds, attoseconds) = left.components
                let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
                timeout = Int32(clamping: milliseconds)
            }
            // The terminal and the SIGINT wake-up pipe: a Ctrl-C delivered as a signal while this read
            // waits (it was pressed just before the terminal left line mode) reads as the key itself.
            let wake = Interrupts.wakeDescriptor
            var pfds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&pfds, wake >= 0 ? 2 : 1, timeout)
            if ready < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .closed
            }
            if ready == 0 { continue }
            if wake >= 0, pfds[1].revents & Int16(POLLIN) != 0 {
                Interrupts.drainWakeups()
                if Interrupts.take() {
                    // As the terminal does for the Ctrl-C key: what was typed but not read yet goes.
                    TerminalIO.discardTypeAhead(fd)
                    bytes.append(0x03)
                    return .byte(bytes[start])
                }
            }
            guard pfds[0].revents != 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
                return .byte(bytes[start])
            }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            return .closed
        }
    }
}
