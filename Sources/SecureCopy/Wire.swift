/// Bytes of the scp protocol shared by both directions.
enum Wire {
    static let ok: [UInt8] = [0]

    /// `\x01scp: {message}\n` — a non-fatal error the client prints and counts.
    static func error(_ message: String) -> [UInt8] {
        [1] + Array("scp: \(clean(message))\n".utf8)
    }

    /// No control characters (a newline would end the error line early) in text sent to the client.
    static func clean(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }
            )
        )
    }

    /// Longest control line accepted (OpenSSH's own limit is 2048).
    static let maximumLine = 2048
}

/// Reads the one-byte status answers of the peer: `\0`, or `\x01`/`\x02` followed by a message line.
struct ResponseReader {
    enum Outcome: Equatable {
        case ok
        case warning(String)
        case fatal(String)
    }

    private var kind: UInt8?
    private var line: [UInt8] = []

    /// Feeds one byte; returns the outcome once complete, or nil while a message line is still arriving.
    /// Bytes other than 0, 1, 2 at the start are a fatal protocol error.
    mutating func feed(_ byte: UInt8) -> Outcome? {
        guard let kind else {
            switch byte {
            case 0: return .ok
            case 1, 2:
                self.kind = byte
                line = []
                return nil
            default:
                return .fatal("protocol error: unexpected byte 0x\(String(byte, radix: 16)) in a response")
            }
        }
        if byte == UInt8(ascii: "\n") || line.count >= Wire.maximumLine {
            let message = String(decoding: line, as: UTF8.self)
            self.kind = nil
            line = []
            return kind == 1 ? .warning(message) : .fatal(message)
        }
        line.append(byte)
        return nil
    }
}
