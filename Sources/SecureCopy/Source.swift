/// The sending side of `scp -f` (download) as a pure state machine. OpenSSH's exchange: the client
/// sends `\0`; with `-p` this side sends `T{mtime} 0 {atime} 0\n` and waits for `\0`; then
/// `C0600 {size} {name}\n`, `\0` back, the bytes and `\0`, `\0` back; end.
public struct SCPSource {
    public enum Action: Equatable {
        case send([UInt8])
        case finish(status: Int32)
    }

    /// The file to send, read by the glue before the transfer starts.
    public struct File: Equatable, Sendable {
        public var name: String
        public var bytes: [UInt8]
        /// Seconds since 1970 (sent with `-p`).
        public var modified: Int

        public init(name: String, bytes: [UInt8], modified: Int) {
            self.name = name
            self.bytes = bytes
            self.modified = modified
        }
    }

    private enum Step {
        case ready, times, header, data, finished
    }

    private let file: Result<File, SCPError>
    private let preserveTimes: Bool
    private var step = Step.ready
    private var reader = ResponseReader()

    /// `file` is the file to send, or the message that refuses the request.
    public init(file: Result<File, SCPError>, preserveTimes: Bool) {
        self.file = file
        self.preserveTimes = preserveTimes
    }

    /// Feeds bytes from the client.
    public mutating func receive(_ input: some Collection<UInt8>) -> [Action] {
        var actions: [Action] = []
        for byte in input {
            if step == .finished { break }
            guard let outcome = reader.feed(byte) else { continue }
            switch outcome {
            case .ok:
                actions += advance()
            case .warning, .fatal:
                // The client refused (it could not write the file): nothing more to send.
                step = .finished
                actions.append(.finish(status: 1))
            }
        }
        return actions
    }

    /// The client closed its side: normal after the last `\0`, an error before it.
    public mutating func endOfInput() -> [Action] {
        guard step != .finished else { return [] }
        step = .finished
        return [.finish(status: 1)]
    }

    private mutating func advance() -> [Action] {
        switch step {
        case .ready:
            let file: File
            switch self.file {
            case .failure(let error):
                step = .finished
                return [.send(Wire.error(error.message)), .finish(status: 1)]
            case .success(let found):
                file = found
            }
            if preserveTimes {
                step = .times
                return [.send(Array("T\(file.modified) 0 \(file.modified) 0\n".utf8))]
            }
            return header()
        case .times:
            return header()
        case .header:
            guard case .success(let file) = file else { return [] }
            step = .data
            return [.send(file.bytes + Wire.ok)]
        case .data:
            step = .finished
            return [.finish(status: 0)]
        case .finished:
            return []
        }
    }

    private mutating func header() -> [Action] {
        guard case .success(let file) = file else { return [] }
        step = .header
        return [.send(Array("C0600 \(file.bytes.count) \(Wire.clean(file.name))\n".utf8))]
    }
}

/// A refused transfer: the message the client is sent as `\x01scp: {message}\n`.
public struct SCPError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }

    /// `\x01scp: {message}\n`, control characters replaced.
    public var line: [UInt8] { Wire.error(message) }
}
