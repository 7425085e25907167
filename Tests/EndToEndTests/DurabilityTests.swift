import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The crash contract (commit.md §8.6) and concurrent commits from several processes (§8.4),
/// exercised on the real binary.
@Suite(.serialized) struct DurabilityTests {
    /// Iterations of the kill test: 200 in the suite; set `ESA_CRASH_ITERATIONS` to run it longer.
    /// The kill points come from a seeded generator: the seed is printed, and `ESA_CRASH_SEED`
    /// replays a run.
    static var crashIterations: Int {
        ProcessInfo.processInfo.environment["ESA_CRASH_ITERATIONS"].flatMap(Int.init) ?? 200
    }

    @Test func acknowledgedCommitsSurviveKill9AtRandomMoments() throws {
        let data = try TemporaryDirectory()
        // Create the store first so every iteration commits (not creates).
        #expect(try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"]).status == 0)
        var generator = SeededRandom(environment: "ESA_CRASH_SEED", ProcessInfo.processInfo.environment)
        let replay = "kill points seeded with ESA_CRASH_SEED=\(generator.seed)"
        print(replay)
        var acknowledged: [Int] = []
        var killPoints: [String] = []
        var killed = 0
        for iteration in 0..<Self.crashIterations {
            let comment = "crash-\(iteration)"
            let name = "h\(iteration).example.com"
            let child = try Child(
                ["--data-dir", data.url.path, "-c", "sethostname \(name); commit \"\(comment)\""]
            )
            // Kill after a random amount of output, then after a random busy spin: before, during or
            // after the commit transaction.
            let threshold = Int.random(in: 0...140, using: &generator)
            let output = child.read(atLeast: threshold)
            var spin = Int.random(in: 0...400_000, using: &generator)
            killPoints.append("\(iteration): after \(threshold) bytes + \(spin) spins")
            while spin > 0 { spin -= 1 }
            let (status, rest) = child.kill()
            let all = output + rest
            if all.contains("Changes committed: ") {
                acknowledged.append(iteration)
            }
            if status == -SIGKILL { killed += 1 }
        }
        // The store opens cleanly and holds every acknowledged revision.
        let history = try EsaProcess.run(["--data-dir", data.url.path, "-c", "commithistory 1000"])
        #expect(history.status == 0, "store did not open: \(history.stderr) (\(replay))")
        // The store keeps the newest 100 revisions: every acknowledged commit at least as new as the
        // oldest kept one must be there.
        let kept = history.stdout.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: " crash-") else { return nil }
            return Int(line[range.upperBound...].trimmingCharacters(in: .whitespaces))
        }
        let oldestKept = kept.min() ?? 0
        #expect(!kept.isEmpty, "\(replay)")
        for iteration in acknowledged where iteration >= oldestKept {
            #expect(
                kept.contains(iteration),
                "acknowledged revision crash-\(iteration) is missing (\(replay); kill point \(killPoints[iteration]))"
            )
        }
        #expect(killed > 0, "\(replay)")
    }

    @Test func severalProcessesCommittingAtOnceNeverLoseAnUpdate() throws {
        let data = try TemporaryDirectory()
        #expect(try EsaProcess.run(["--data-dir", data.url.path, "-c", "version"]).status == 0)
        let count = 6
        let children = try (0..<count).map { index in
            try Child(["--data-dir", data.url.path, "-c", "sethostname p\(index).example.com; commit \"p\(index)\""])
        }
        var committed = 0
        for child in children {
            let (status, output) = child.wait()
            if status == 0 {
                #expect(output.contains("Changes committed: "))
                committed += 1
            } else {
                // Refused, never overwritten: the other session changed the same setting.
                #expect(status == 3)
                #expect(child.errorText.contains("Commit failed: the configuration was changed by"))
                #expect(child.errorText.contains("sethostname: system hostname"))
            }
        }
        #expect(committed >= 1)
        let history = try EsaProcess.run(["--data-dir", data.url.path, "-c", "commithistory 100"])
        let rows = history.stdout.split(separator: "\n").filter { $0.contains(" p") && $0.contains(" exec ") }
        #expect(rows.count == committed)
    }
}

/// A child `esa` process whose output is read as it comes.
private final class Child {
    let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private var buffer = Data()
    private(set) var errorText = ""

    init(_ arguments: [String]) throws {
        guard let binary = EsaBinary.url else { throw EsaProcess.NotBuilt() }
        process.executableURL = binary
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
    }

    /// Reads until at least `count` bytes arrived or the output ended.
    func read(atLeast count: Int) -> String {
        while buffer.count < count {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Sends SIGKILL (if still running), reaps it, and returns its status and the rest of its output.
    func kill() -> (Int32, String) {
        Glibc.kill(process.processIdentifier, SIGKILL)
        let rest = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorText = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let status =
            process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
        return (status, String(decoding: rest, as: UTF8.self))
    }

    /// Waits for a normal exit.
    func wait() -> (Int32, String) {
        let rest = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorText = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        buffer.append(rest)
        return (process.terminationStatus, String(decoding: buffer, as: UTF8.self))
    }
}
