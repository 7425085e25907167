import FoundationEssentials
import Shell
import TextSupport

#if canImport(Glibc)
import Glibc
#endif

/// `outbox/*.eml` in the data directory: messages the shell wrote while `esa serve` was not running
/// (`mailconfig`). After each successful apply each is handed to Postfix — sender and recipients
/// from its `From:` and `To:` headers — and removed; one that cannot be handed over stays, and the
/// system log says why.
enum Outbox {
    static func deliver(dataDirectory: String, instance: PostfixInstance, systemLog: SystemLogFile) {
        let folder = dataDirectory + "/outbox"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() where name.hasSuffix(".eml") {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            guard let (sender, recipients) = envelope(String(decoding: data, as: UTF8.self)) else {
                systemLog.append("Warning: outbox/\(name) has no From: or To: header; it stays in the outbox")
                continue
            }
            let cause: String?
            do {
                let outcome = try ChildProcess.run(
                    [PostfixInstance.sendmailProgram, "-C", instance.paths.configuration, "-f", sender, "-i", "--"]
                        + recipients,
                    input: path,
                    timeout: .seconds(30)
                )
                cause = outcome.succeeded ? nil : PostfixInstance.cause(outcome.lastLine)
            } catch {
                cause = "\(error)"
            }
            if let cause {
                systemLog.append(
                    "Warning: outbox/\(name) could not be handed to the gateway: \(cause); it stays in the outbox"
                )
                continue
            }
            unlink(path)
            systemLog.append(
                "Info: outbox/\(name) was handed to the gateway for \(recipients.joined(separator: ", "))"
            )
        }
    }

    /// The address of `From:` and the addresses of `To:` in the header block.
    static func envelope(_ message: String) -> (sender: String, recipients: [String])? {
        var sender: String?
        var recipients: [String] = []
        // "\r\n" is one Character: split on both line ends.
        for text in message.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if text.isEmpty { break }
            if text.hasPrefix("From: ") {
                sender = address(text.dropFirst(6))
            } else if text.hasPrefix("To: ") {
                recipients += text.dropFirst(4).split(separator: ",").compactMap { address($0) }
            }
        }
        guard let sender, !recipients.isEmpty else { return nil }
        return (sender, recipients)
    }

    /// `a@b`, or the part in angle brackets of `Name <a@b>`; nil when it holds no `@`.
    static func address(_ text: Substring) -> String? {
        var value = text.trimmingWhitespace()
        if let open = value.lastIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close {
            value = String(value[value.index(after: open)..<close])
        }
        guard value.contains("@"), !value.hasPrefix("-"), !value.contains(where: { $0 == " " || $0 == "\t" })
        else { return nil }
        return value
    }
}
