import FoundationEssentials
import TextSupport

#if canImport(Glibc)
import Glibc
#endif

/// Where a non-interactive console gets its bytes: a file descriptor or memory.
public protocol ByteSource: AnyObject {
    /// Up to `maximum` more bytes; empty at the end of input.
    func readChunk(maximum: Int) -> [UInt8]
}

/// Reads a file descriptor (standard input, a script file).
public final class FileDescriptorSource: ByteSource {
    private let fd: Int32
    /// Set when reading failed (not just ended).
    public private(set) var failure: Int32?

    public init(fd: Int32) { self.fd = fd }

    /// Whether the descriptor is a terminal (answers are typed when asked, not queued in advance).
    public var isTerminal: Bool { isatty(fd) == 1 }

    public func readChunk(maximum: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, maximum) }
            if count >= 0 { return Array(buffer.prefix(count)) }
            if errno == EINTR { continue }
            failure = errno
            return []
        }
    }
}

/// Bytes held in memory (tests, `-c` answers).
public final class MemorySource: ByteSource {
    private var bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public convenience init(_ text: String) { self.init(Array(text.utf8)) }

    public func readChunk(maximum: Int) -> [UInt8] {
        let end = min(offset + maximum, bytes.count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// The console of piped input, `--script` and `-c`: prompts are printed and each consumed line is
/// echoed after its prompt (secrets excepted), so the output reads like a transcript. Lines end in LF.
public final class StreamConsole: Console {
    private let source: ByteSource
    private let output: (String) throws(ShellError) -> Void
    private let errorOutput: (String) throws(ShellError) -> Void
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var ended = false
    private var outputBuffer = ""
    private var lastCommandWasBlank = false
    private var flushes = 0

    /// The first failed write to standard output (a full disk, a closed pipe); later output is dropped.
    public private(set) var outputFailure: ShellError?

    public let isInteractive = false
    public let pageRows: Int? = nil

    /// - Parameters:
    ///   - output: receives standard output text (buffered here, flushed before every read that may
    ///     block, before error output, and by `flush()`).
    ///   - errorOutput: receives standard error text.
    ///   Either may throw when the write failed; the console records the failure instead of trapping.
    public init(
        source: ByteSource,
        output: @escaping (String) throws(ShellError) -> Void,
        errorOutput: @escaping (String) throws(ShellError) -> Void
    ) {
        self.source = source
        self.output = output
        self.errorOutput = errorOutput
    }

    /// A console on standard input and output.
    public static func standard(inputFD: Int32 = 0) -> StreamConsole {
        StreamConsole(
            source: FileDescriptorSource(fd: inputFD),
            output: { text throws(ShellError) in try FileOutput.write(text, to: 1) },
            errorOutput: { text throws(ShellError) in try FileOutput.write(text, to: 2) }
        )
    }

    public func read(prompt: String, kind: InputKind, completer: Completer) -> InputEvent {
        let flushesBefore = flushes
        outputBuffer += prompt
        let event = nextLine()
        var blank = false
        if kind == .command, case .line(let text) = event { blank = text.allSatisfy { $0 == " " || $0 == "\t" } }
        defer { lastCommandWasBlank = kind == .command ? blank : lastCommandWasBlank }
        if blank && lastCommandWasBlank && flushes == flushesBefore {
            // A run of empty lines at the top prompt is echoed once, not once per line: a megabyte
            // of line feeds must not become megabytes of prompts.
            outputBuffer.unicodeScalars.removeLast(prompt.unicodeScalars.count)
            return .line("")
        }
        if kind != .paste { endPrivateKeyEcho() }
        switch event {
        case .line(let text) where kind == .paste:
            outputBuffer += pasteEcho(text)
        case .line(let text):
            outputBuffer += (kind == .secret ? "" : text) + "\n"
        case .invalid:
            outputBuffer += "\n"
        case .endOfInput, .interrupt, .timedOut:
            break
        }
        if outputBuffer.utf8.count > 1 << 16 { flush() }
        return event
    }

    public func write(_ text: String) {
        outputBuffer += text
        if outputBuffer.utf8.count > 1 << 16 { flush() }
    }

    public func writeError(_ text: String) {
        flush()
        // Nowhere left to report a failure of standard error itself.
        try? errorOutput(text)
    }

    public func waitForMore() -> Bool { true }

    /// Whether the answers come from a file or a pipe, written before the questions were asked.
    public var answersAreQueued: Bool { (source as? FileDescriptorSource)?.isTerminal != true }

    /// Consumes the next line without echoing it (the answers of a failed dialog in a script).
    public func skip() -> InputEvent {
        endPrivateKeyEcho()
        return nextLine()
    }

    // MARK: Pasted private keys

    /// Lines of a pasted private key so far, while one is being pasted.
    private var privateKeyLines: Int?

    /// The echo of one pasted line: a private key (`-----BEGIN … PRIVATE KEY-----` to its END line)
    /// is shown as `[private key: N lines]` once it ends, never its text.
    private func pasteEcho(_ text: String) -> String {
        let line = text.trimmingWhitespace()
        if line == "." {
            endPrivateKeyEcho()
            return text + "\n"
        }
        if let count = privateKeyLines {
            privateKeyLines = count + 1
            guard line.hasPrefix("-----END ") && line.hasSuffix("PRIVATE KEY-----") else { return "" }
            privateKeyLines = nil
            return "[private key: \(count + 1) lines]\n"
        }
        if line.hasPrefix("-----BEGIN ") && line.hasSuffix("PRIVATE KEY-----") {
            privateKeyLines = 1
            return ""
        }
        return text + "\n"
    }

    /// A paste that ended inside a private key still says how much of it was hidden.
    private func endPrivateKeyEcho() {
        guard let count = privateKeyLines else { return }
        privateKeyLines = nil
        outputBuffer += "[private key: \(count) lines]\n"
    }

    /// Hands buffered output to the sink.
    public func flush() {
        if outputBuffer.isEmpty { return }
        flushes += 1
        defer { outputBuffer = "" }
        guard outputFailure == nil else { return }
        do {
            try output(outputBuffer)
        } catch {
            outputFailure = error
        }
    }

    deinit { flush() }

    /// The next line without its LF (and a CR before it). A line over 64 KiB is consumed whole and
    /// reported as too long.
    private func nextLine() -> InputEvent {
        var scanFrom = pendingStart
        while true {
            if let newline = pending[scanFrom...].firstIndex(of: 10) {
                var end = newline
                if end > pendingStart && pending[end - 1] == 13 { end -= 1 }
                let event = LineDecoder.decode(pending[pendingStart..<end])
                pendingStart = newline + 1
                compact()
                return event
            }
            if pending.count - pendingStart > Self.maximumLineBytes {
                return discardLongLine()
            }
            if ended {
                if pendingStart == pending.count { return .endOfInput }
                let event = LineDecoder.decode(pending[pendingStart...])
                pendingStart = pending.count
                return event
            }
            scanFrom = pending.count
            flush()
            let chunk = source.readChunk(maximum: 1 << 16)
            if chunk.isEmpty { ended = true } else { pending += chunk }
        }
    }

    private func discardLongLine() -> InputEvent {
        while true {
            if let newline = pending[pendingStart...].firstIndex(of: 10) {
                pendingStart = newline + 1
                compact()
                return .invalid(.tooLong)
            }
            pendingStart = pending.count
            compact()
            let chunk = source.readChunk(maximum: 1 << 16)
            if chunk.isEmpty {
                ended = true
                return .invalid(.tooLong)
            }
            pending += chunk
        }
    }

    private func compact() {
        if pendingStart > 1 << 16 || pendingStart == pending.count {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
    }
}
