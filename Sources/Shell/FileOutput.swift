#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes that fail into an error instead of a trap: standard output on a full disk or a
/// closed pipe, a log on a full disk, a child's output pipe that breaks. The one place the shell
/// writes to a file descriptor, reads one to its end or appends to a log, so every failure says
/// what happened ("no space left on the device"). `FileHandle`'s `write(_:)` and
/// `readDataToEndOfFile()` trap on such errors (a `try!` inside corelibs-foundation): use these.
public enum FileOutput {
    /// Writes all of `bytes` to `descriptor`, retrying after a signal and after a short write.
    public static func write(_ bytes: some Collection<UInt8>, to descriptor: Int32) throws(ShellError) {
        let bytes = Array(bytes)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ShellError.io(reason(errno))
            }
            if written == 0 { throw ShellError.io(reason(EIO)) }
            offset += written
        }
    }

    /// Writes `text` to `descriptor`.
    public static func write(_ text: String, to descriptor: Int32) throws(ShellError) {
        try write(Array(text.utf8), to: descriptor)
    }

    /// Writes `text` to standard output.
    public static func writeStandardOutput(_ text: String) throws(ShellError) {
        try write(text, to: STDOUT_FILENO)
    }

    /// A diagnostic line on standard error, best effort: when standard error itself fails there is
    /// nowhere left to report it, and the process goes on.
    public static func diagnose(_ text: String) {
        try? write(text, to: STDERR_FILENO)
    }

    /// Reads `descriptor` until end of file, retrying after a signal.
    public static func readToEnd(_ descriptor: Int32) throws(ShellError) -> [UInt8] {
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ShellError.io(reason(errno))
            }
            if count == 0 { return collected }
            collected += buffer[..<count]
        }
    }

    /// Appends `text` to the file at `path` in one `write` (created owner-only when missing).
    public static func append(_ text: String, toFileAt path: String) throws(ShellError) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ShellError.io(reason(errno)) }
        defer { close(descriptor) }
        try write(text, to: descriptor)
    }

    /// What a failed write or open means, in the appliance's words.
    public static func reason(_ code: Int32) -> String {
        switch code {
        case ENOSPC: "no space left on the device"
        case EDQUOT: "the disk quota is exceeded"
        case EFBIG: "the file is too large"
        case EPIPE: "the reader has gone (broken pipe)"
        case EACCES, EPERM: "permission denied"
        case EROFS: "the file system is read-only"
        case EIO: "input/output error"
        case ENOENT: "no such file or folder"
        case ELOOP: "it is a symbolic link"
        case EBADF: "the file is not open"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
