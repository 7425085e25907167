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

/// Follows Postfix's log file (`gateway/log/maillog`) like `tail -F`: complete lines in order,
/// across rotation (a new inode or a shorter file starts from its beginning). The read offset is
/// kept in `gateway/log/maillog.offset`, so a restarted `esa serve` neither repeats nor skips lines.
struct LogFollower {
    let paths: GatewayPaths
    var interval: Duration = .milliseconds(100)

    var offsetFile: String { paths.maillog + ".offset" }

    func follow(_ deliver: (String) async -> Void) async {
        var (inode, offset) = savedPosition()
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !Task.isCancelled {
            var info = stat()
            if stat(paths.maillog, &info) == 0 {
                if UInt64(info.st_ino) != inode || Int64(info.st_size) < offset {
                    inode = UInt64(info.st_ino)
                    offset = 0
                    pending = []
                }
                if Int64(info.st_size) > offset {
                    let fd = open(paths.maillog, O_RDONLY | O_CLOEXEC)
                    if fd >= 0 {
                        lseek(fd, off_t(offset), SEEK_SET)
                        while true {
                            let count = read(fd, &buffer, buffer.count)
                            guard count > 0 else { break }
                            offset += Int64(count)
                            pending += buffer[0..<count]
                            while let newline = pending.firstIndex(of: 10) {
                                let line = String(decoding: pending[..<newline], as: UTF8.self)
                                pending.removeSubrange(...newline)
                                await deliver(line)
                            }
                        }
                        close(fd)
                        // The offset saved is that of the last complete line.
                        save(inode: inode, offset: offset - Int64(pending.count))
                    }
                }
            }
            try? await Task.sleep(for: interval)
        }
    }

    private func savedPosition() -> (UInt64, Int64) {
        guard let data = FileManager.default.contents(atPath: offsetFile) else { return (0, 0) }
        let parts = String(decoding: data, as: UTF8.self).split(separator: " ")
        guard parts.count == 2, let inode = UInt64(parts[0]), let offset = Int64(parts[1].filter(\.isNumber)) else {
            return (0, 0)
        }
        return (inode, offset)
    }

    private func save(inode: UInt64, offset: Int64) {
        try? PostfixInstance.writeAtomically(offsetFile, "\(inode) \(offset)\n", mode: 0o644)
    }
}
