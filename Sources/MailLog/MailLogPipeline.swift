import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Follows Postfix's log file and keeps the mail log up to date: reads what was appended since
/// the last call, translates it, appends the lines, and saves the translator's state (counters,
/// open connections and messages, the read position) atomically, so a restart neither repeats
/// nor skips a line and the ids go on counting.
public final class MailLogPipeline {
    public let postfixLog: String
    public let statePath: String
    public let writer: MailLogWriter
    private var translator: MailLogTranslator
    private let now: @Sendable () -> LogTime
    private let chunkSize: Int

    /// The state as last saved.
    public var state: MailLogState { translator.state }

    public var settings: MailLogSettings {
        get { translator.settings }
        set { translator.settings = newValue }
    }

    public init(
        postfixLog: String,
        statePath: String,
        writer: MailLogWriter,
        settings: MailLogSettings,
        now: @escaping @Sendable () -> LogTime,
        chunkSize: Int = 1 << 20,
        sourceAddress: (@Sendable (String) -> String?)? = nil
    ) throws(MailLogError) {
        self.postfixLog = postfixLog
        self.statePath = statePath
        self.writer = writer
        self.now = now
        self.chunkSize = chunkSize
        let state = try MailLogStateFile.load(statePath) ?? MailLogState()
        let today = now()
        translator = MailLogTranslator(settings: settings, state: state, today: (today.year, today.month))
        translator.sourceAddress = sourceAddress
    }

    /// Translates everything appended to Postfix's log since the last call. Returns the events
    /// (alerts to send) of the new lines.
    @discardableResult
    public func catchUp() throws(MailLogError) -> [MailLogEvent] {
        let today = now()
        translator.today = (today.year, today.month)
        let fd = open(postfixLog, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return [] }
            throw MailLogError("\(postfixLog) cannot be read: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return [] }
        let identity = "\(info.st_dev):\(info.st_ino)"
        var offset = translator.state.inputOffset
        if identity != translator.state.inputIdentity || UInt64(info.st_size) < offset {
            // A new file (Postfix rotated its log): start at its beginning.
            offset = 0
            translator.state.inputIdentity = identity
        }
        // Nothing new (the last call flushed everything it read): no buffer, no state to save.
        if UInt64(info.st_size) == offset { return [] }
        var events: [MailLogEvent] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var carry: [UInt8] = []
        var consumed = offset
        var output = MailLogOutput()
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            offset += UInt64(count)
            var start = 0
            for index in 0..<count where chunk[index] == UInt8(ascii: "\n") {
                let line: String
                if carry.isEmpty {
                    line = String(decoding: chunk[start..<index], as: UTF8.self)
                } else {
                    carry.append(contentsOf: chunk[start..<index])
                    line = String(decoding: carry, as: UTF8.self)
                    carry.removeAll(keepingCapacity: true)
                }
                translator.translate(line[...], into: &output)
                start = index + 1
                if output.lines.count >= 4096 { drain(&output, into: &events) }
            }
            if start < count { carry.append(contentsOf: chunk[start..<count]) }
            consumed = offset - UInt64(carry.count)
        }
        translator.flush(into: &output)
        drain(&output, into: &events)
        writer.flush()
        if consumed != translator.state.inputOffset || !events.isEmpty {
            translator.state.inputOffset = consumed
            try MailLogStateFile.save(translator.state, to: statePath)
        }
        return events
    }

    private func drain(_ output: inout MailLogOutput, into events: inout [MailLogEvent]) {
        for line in output.lines { writer.write(line) }
        events.append(contentsOf: output.events)
        output = MailLogOutput()
    }
}

/// The translator's state on disk: JSON, replaced atomically (temporary file, fsync, rename).
public enum MailLogStateFile {
    public static func load(_ path: String) throws(MailLogError) -> MailLogState? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw MailLogError("\(path) cannot be read: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        do {
            return try JSONDecoder().decode(MailLogState.self, from: Data(bytes))
        } catch {
            throw MailLogError("\(path) is damaged: it is not the mail log state esa writes.")
        }
    }

    public static func save(_ state: MailLogState, to path: String) throws(MailLogError) {
        let data: Data
        do {
            data = try JSONEncoder().encode(state)
        } catch {
            throw MailLogError("The mail log state cannot be encoded: \(error).")
        }
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw MailLogError("\(temporary) cannot be written: \(String(cString: strerror(errno)))")
        }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 {
                    ok = false
                    return
                }
                offset += written
            }
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw MailLogError("\(path) cannot be written: \(String(cString: strerror(errno)))")
        }
    }
}
