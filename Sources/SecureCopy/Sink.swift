/// The receiving side of `scp -t` (upload) as a pure state machine: fed the client's bytes, it answers
/// with actions for the I/O glue. The exchange is OpenSSH's own: this side sends `\0`; the client
/// sends `C0600 {size} {name}\n`; `\0`; the bytes and `\0`; `\0` once the file is stored; end of input.
///
/// The glue performs `.store` and reports the result with `stored(_:)` before feeding more bytes.
public struct SCPSink {
    public enum Action: Equatable {
        /// Bytes for the client (standard output).
        case send([UInt8])
        /// Store a complete file under this name (already checked), then call `stored(_:)`.
        case store(name: String, bytes: [UInt8])
        /// The transfer is over; exit with this status (0 when every file was stored).
        case finish(status: Int32)
    }

    private enum State {
        case command([UInt8])
        case data(name: String, size: Int, bytes: [UInt8])
        case dataStatus(name: String, bytes: [UInt8])
        case storing
        case finished
    }

    private let request: SCPRequest
    private let target: SCPRequest.Location?
    private let checkName: (String) -> String?
    private let limit: Int
    private var state = State.command([])
    private var errors = 0

    /// - Parameters:
    ///   - checkName: the folder's name rule; returns the refusal message for a bad name.
    ///   - limit: the largest file accepted, in bytes.
    public init(request: SCPRequest, limit: Int = 64 * 1_048_576, checkName: @escaping (String) -> String?) {
        self.request = request
        self.target = SCPRequest.location(of: request.path)
        self.checkName = checkName
        self.limit = limit
    }

    /// The first actions: `\0` when the target is a place files may go, else the refusal and the end.
    public mutating func start() -> [Action] {
        if request.recursive { return fail("\(request.path): Permission denied (only files are copied here)") }
        switch target {
        case nil:
            return fail("\(request.path): Permission denied")
        case .file(let name)?:
            if request.targetIsFolder { return fail("\(request.path): Not a directory") }
            if let message = checkName(name) { return fail(message) }
        case .folder?:
            break
        }
        return [.send(Wire.ok)]
    }

    /// Feeds bytes from the client.
    public mutating func receive(_ input: some Collection<UInt8>) -> [Action] {
        var actions: [Action] = []
        var index = input.startIndex
        while index != input.endIndex {
            switch state {
            case .finished, .storing:
                return actions
            case .command(var line):
                let byte = input[index]
                index = input.index(after: index)
                if byte != UInt8(ascii: "\n") {
                    guard line.count < Wire.maximumLine else {
                        actions += fatal("protocol error: control line too long")
                        return actions
                    }
                    line.append(byte)
                    state = .command(line)
                    continue
                }
                state = .command([])
                actions += control(line)
            case .data(let name, let size, var bytes):
                let wanted = size - bytes.count
                let end = input.index(index, offsetBy: wanted, limitedBy: input.endIndex) ?? input.endIndex
                bytes.append(contentsOf: input[index..<end])
                index = end
                state =
                    bytes.count == size
                    ? .dataStatus(name: name, bytes: bytes) : .data(name: name, size: size, bytes: bytes)
            case .dataStatus(let name, let bytes):
                let byte = input[index]
                index = input.index(after: index)
                if byte == 0 {
                    state = .storing
                    actions.append(.store(name: name, bytes: bytes))
                    return actions + receive(input[index...])
                }
                // The client could not read its own file (`\x01scp: …` instead of `\0`): nothing is
                // stored, the message line is read as a control record.
                guard byte == 1 || byte == 2 else {
                    actions += fatal("protocol error: expected the end of \(name)")
                    return actions
                }
                state = .command([byte])
            }
        }
        return actions
    }

    /// The glue's answer to `.store`: nil when the file was stored, else the message for the client.
    public mutating func stored(_ failure: String?) -> [Action] {
        guard case .storing = state else { return [] }
        state = .command([])
        if let failure {
            errors += 1
            return [.send(Wire.error(failure))]
        }
        return [.send(Wire.ok)]
    }

    /// The client closed its side.
    public mutating func endOfInput() -> [Action] {
        switch state {
        case .finished:
            return []
        case .command(let line) where line.isEmpty:
            state = .finished
            return [.finish(status: errors == 0 ? 0 : 1)]
        default:
            // A file cut short is not stored.
            state = .finished
            return [.finish(status: 1)]
        }
    }

    // MARK: Control records

    private mutating func control(_ line: [UInt8]) -> [Action] {
        guard let kind = line.first else { return fatal("protocol error: expected control record") }
        let rest = Array(line.dropFirst())
        switch kind {
        case 1, 2:
            // A message from the client (it could not read a file); \x02 ends the transfer.
            errors += 1
            if kind == 2 {
                state = .finished
                return [.finish(status: 1)]
            }
            return []
        case UInt8(ascii: "T"):
            guard Self.parseTimes(rest) else { return fatal("protocol error: mtime.sec not delimited") }
            return [.send(Wire.ok)]
        case UInt8(ascii: "D"):
            errors += 1
            let name = Self.recordName(rest) ?? "?"
            return [.send(Wire.error("\(name): Permission denied (only files are copied here)"))]
        case UInt8(ascii: "E"):
            return [.send(Wire.ok)]
        case UInt8(ascii: "C"):
            return file(rest)
        default:
            return fatal("protocol error: expected control record")
        }
    }

    private mutating func file(_ record: [UInt8]) -> [Action] {
        // "0600 1234 name"
        let text = String(decoding: record, as: UTF8.self)
        let fields = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count == 4, fields[0].allSatisfy({ ("0"..."7").contains($0) }) else {
            return fatal("protocol error: bad mode")
        }
        guard !fields[1].isEmpty, fields[1].allSatisfy(\.isASCII), let size = Int(fields[1]), size >= 0 else {
            return fatal("protocol error: size not delimited")
        }
        let sent = String(fields[2])
        if sent.isEmpty || sent.contains("/") || sent == "." || sent == ".." {
            return fatal("error: unexpected filename: \(sent)")
        }
        let name: String
        switch target {
        case .file(let fixed)?: name = fixed
        default: name = sent
        }
        if let message = checkName(name) {
            errors += 1
            return [.send(Wire.error(message))]
        }
        guard size <= limit else {
            errors += 1
            return [.send(Wire.error("\(name): File too large"))]
        }
        state = size == 0 ? .dataStatus(name: name, bytes: []) : .data(name: name, size: size, bytes: [])
        return [.send(Wire.ok)]
    }

    private static func parseTimes(_ record: [UInt8]) -> Bool {
        let fields = String(decoding: record, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
        return fields.count == 4 && fields.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isWholeNumber) }
    }

    private static func recordName(_ record: [UInt8]) -> String? {
        let fields = String(decoding: record, as: UTF8.self).split(separator: " ", maxSplits: 2)
        return fields.count == 3 ? String(fields[2]) : nil
    }

    private mutating func fail(_ message: String) -> [Action] {
        state = .finished
        return [.send(Wire.error(message)), .finish(status: 1)]
    }

    private mutating func fatal(_ message: String) -> [Action] {
        fail(message)
    }
}
