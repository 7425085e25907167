import Foundation

/// Runs the built `esa` binary with piped standard input, as automation does.
public enum EsaProcess {
    public struct Result: Sendable {
        public var stdout: String
        public var stderr: String
        public var status: Int32

        public init(stdout: String, stderr: String, status: Int32) {
            self.stdout = stdout
            self.stderr = stderr
            self.status = status
        }
    }

    public struct NotBuilt: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "the esa binary was not found next to the tests; run `swift build` first" }
    }

    /// Runs `esa` (or `program`) with `arguments`, feeding `input` on standard input, and waits for it
    /// to exit.
    public static func run(
        _ arguments: [String],
        input: [UInt8] = [],
        environment: [String: String]? = nil,
        program: URL? = nil
    ) throws
        -> Result
    {
        guard let binary = program ?? EsaBinary.url else { throw NotBuilt() }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Drain both outputs on their own threads so a full pipe never blocks the child.
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isError) in [(stdout, false), (stderr, true)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, error: isError)
                group.leave()
            }
        }
        if !input.isEmpty { try? stdin.fileHandleForWriting.write(contentsOf: input) }
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Result(
            stdout: String(decoding: collected.out, as: UTF8.self),
            stderr: String(decoding: collected.err, as: UTF8.self),
            status: process.terminationStatus
        )
    }

    /// Runs `esa` with text on standard input.
    public static func run(_ arguments: [String], input: String, environment: [String: String]? = nil) throws -> Result
    {
        try run(arguments, input: Array(input.utf8), environment: environment)
    }

    /// This process's environment with `USER` set: the local operator's name recorded on commits.
    public static func environment(user: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["USER"] = user
        return environment
    }

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var out = Data()
        private(set) var err = Data()

        func set(_ data: Data, error: Bool) {
            lock.lock()
            if error { err = data } else { out = data }
            lock.unlock()
        }
    }
}
