import FoundationEssentials
import SecureCopy
import Shell

#if canImport(Glibc)
import Glibc
#endif

/// Runs a legacy `scp -t` / `scp -f` request (ssh.md §2) on two file descriptors: the thin I/O glue
/// around the `SecureCopy` state machines, with `/configuration`'s name rule and owner-only writes.
/// Nothing but protocol bytes goes to `output`.
public struct SecureCopyTransfer {
    /// The folder that plays `/configuration`.
    public var folder: URL
    /// Whether the user may upload (read-only roles may only download).
    public var mayUpload: Bool
    public var input: Int32
    public var output: Int32
    /// The largest file accepted, in bytes.
    public var limit: Int

    public init(folder: URL, mayUpload: Bool = true, input: Int32 = 0, output: Int32 = 1, limit: Int = 64 * 1_048_576) {
        self.folder = folder
        self.mayUpload = mayUpload
        self.input = input
        self.output = output
        self.limit = limit
    }

    /// Runs the `-c` line (already recognised with `SCPRequest.isSCP`); returns the exit status.
    public func run(_ line: String) -> ExitStatus {
        guard let words = Words.split(line) else { return refuse("unbalanced quotes") }
        switch SCPRequest.parse(words) {
        case .refused(let message):
            return refuse(message)
        case .request(let request):
            switch request.direction {
            case .upload: return upload(request)
            case .download: return download(request)
            }
        }
    }

    // MARK: Upload

    private func upload(_ request: SCPRequest) -> ExitStatus {
        guard mayUpload else { return refuse("\(request.path): Permission denied") }
        var sink = SCPSink(request: request, limit: limit) { name in
            if case .failure(let error) = ConfigurationFolder.checkName(name) { return error.message }
            return nil
        }
        var pending = sink.start()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            while !pending.isEmpty {
                let action = pending.removeFirst()
                switch action {
                case .send(let bytes):
                    guard send(bytes) else { return .ioError }
                case .store(let name, let bytes):
                    pending = sink.stored(store(bytes, as: name)) + pending
                case .finish(let status):
                    return status == 0 ? .success : .actionFailed
                }
            }
            let count = receive(into: &buffer)
            pending = count > 0 ? sink.receive(buffer[0..<count]) : sink.endOfInput()
        }
    }

    /// Writes the file 0600, replacing what is there (a symbolic link is replaced, never followed).
    private func store(_ bytes: [UInt8], as name: String) -> String? {
        do {
            try PrivateFile.write(
                Data(bytes),
                to: folder.appendingPathComponent(name),
                shownAs: "/configuration/\(name)"
            )
            return nil
        } catch let error as ShellError {
            return error.message
        } catch {
            return "/configuration/\(name): \(error)"
        }
    }

    // MARK: Download

    private func download(_ request: SCPRequest) -> ExitStatus {
        var source = SCPSource(file: read(request.path), preserveTimes: request.preserveTimes)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = receive(into: &buffer)
            for action in count > 0 ? source.receive(buffer[0..<count]) : source.endOfInput() {
                switch action {
                case .send(let bytes):
                    guard send(bytes) else { return .ioError }
                case .finish(let status):
                    return status == 0 ? .success : .actionFailed
                }
            }
        }
    }

    /// The file named by a download request: a regular file in the folder, not through a link.
    private func read(_ path: String) -> Result<SCPSource.File, SCPError> {
        let name: String
        switch SCPRequest.location(of: path) {
        case nil: return .failure(SCPError("\(path): Permission denied"))
        case .folder?: return .failure(SCPError("\(path): not a regular file"))
        case .file(let found)?: name = found
        }
        if case .failure(let error) = ConfigurationFolder.checkName(name) { return .failure(SCPError(error.message)) }
        let shown = "/configuration/\(name)"
        let descriptor = open(folder.appendingPathComponent(name).path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else {
            let reason = errno == ELOOP ? "not a regular file" : String(cString: strerror(errno))
            return .failure(SCPError("\(shown): \(reason)"))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            return .failure(SCPError("\(shown): not a regular file"))
        }
        guard Int(status.st_size) <= limit else { return .failure(SCPError("\(shown): File too large")) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return .failure(SCPError("\(shown): \(String(cString: strerror(errno)))")) }
            if count == 0 { break }
            bytes += chunk[0..<count]
            guard bytes.count <= limit else { return .failure(SCPError("\(shown): File too large")) }
        }
        return .success(SCPSource.File(name: name, bytes: bytes, modified: Int(status.st_mtim.tv_sec)))
    }

    // MARK: I/O

    /// Sends one error line and gives the failing status.
    public func refuse(_ message: String) -> ExitStatus {
        _ = send(SCPError(message).line)
        return .actionFailed
    }

    private func receive(into buffer: inout [UInt8]) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            return max(count, 0)
        }
    }

    private func send(_ bytes: [UInt8]) -> Bool {
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(output, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            written += count
        }
        return true
    }
}
