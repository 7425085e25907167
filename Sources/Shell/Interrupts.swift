import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C while a command runs between prompts (a long key generation, long output): the terminal
/// sends SIGINT, which only raises this flag; the dialog engine abandons the command at its next
/// question, and the interpreter drops the flag before each top-level command (shell.md §14).
/// At a prompt Ctrl-C is read as a key by the console instead.
///
/// The handler also writes one byte to a pipe (`wakeDescriptor`): a console waiting for a key polls
/// it too, so a SIGINT that is delivered late — after the console switched the terminal to character
/// mode and started to wait — still ends the read instead of being noticed only at the next key.
public enum Interrupts {
    private static let raised = Atomic<Bool>(false)
    private static let wakeWriter = Atomic<Int32>(-1)
    private static let wakeReader = Atomic<Int32>(-1)

    /// Installs the SIGINT handler (interactive sessions only).
    public static func install() {
        _ = raised.load(ordering: .relaxed)  // initialise the flag before the handler can touch it
        if wakeReader.load(ordering: .relaxed) < 0 {
            var ends: [Int32] = [-1, -1]
            if pipe(&ends) == 0 {
                for end in ends {
                    _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                    _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                }
                wakeReader.store(ends[0], ordering: .relaxed)
                wakeWriter.store(ends[1], ordering: .relaxed)
            }
        }
        signal(SIGINT) { _ in Interrupts.raise() }
    }

    /// Raises the flag and wakes a waiting console (async-signal-safe: an atomic store and write(2)).
    static func raise() {
        raised.store(true, ordering: .relaxed)
        let writer = wakeWriter.load(ordering: .relaxed)
        if writer >= 0 {
            let saved = errno
            var byte: UInt8 = 3
            _ = write(writer, &byte, 1)
            errno = saved
        }
    }

    /// Whether Ctrl-C was pressed since the last call; clears the flag.
    public static func take() -> Bool { raised.exchange(false, ordering: .relaxed) }

    /// The read end of the wake-up pipe (readable after a SIGINT), or -1 before `install()`.
    public static var wakeDescriptor: Int32 { wakeReader.load(ordering: .relaxed) }

    /// Empties the wake-up pipe (the flag itself is read with `take()`).
    public static func drainWakeups() {
        let reader = wakeReader.load(ordering: .relaxed)
        guard reader >= 0 else { return }
        var sink = [UInt8](repeating: 0, count: 64)
        while sink.withUnsafeMutableBytes({ read(reader, $0.baseAddress, $0.count) }) > 0 {}
    }
}
