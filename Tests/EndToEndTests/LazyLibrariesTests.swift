import ApplianceConfig
import Foundation
import LineEditing
import OpenSSLSupport
import Shell
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// libxml2 (configuration files), libedit (the interactive console) and OpenSSL's libcrypto and libssl
/// (digests, keys, certificates, TLS) are opened on first use, so `esa -c version` and an idle session
/// load none of them, and `esa -c …` and piped scripts load neither libxml2 nor libedit, nor what they
/// bring (ICU, libz, liblzma; libtinfo, libbsd, libmd). The dynamic loader's own report
/// (`LD_DEBUG=files`) and the process's mappings say what was loaded.
@Suite("Libraries loaded on first use")
struct LazyLibrariesTests {
    static let libXML2Family = ["libxml2.so", "libicuuc.so", "libicudata.so", "liblzma.so"]
    static let libEditFamily = ["libedit.so", "libtinfo.so", "libbsd.so", "libmd.so"]
    static let openSSLFamily = ["libcrypto.so", "libssl.so"]

    /// A new, empty data directory.
    static func dataDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("esa-lazy-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.path
    }

    /// Runs `esa` with the dynamic loader reporting every object it opens; the names of those objects.
    static func run(
        _ arguments: [String],
        input: String = ""
    ) throws -> (result: EsaProcess.Result, loaded: Set<String>) {
        var environment = EsaProcess.environment(user: "admin")
        environment["LD_DEBUG"] = "files"
        let result = try EsaProcess.run(arguments, input: input, environment: environment)
        var loaded = Set<String>()
        for line in result.stderr.split(separator: "\n") {
            guard let start = line.firstRange(of: "file=")?.upperBound else { continue }
            let path = line[start...].prefix { $0 != " " && $0 != "\t" }
            loaded.insert(String(path.split(separator: "/").last ?? path))
        }
        return (result, loaded)
    }

    static func loads(_ loaded: Set<String>, any family: [String]) -> [String] {
        loaded.filter { name in family.contains { name.hasPrefix($0) } }.sorted()
    }

    @Test("esa -c version loads neither libxml2 nor libedit")
    func versionLoadsNeither() throws {
        let (result, loaded) = try Self.run(["--data-dir", try Self.dataDirectory(), "-c", "version"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Current Version"))
        #expect(loaded.contains("libc.so.6"), "the loader's report was read")
        #expect(Self.loads(loaded, any: Self.libXML2Family) == [])
        #expect(Self.loads(loaded, any: Self.libEditFamily) == [])
        // The shell links FoundationEssentials only (Docs/Architecture.md, "Imports"): in this dynamically
        // linked build, Foundation and its ICU would be shared objects of their own.
        #expect(
            Self.loads(
                loaded,
                any: ["libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so"]
            ) == []
        )
        #expect(loaded.contains("libFoundationEssentials.so"))
    }

    @Test("an idle session loads no OpenSSL; a commit (SHA-256) opens libcrypto, and no libssl")
    func openSSLOnFirstUse() throws {
        let directory = try Self.dataDirectory()
        // The first run creates the store: its Demo certificate needs OpenSSL.
        let (created, createdLoaded) = try Self.run(["--data-dir", directory, "-c", "version"])
        #expect(created.status == 0)
        #expect(created.stderr.contains("file=libcrypto.so.3 [0];  dynamically loaded by"))

        let (idle, idleLoaded) = try Self.run(["--data-dir", directory], input: "exit\n")
        #expect(idle.status == 0)
        #expect(idle.stdout == "ironport.example.com> exit\n")
        #expect(idleLoaded.contains("libc.so.6"), "the loader's report was read")
        #expect(Self.loads(idleLoaded, any: Self.openSSLFamily) == [])
        let (version, versionLoaded) = try Self.run(["--data-dir", directory, "-c", "version"])
        #expect(version.stdout.contains("Current Version"))
        #expect(Self.loads(versionLoaded, any: Self.openSSLFamily) == [])

        let (commit, loaded) = try Self.run(
            ["--data-dir", directory],
            input: "sethostname a.example.com\ncommit \"lazy\"\nexit\n"
        )
        #expect(commit.status == 0)
        #expect(commit.stdout.contains("a.example.com> exit"))
        #expect(commit.stderr.contains("file=libcrypto.so.3 [0];  dynamically loaded by"))
        // libssl is opened for the first TLS function only (Docs/Architecture.md, "Libraries loaded on
        // first use"): digests, sealed keys and the Demo certificate are libcrypto's.
        #expect(Self.loads(loaded, any: Self.openSSLFamily) == ["libcrypto.so.3"])
        #expect(Self.loads(createdLoaded, any: Self.openSSLFamily) == ["libcrypto.so.3"])
    }

    @Test("a piped script loads libxml2 for loadconfig only, and never libedit")
    func pipedScript() throws {
        let directory = try Self.dataDirectory()
        let (saved, savedLoaded) = try Self.run(["--data-dir", directory], input: "saveconfig\n2\n")
        #expect(saved.stdout.contains("Configuration saved."))
        #expect(Self.loads(savedLoaded, any: Self.libXML2Family) == [], "writing XML needs no parser")
        #expect(Self.loads(savedLoaded, any: Self.libEditFamily) == [])

        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/configuration")
        let file = try #require(files.first { $0.hasSuffix(".xml") })
        let (loadedConfig, loaded) = try Self.run(["--data-dir", directory], input: "loadconfig \(file)\n")
        #expect(loadedConfig.stdout.contains("No changes detected from current configuration."))
        #expect(loaded.contains("libxml2.so.2"))
        #expect(loadedConfig.stderr.contains("file=libxml2.so.2 [0];  dynamically loaded by"))
        #expect(Self.loads(loaded, any: Self.libEditFamily) == [])
    }

    @Test("the interactive console loads libedit (and not libxml2)")
    func interactiveConsole() throws {
        let binary = try #require(EsaBinary.url, "the esa executable is not built next to the tests")
        let terminal = try PseudoTerminal(executable: binary.path, arguments: ["--data-dir", try Self.dataDirectory()])
        try terminal.expect("ironport.example.com> ", timeout: .seconds(30))
        // Read to the end (a /proc file has no size for a one-shot read to go by).
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/\(terminal.pid)/maps"))
        let maps = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        try handle.close()
        terminal.send("version\r")
        try terminal.expect("Current Version")
        try terminal.expect("ironport.example.com> ")
        terminal.send("\u{4}")
        #expect(try terminal.waitForExit() == 0)
        #expect(maps.contains("/libedit.so.2"))
        #expect(!maps.contains("/libxml2.so"))
    }

    @Test("a library that cannot be loaded is one line naming it")
    func missingLibrary() {
        #expect(XMLCodec.libraryError(loading: "libxml2.so.2") == nil)
        let xml = XMLCodec.libraryError(loading: "libesa-missing-xml.so.2")
        #expect(
            xml.map { ErrorPresenter.message($0) }
                == "Error: cannot load libxml2 (libesa-missing-xml.so.2): cannot open shared object file: "
                + "No such file or directory."
        )
        #expect(OpenSSLLibrary.error(loading: OpenSSLLibrary.libcrypto, kind: "libcrypto") == nil)
        #expect(OpenSSLLibrary.error(loading: OpenSSLLibrary.libssl, kind: "libssl") == nil)
        #expect(
            OpenSSLLibrary.error(loading: "libesa-missing-crypto.so.3", kind: "libcrypto")
                == "cannot load libcrypto (libesa-missing-crypto.so.3): cannot open shared object file: "
                + "No such file or directory"
        )
        #expect(LibEditConsole.libraryError(loading: "libedit.so.2") == nil)
        #expect(
            LibEditConsole.libraryError(loading: "libesa-missing-edit.so.2")?.description
                == "cannot load libedit (libesa-missing-edit.so.2): cannot open shared object file: "
                + "No such file or directory"
        )
    }
}
