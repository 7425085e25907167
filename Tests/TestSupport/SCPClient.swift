import Foundation

/// OpenSSH's `scp -O` (legacy protocol) against the built `esa`, with no sshd: `scp -S WRAPPER`
/// runs a small script in place of `ssh` that executes `esa -c "{remote command}"` (the last argument
/// `scp` hands to ssh), exactly as a login shell would be started by sshd.
public struct SCPClient: Sendable {
    public static let executable = "/usr/bin/scp"

    /// Why the real client cannot run here, or nil when it can.
    public static var unavailable: String? {
        FileManager.default.isExecutableFile(atPath: executable)
            ? nil : "\(executable) is missing (apt-get install openssh-client)"
    }

    public let wrapper: String
    private let scratch: TemporaryDirectory

    /// A client whose "remote" is `esa --data-dir {dataDirectory}` plus `extraArguments`.
    public init(dataDirectory: URL, extraArguments: [String] = []) throws {
        guard let binary = EsaBinary.url else { throw EsaProcess.NotBuilt() }
        scratch = try TemporaryDirectory()
        let quoted = ([binary.path, "--data-dir", dataDirectory.path] + extraArguments).map { "'\($0)'" }
        wrapper = try scratch.write(
            "fake-ssh",
            """
            #!/bin/sh
            for last; do :; done
            exec \(quoted.joined(separator: " ")) -c "$last"

            """
        )
        chmod(wrapper, 0o755)
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// `scp -O -S {wrapper} {arguments}`; remote paths are written `host:PATH`.
    public func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["-O", "-S", wrapper] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let collected = OutputPair()
        let group = DispatchGroup()
        for (pipe, isError) in [(out, false), (err, true)] {
            group.enter()
            DispatchQueue.global().async {
                collected.set(pipe.fileHandleForReading.readDataToEndOfFile(), error: isError)
                group.leave()
            }
        }
        process.waitUntilExit()
        group.wait()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: collected.out, as: UTF8.self),
            stderr: String(decoding: collected.err, as: UTF8.self)
        )
    }
}

/// Output of a child collected from two threads.
final class OutputPair: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var out = Data()
    private(set) var err = Data()

    func set(_ data: Data, error: Bool) {
        lock.lock()
        if error { err = data } else { out = data }
        lock.unlock()
    }
}
