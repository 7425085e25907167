import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// esa's two programs, installed side by side: `esa` (the shell) and `esa-serve` (what `esa serve`
/// runs: the gateway's supervisor and the SSH endpoint, the only program that links SwiftNIO, NIOSSH
/// and swift-crypto). Each finds the other in its own folder.
public enum Programs {
    /// The shell.
    public static let shell = "esa"
    /// `esa serve`.
    public static let serve = "esa-serve"

    /// The path of the running program, symbolic links resolved (`/proc/self/exe`).
    public static var running: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 { return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    /// The program `name` in the running program's folder.
    public static func sibling(_ name: String) -> String {
        let path = running
        guard let slash = path.lastIndex(of: "/") else { return name }
        return String(path[...slash]) + name
    }
}
