import Foundation
import TestSupport
import Testing

@testable import Gateway

/// Writing a rendering: changed files are replaced (secrets 0600), unchanged ones keep their
/// modification time (Postfix's commands wait while main.cf looks freshly modified), files of an
/// earlier rendering that this one lacks are removed.
@Suite struct WriteTests {
    static func rendering(main: String, certificate: String, extra: Bool) -> RenderedGateway {
        var files = [
            RenderedGateway.File(name: "main.cf", contents: main, secret: false),
            RenderedGateway.File(name: "certs/listener1.pem", contents: certificate, secret: true),
        ]
        if extra { files.append(RenderedGateway.File(name: "old-map", contents: "x OK\n", secret: false)) }
        return RenderedGateway(files: files, listeners: [], notes: [])
    }

    static func modified(_ path: String) throws -> Date {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
    }

    @Test func onlyChangedFilesAreRewritten() throws {
        let directory = try TemporaryDirectory()
        let etc = directory.url.path + "/etc"
        try PostfixInstance.write(Self.rendering(main: "a = 1\n", certificate: "KEY A\n", extra: true), into: etc)
        let past = Date(timeIntervalSince1970: 1_700_000_000)
        for name in ["main.cf", "certs/listener1.pem"] {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: etc + "/" + name)
        }
        try PostfixInstance.write(Self.rendering(main: "a = 1\n", certificate: "KEY B\n", extra: false), into: etc)
        #expect(try Self.modified(etc + "/main.cf") == past)
        #expect(try Self.modified(etc + "/certs/listener1.pem") != past)
        #expect(try String(contentsOfFile: etc + "/certs/listener1.pem", encoding: .utf8) == "KEY B\n")
        let mode = try FileManager.default.attributesOfItem(atPath: etc + "/certs/listener1.pem")[.posixPermissions]
        #expect(mode as? Int == 0o600)
        #expect(!FileManager.default.fileExists(atPath: etc + "/old-map"))
    }
}
