import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C while a command runs between prompts (a long key generation, long output): the terminal
/// sends SIGINT, which only raises this flag; the dialog engine abandons the command at its next
/// question, and the interpreter drops the flag before each top-level command (shell.md §14).
/// At a prompt Ctrl-C is read as a key by the console instead.
public enum Interrupts {
    private static let raised = Atomic<Bool>(false)

    /// Installs the SIGINT handler (interactive sessions only).
    public static func install() {
        _ = raised.load(ordering: .relaxed)  // initialise the flag before the handler can touch it
        signal(SIGINT) { _ in Interrupts.raise() }
    }

    /// Raises the flag (async-signal-safe: one atomic store).
    static func raise() { raised.store(true, ordering: .relaxed) }

    /// Whether Ctrl-C was pressed since the last call; clears the flag.
    public static func take() -> Bool { raised.exchange(false, ordering: .relaxed) }
}
