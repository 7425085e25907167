#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `esa serve` does for a request of the control channel: runs Postfix's root-only tools on
/// its private instance (`postqueue -c`, `sendmail -C`) for a shell that is not root.
public struct ControlHandler: Sendable {
    public static let postqueueProgram = "/usr/sbin/postqueue"
    public let instance: PostfixInstance

    public init(instance: PostfixInstance) { self.instance = instance }

    public func handle(_ request: ControlRequest) -> ControlResponse {
        switch request {
        case .queue:
            return postqueue(["-j"])
        case .flush(nil):
            return postqueue(["-f"])
        case .flush(let ids?):
            // Postfix's long queue ids are letters and digits; anything else is not an id.
            if let bad = ids.first(where: {
                $0.isEmpty || !$0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            }) {
                return ControlResponse(error: "\"\(Self.printable(bad))\" is not a queue id")
            }
            for id in ids {
                let response = postqueue(["-i", id])
                if response.error != nil { return response }
            }
            return ControlResponse()
        case .submit(let sender, let recipients, let message):
            if recipients.isEmpty { return ControlResponse(error: "the message has no recipient") }
            if let bad = ([sender] + recipients).first(where: { $0.hasPrefix("-") || $0.contains(where: \.isNewline) })
            {
                return ControlResponse(error: "\"\(Self.printable(bad))\" is not an address")
            }
            if let cause = instance.sendmail(message, sender: sender, recipients: recipients) {
                return ControlResponse(error: cause)
            }
            return ControlResponse()
        }
    }

    private func postqueue(_ arguments: [String]) -> ControlResponse {
        do {
            let outcome = try ChildProcess.run(
                [Self.postqueueProgram, "-c", instance.paths.configuration] + arguments,
                timeout: .seconds(60)
            )
            guard outcome.succeeded else { return ControlResponse(error: PostfixInstance.cause(outcome.lastLine)) }
            return ControlResponse(output: outcome.output)
        } catch {
            return ControlResponse(error: "\(error)")
        }
    }

    /// At most 64 characters of `text`, control characters as `?`.
    static func printable(_ text: String) -> String {
        String(text.prefix(64).map { $0.isASCII && ($0.asciiValue ?? 0) < 0x20 ? "?" : $0 })
    }
}

/// Files `esa serve` (root) writes where the shell reads them — the mail log, its counters, the
/// system log — belong to the data directory's owner, so a shell that is not root can read them
/// (and `resetcounters` can write beside them).
public enum DataDirectoryOwner {
    /// The owner and group of the data directory.
    public static func of(_ dataDirectory: String) -> (uid: uid_t, gid: gid_t)? {
        var info = stat()
        guard stat(dataDirectory, &info) == 0 else { return nil }
        return (info.st_uid, info.st_gid)
    }

    /// Gives every file and folder under `folder` (not following links) to `owner` when esa runs as
    /// root and the owner is someone else.
    public static func handOver(_ folder: String, to owner: (uid: uid_t, gid: gid_t)) {
        guard geteuid() == 0, owner.uid != 0 else { return }
        var pending = [folder]
        while let path = pending.popLast() {
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let kind = info.st_mode & S_IFMT
            guard kind == S_IFDIR || kind == S_IFREG else { continue }
            if info.st_uid != owner.uid { _ = lchown(path, owner.uid, owner.gid) }
            if kind == S_IFDIR {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                    pending.append(path + "/" + name)
                }
            }
        }
    }
}
