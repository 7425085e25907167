#if canImport(Glibc)
import Glibc
#endif

/// Writes that fail into an error instead of a trap: standard output on a full disk or a closed
/// pipe, a log on a full disk. The one place the shell writes to a file descriptor or appends to a
/// log, so every failed write says what happened ("no space left on the device").
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
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
