import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `esa serve` is the program `esa-serve` (issue 13): `esa serve …` runs it in its place with the
/// arguments handed on, each finds the other in its own folder, and the shell links none of the SSH
/// endpoint's libraries.
@Suite struct ServeProgramTests {
    @Test func esaServeHelpIsTheHelpOfEsaServe() throws {
        let viaShell = try EsaProcess.run(["serve", "--help"])
        #expect(viaShell.status == 0, "\(viaShell.stderr)")
        #expect(viaShell.stdout.contains("USAGE: esa serve [--data-dir <data-dir>] [--ssh <ssh>] [--no-gateway]"))
        #expect(viaShell.stdout.contains("Each SSH session runs the program esa from esa-serve's folder."))
        let serve = try #require(EsaBinary.serveURL, "esa-serve is not built next to esa")
        let direct = try EsaProcess.run(["--help"], program: serve)
        #expect(direct.stdout == viaShell.stdout)
        #expect(try EsaProcess.run(["help", "serve"]).stdout == viaShell.stdout)
        let version = try EsaProcess.run(["--version"], program: serve)
        #expect(version.stdout == (try EsaProcess.run(["--version"])).stdout)
        #expect(version.stdout.hasPrefix("esa 1."))
    }

    @Test func theArgumentsReachEsaServeWhereverDataDirIsGiven() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("not-a-folder", "")
        for arguments in [
            ["--data-dir", file, "serve", "--no-gateway", "--ssh", "127.0.0.1:22449"],
            ["serve", "--data-dir", file, "--no-gateway", "--ssh", "127.0.0.1:22449"],
        ] {
            let run = try EsaProcess.run(arguments)
            #expect(run.status == 2)
            #expect(run.stderr.hasPrefix("esa: The data directory \(file) cannot be created: "), "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
        let nothing = try EsaProcess.run(["serve", "--ssh", "off", "--no-gateway"])
        #expect(nothing.stderr == "esa: --no-gateway with --ssh off leaves nothing to run.\n")
        #expect(nothing.status == 3)
        // A word after a shell option that takes a value is that option's value, not the subcommand.
        let shell = try EsaProcess.run(["--data-dir", folder.url.path + "/data", "-c", "serve"])
        #expect(shell.stdout.hasPrefix("ironport.example.com> serve\n"), "\(shell.stdout)")
        #expect(shell.status == 4)
    }

    @Test func eachProgramNamesTheOtherWhenItIsMissing() throws {
        let shell = try #require(EsaBinary.url?.resolvingSymlinksInPath(), "esa is not built")
        let serve = try #require(EsaBinary.serveURL, "esa-serve is not built next to esa")
        let alone = try TemporaryDirectory()
        let folder = alone.url.resolvingSymlinksInPath().path

        let lonelyShell = try Self.place(shell, in: folder)
        let run = try EsaProcess.run(["serve", "--no-gateway"], program: lonelyShell)
        #expect(
            run.stderr
                == "esa: esa serve runs the program \(folder)/esa-serve, which is missing; install esa-serve next to esa.\n"
        )
        #expect(run.status == 2)
        try FileManager.default.removeItem(at: lonelyShell)

        let lonelyServe = try Self.place(serve, in: folder)
        let data = try TemporaryDirectory()
        let served = try EsaProcess.run(
            ["--data-dir", data.url.path, "--no-gateway", "--ssh", "127.0.0.1:22449"],
            program: lonelyServe
        )
        #expect(
            served.stderr
                == "esa: The SSH endpoint runs each session as \(folder)/esa, which is missing; install esa next to "
                + "esa-serve.\n"
        )
        #expect(served.status == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.url.path).isEmpty)
    }

    /// The shell links none of SwiftNIO, NIOSSH and swift-crypto (with its BoringSSL); esa-serve does.
    @Test func theShellLinksNoneOfTheSSHEndpointsLibraries() throws {
        let shell = try #require(EsaBinary.url?.resolvingSymlinksInPath(), "esa is not built")
        let serve = try #require(EsaBinary.serveURL, "esa-serve is not built next to esa")
        let markers = ["NIOSSH", "NIOCore", "CCryptoBoringSSL"]
        let shellBytes = try Data(contentsOf: shell, options: .alwaysMapped)
        let serveBytes = try Data(contentsOf: serve, options: .alwaysMapped)
        for marker in markers {
            #expect(!Self.contains(shellBytes, marker), "esa holds \(marker)")
            #expect(Self.contains(serveBytes, marker), "esa-serve lacks \(marker)")
        }
    }

    /// Whether `text` occurs in `data` (memchr for its first byte, then memcmp).
    static func contains(_ data: Data, _ text: String) -> Bool {
        let needle = Array(text.utf8)
        return data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return false }
            var offset = 0
            while offset + needle.count <= bytes.count {
                guard let hit = memchr(base + offset, Int32(needle[0]), bytes.count - offset - needle.count + 1)
                else { return false }
                let position = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + position, needle, needle.count) == 0 { return true }
                offset = position + 1
            }
            return false
        }
    }

    /// A hard link to `program` in `folder` (a copy where the folder is on another file system).
    static func place(_ program: URL, in folder: String) throws -> URL {
        let target = URL(fileURLWithPath: folder).appendingPathComponent(program.lastPathComponent)
        do {
            try FileManager.default.linkItem(at: program, to: target)
        } catch {
            try FileManager.default.copyItem(at: program, to: target)
        }
        return target
    }
}
