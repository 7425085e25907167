import FoundationEssentials
import Shell

#if canImport(Glibc)
import Glibc
#endif

/// The folder that plays the appliance's `/configuration` (spec README): every command that reads
/// or writes a file there goes through here, so the basename rule, the messages and the owner-only
/// atomic writes are the same everywhere.
struct ConfigurationFolder {
    let session: Session

    init(_ session: Session) { self.session = session }

    var url: URL { session.environment.configurationDirectory }

    /// A basename only: no `/`, not `.` or `..`, not empty.
    /// A file name typed at a question.
    static var fileName: AnswerFormat<String> {
        AnswerFormat("The name of a file in /configuration (no folders); Tab lists the files.", check: checkName)
    }

    static func checkName(_ name: String) -> Result<String, ShellError> {
        if name.isEmpty || name.contains("/") || name == "." || name == ".." || name.contains("\0") {
            return .failure(
                .invalidInput("Invalid file name: \"\(name)\". Only a file name in /configuration is allowed.")
            )
        }
        return .success(name)
    }

    /// Tab completion of the file names in the folder.
    var completer: Completer {
        let path = url.path
        return Completer { text in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.filter { !$0.hasPrefix(".") && $0.hasPrefix(text) }.sorted()
        }
    }

    /// Asks for the name of a file to read (`[]> `); nil when the admin enters nothing.
    func askInputName(_ question: String = "Enter the name of the file to import:") throws -> String? {
        try session.dialog.ask([question], completer: completer, format: Self.fileName)
    }

    /// Asks for the name of a file to write, with the overwrite question when it exists; nil when the
    /// admin enters nothing or declines to overwrite.
    func askOutputName(_ question: String, default defaultName: String? = nil) throws -> String? {
        guard
            let name = try session.dialog.ask(
                [question],
                default: defaultName,
                completer: completer,
                format: Self.fileName
            )
        else { return nil }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path) {
            guard try session.dialog.yesNo("File \"\(name)\" already exists. Overwrite it?", default: false) else {
                return nil
            }
        }
        return name
    }

    /// The bytes of a file; a missing, unreadable or over-large file is refused with one line. Only a
    /// regular file in the folder itself is read: a symbolic link is not followed (`O_NOFOLLOW`), and
    /// a FIFO, a device or a folder is refused without being read.
    func read(_ name: String, limit: Int = 16 * 1_048_576, what: String = "read here") throws -> Data {
        let path = url.appendingPathComponent(name).path
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT, ENOTDIR: throw ShellError.actionFailed("Error: file '\(name)' does not exist.")
            case ELOOP:
                throw ShellError.actionFailed(
                    "Error: file '\(name)' is a symbolic link; only regular files in /configuration are read."
                )
            default: throw ShellError.io("Error: file '\(name)' cannot be read: \(FileOutput.reason(errno)).")
            }
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ShellError.io("Error: file '\(name)' cannot be read: \(FileOutput.reason(errno)).")
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw ShellError.actionFailed("Error: file '\(name)' does not exist.")
        default:
            throw ShellError.actionFailed(
                "Error: file '\(name)' is not a regular file (a device, FIFO or socket); only regular files are read."
            )
        }
        guard Int(status.st_size) <= limit else {
            throw ShellError.actionFailed("Error: file '\(name)' is too large to be \(what).")
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= limit else {
                    throw ShellError.actionFailed("Error: file '\(name)' is too large to be \(what).")
                }
                bytes += [UInt8](repeating: 0, count: max(4096, count))
            }
            let got = bytes[count...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw ShellError.io("Error: file '\(name)' cannot be read: \(FileOutput.reason(errno)).")
            }
            if got == 0 { break }
            count += got
        }
        guard count <= limit else { throw ShellError.actionFailed("Error: file '\(name)' is too large to be \(what).") }
        return Data(bytes[..<count])
    }

    /// The text of a file (UTF-8), refused with one line otherwise.
    func readText(_ name: String, limit: Int = 16 * 1_048_576, what: String = "read here") throws -> String {
        guard let text = String(data: try read(name, limit: limit, what: what), encoding: .utf8) else {
            throw ShellError.actionFailed("Error: file '\(name)' is not a text file.")
        }
        return text
    }

    /// Writes an owner-only file (atomically) and prints where it went.
    func write(_ data: Data, named name: String) throws {
        try PrivateFile.write(data, to: url.appendingPathComponent(name), shownAs: "/configuration/\(name)")
        session.dialog.block(Self.written(name, on: session.committedHostname))
    }

    /// `File written on machine "{hostname}" to the location "/configuration/{file}".`
    static func written(_ name: String, on hostname: String) -> String {
        "File written on machine \"\(hostname)\" to the location \"/configuration/\(name)\"."
    }
}

/// Owner-only files (mode 0600), written to a temporary name and then moved into place, so a
/// reader never sees half a file.
enum PrivateFile {
    struct AlreadyExists: Error {}

    /// Writes `data` to `url`. With `replacing` false, throws `AlreadyExists` when the file exists.
    static func write(_ data: Data, to url: URL, shownAs name: String, replacing: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        do {
            try OwnerOnlyFolder.create(folder)
        } catch {
            throw failure(name, error: errno)
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw failure(name, error: errno) }
        var written = 0
        let bytes = [UInt8](data)
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                let error = errno
                close(descriptor)
                unlink(temporary.path)
                throw failure(name, error: error)
            }
            written += result
        }
        let synced = fsync(descriptor)
        let syncError = errno
        close(descriptor)
        guard synced == 0 else {
            unlink(temporary.path)
            throw failure(name, error: syncError)
        }
        defer { unlink(temporary.path) }
        if replacing {
            guard rename(temporary.path, url.path) == 0 else { throw failure(name, error: errno) }
        } else if link(temporary.path, url.path) != 0 {
            if errno == EEXIST { throw AlreadyExists() }
            throw failure(name, error: errno)
        }
    }

    private static func failure(_ name: String, error: Int32) -> ShellError {
        ShellError.io("The file \(name) cannot be written: \(String(cString: strerror(error))).")
    }
}
