import Foundation

/// Runs the `openssl` command-line tool, to check artifacts made by the Certificates library with
/// an independent implementation of the formats.
public enum OpenSSLCLI {
    /// The outcome of one `openssl` run.
    public struct Output: Sendable {
        /// Exit status.
        public let status: Int32
        /// Standard output as bytes.
        public let data: [UInt8]
        /// Standard error as text.
        public let errorText: String

        /// Standard output as text.
        public var text: String {
            String(decoding: data, as: UTF8.self)
        }

        /// Whether the command exited with status 0.
        public var succeeded: Bool {
            status == 0
        }
    }

    /// Path of the `openssl` executable.
    public static let executable = "/usr/bin/openssl"

    /// Runs `openssl arguments…` in `directory`, feeding `input` on standard input.
    @discardableResult
    public static func run(_ arguments: [String], input: [UInt8] = [], in directory: URL? = nil) throws -> Output {
        let scratch = try TemporaryDirectory()
        let outURL = scratch.url.appendingPathComponent("stdout")
        let errURL = scratch.url.appendingPathComponent("stderr")
        let inURL = scratch.url.appendingPathComponent("stdin")
        try Data(input).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: outURL)
        let stderr = try FileHandle(forWritingTo: errURL)
        let stdin = try FileHandle(forReadingFrom: inURL)
        defer {
            try? stdout.close()
            try? stderr.close()
            try? stdin.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        if let directory {
            process.currentDirectoryURL = directory
        }
        try process.run()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            data: Array(try Data(contentsOf: outURL)),
            errorText: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    /// Runs `openssl` and returns standard output, throwing when the exit status is not 0.
    public static func output(_ arguments: [String], input: [UInt8] = [], in directory: URL? = nil) throws -> String {
        let result = try run(arguments, input: input, in: directory)
        guard result.succeeded else {
            throw Failure(arguments: arguments, status: result.status, errorText: result.errorText)
        }
        return result.text
    }

    /// A failed `openssl` run.
    public struct Failure: Error, CustomStringConvertible {
        /// The arguments.
        public let arguments: [String]
        /// Exit status.
        public let status: Int32
        /// Standard error.
        public let errorText: String

        /// One line for test logs.
        public var description: String {
            "openssl \(arguments.joined(separator: " ")) exited \(status): \(errorText)"
        }
    }
}

/// A fresh directory under the system temporary directory, removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    /// The directory.
    public let url: URL

    /// Creates the directory.
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("esa-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Removes the directory, unless `ESA_KEEP_TEST_DIRECTORIES` is set (to read a failed live
    /// test's logs).
    deinit {
        if ProcessInfo.processInfo.environment["ESA_KEEP_TEST_DIRECTORIES"] != nil {
            print("◇ kept \(url.path)")
            return
        }
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `text` to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// Writes `bytes` to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    /// Reads `name` inside the directory.
    public func read(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url.appendingPathComponent(name)))
    }

    /// Reads `name` inside the directory as text.
    public func readText(_ name: String) throws -> String {
        String(decoding: try read(name), as: UTF8.self)
    }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }
}
