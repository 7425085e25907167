import Foundation

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
    private let output: (String) -> Void
    private let errorOutput: (String) -> Void
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var ended = false
    private var outputBuffer = ""

    public let isInteractive = false
    public let pageRows: Int? = nil

    /// - Parameters:
    ///   - output: receives standard output text (buffered here, flushed before every read that may
    ///     block, before error output, and by `flush()`).
    ///   - errorOutput: receives standard error text.
    public init(source: ByteSource, output: @escaping (String) -> Void, errorOutput: @escaping (String) -> Void) {
        self.source = source
        self.output = output
        self.errorOutput = errorOutput
    }

    /// A console on standard input and output.
    public static func standard(inputFD: Int32 = 0) -> StreamConsole {
        StreamConsole(
            source: FileDescriptorSource(fd: inputFD),
            output: { FileHandle.standardOutput.write(Data($0.utf8)) },
            errorOutput: { FileHandle.standardError.write(Data($0.utf8)) }
        )
    }

    public func read(prompt: String, kind: InputKind, completer: Completer) -> InputEvent {
        outputBuffer += prompt
        let event = nextLine()
        switch event {
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
        errorOutput(text)
    }

    public func waitForMore() -> Bool { true }

    /// Hands buffered output to the sink.
    public func flush() {
        if outputBuffer.isEmpty { return }
        output(outputBuffer)
        outputBuffer = ""
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
