import ApplianceConfig
import Foundation
import Gateway
import TestSupport
import Testing

@Suite struct RendererTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Every rendered file equals its golden copy in Tests/GatewayTests/Golden (and no golden file
    /// is missing from the rendering). `ESA_UPDATE_GOLDEN=1` rewrites them after a deliberate change.
    @Test func renderedFilesMatchTheGoldenCopies() throws {
        let rendered = PostfixRenderer.render(
            RenderFixture.configuration,
            paths: GatewayPaths(dataDirectory: "/var/lib/esa"),
            options: RenderOptions(revision: 7)
        )
        if ProcessInfo.processInfo.environment["ESA_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.removeItem(at: Self.golden)
            for file in rendered.files {
                let url = Self.golden.appendingPathComponent(file.name)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(),
                    withIntermediateDirectories: true
                )
                try Data(file.contents.utf8).write(to: url)
            }
        }
        for file in rendered.files {
            let expected = try String(contentsOf: Self.golden.appendingPathComponent(file.name), encoding: .utf8)
            if let diff = Transcript.difference(expected: expected, actual: file.contents) {
                Issue.record("\(file.name) differs (- expected, + actual):\n\(diff)")
            }
        }
    }
}

/// `postfix check` on rendered files (needs Postfix; CI installs it).
@Suite struct RenderedFilesCheckTests {
    @Test func postfixCheckAcceptsTheRendering() throws {
        guard try LiveGateway.available() else { return }
        let directory = try TemporaryDirectory()
        let paths = GatewayPaths(dataDirectory: directory.url.path)
        let instance = PostfixInstance(paths: paths)
        try instance.prepareDirectories()
        let rendered = PostfixRenderer.render(RenderFixture.configuration, paths: paths)
        try PostfixInstance.write(rendered, into: paths.configuration)
        #expect(instance.check(directory: paths.configuration) == nil)
        let key = try FileManager.default.attributesOfItem(atPath: paths.file("certs/listener1.pem"))
        #expect((key[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let main = try FileManager.default.attributesOfItem(atPath: paths.file("main.cf"))
        #expect((main[.posixPermissions] as? NSNumber)?.intValue == 0o644)
    }

    @Test func aFailedCheckNamesItsCause() throws {
        guard try LiveGateway.available() else { return }
        let directory = try TemporaryDirectory()
        let paths = GatewayPaths(dataDirectory: directory.url.path)
        let instance = PostfixInstance(paths: paths)
        try instance.prepareDirectories()
        var rendered = PostfixRenderer.render(RenderFixture.configuration, paths: paths)
        let index = try #require(rendered.files.firstIndex { $0.name == "main.cf" })
        rendered.files[index].contents += "maillog_file = /nowhere/maillog\n"
        try PostfixInstance.write(rendered, into: paths.configuration)
        #expect(
            instance.check(directory: paths.configuration)
                == "maillog_file value '/nowhere/maillog' does not match any prefix in maillog_file_prefixes"
        )
    }
}
