import Foundation
import TestSupport
import Testing

/// Legacy `scp -O` both ways with OpenSSH's own client, the way automation deploys a certificate:
/// upload a PKCS#12 into /configuration, import it with certconfig, commit; download an export.
@Suite struct SecureCopyEndToEndTests {
    private func client(_ data: TemporaryDirectory) throws -> SCPClient? {
        guard MachineRequirement.met(unless: [SCPClient.unavailable].compactMap { $0 }) else { return nil }
        return try SCPClient(dataDirectory: data.url)
    }

    private func pfx(in directory: TemporaryDirectory) throws -> String {
        // The binary checks the certificate against the wall clock: valid from a day before this run.
        let root = try TestCA.makeRoot(commonName: "esa SCP Root CA", validFrom: Date().addingTimeInterval(-86_400))
        let leaf = try root.makeLeaf(commonName: "mail.example.com", dnsNames: ["mail.example.com"])
        let key = try directory.write("k.pem", leaf.keyPEM)
        let cert = try directory.write("c.pem", leaf.certificatePEM)
        let chain = try directory.write("chain.pem", root.certificatePEM)
        let made = try OpenSSLCLI.run([
            "pkcs12", "-export", "-inkey", key, "-in", cert, "-certfile", chain, "-passout", "pass:secret",
            "-out", directory.path("local.pfx"),
        ])
        #expect(made.succeeded, "\(made.errorText)")
        return directory.path("local.pfx")
    }

    private func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func uploadAPKCS12ThenImportAndCommitLikeAutomation() throws {
        let data = try TemporaryDirectory()
        guard let scp = try client(data) else { return }
        let local = try TemporaryDirectory()
        let pfx = try pfx(in: local)

        // The name of the target wins over the local file name; the file is private.
        let uploaded = try scp.run([pfx, "esa:/configuration/esacert.pfx"])
        #expect(uploaded.status == 0, "\(uploaded.stderr)")
        #expect(uploaded.stdout.isEmpty && uploaded.stderr.isEmpty)
        let stored = data.path("configuration/esacert.pfx")
        #expect(FileManager.default.contents(atPath: stored) == FileManager.default.contents(atPath: pfx))
        #expect(try mode(stored) == 0o600)

        let imported = try EsaProcess.run(
            ["--data-dir", data.url.path],
            input: "certconfig\ncertificate\nimport\nmail_cert\nesacert.pfx\ny\nsecret\n\n\ncommit \"imported\"\n"
        )
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("Changes committed: "))
        let listed = try EsaProcess.run(["--data-dir", data.url.path, "-c", "certconfig list"])
        #expect(
            listed.stdout.contains("mail_cert") && listed.stdout.contains("mail.example.com"),
            "\(listed.stdout)\(listed.stderr)"
        )

        // Automation wipes the key afterwards: an empty upload over the same name.
        let empty = local.path("empty")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let wiped = try scp.run([empty, "esa:/configuration/esacert.pfx"])
        #expect(wiped.status == 0, "\(wiped.stderr)")
        #expect(FileManager.default.contents(atPath: stored) == Data())
        #expect(try mode(stored) == 0o600)
    }

    @Test func uploadIntoTheFolderKeepsTheNameWithTimes() throws {
        let data = try TemporaryDirectory()
        guard let scp = try client(data) else { return }
        let local = try TemporaryDirectory()
        let first = try local.write("hat.txt", "ALL: ACCEPT\n")
        let second = try local.write("dest.ini", "[example.com]\n")
        let copied = try scp.run(["-p", first, second, "esa:/configuration"])
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(try data.readText("configuration/hat.txt") == "ALL: ACCEPT\n")
        #expect(try data.readText("configuration/dest.ini") == "[example.com]\n")
    }

    @Test func downloadOfAnExportIsByteForByte() throws {
        let data = try TemporaryDirectory()
        guard let scp = try client(data) else { return }
        let exported = try EsaProcess.run(
            ["--data-dir", data.url.path],
            input: "certconfig\ncertificate\nexport\n1\nbackup.pfx\nbackup-pass\nbackup-pass\nn\n\n\n"
        )
        #expect(exported.status == 0, "\(exported.stderr)")
        let local = try TemporaryDirectory()
        let fetched = try scp.run(["esa:/configuration/backup.pfx", local.path("copy.pfx")])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(fetched.stdout.isEmpty)
        let original = try #require(FileManager.default.contents(atPath: data.path("configuration/backup.pfx")))
        #expect(!original.isEmpty)
        #expect(FileManager.default.contents(atPath: local.path("copy.pfx")) == original)
        #expect(
            try OpenSSLCLI.run([
                "pkcs12", "-info", "-noout", "-in", local.path("copy.pfx"), "-passin", "pass:backup-pass",
            ]).succeeded
        )
    }

    @Test func pathsOutsideTheFolderAndLinksAreRefused() throws {
        let data = try TemporaryDirectory()
        guard let scp = try client(data) else { return }
        let local = try TemporaryDirectory()
        let file = try local.write("x", "secret\n")

        for target in ["esa:/etc/esa-scp-test", "esa:/configuration/../x", "esa:/configuration/sub/x"] {
            let refused = try scp.run([file, target])
            #expect(refused.status != 0)
            #expect(
                refused.stderr.contains("Permission denied") || refused.stderr.contains("Invalid file name"),
                "\(target): \(refused.stderr)"
            )
        }
        let dots = try scp.run([file, "esa:.."])
        #expect(dots.status != 0)
        #expect(
            dots.stderr.contains("Invalid file name: \"..\". Only a file name in /configuration is allowed."),
            "\(dots.stderr)"
        )
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path("configuration")).isEmpty)

        // A link in the folder is neither followed on download nor written through on upload.
        let outside = try local.write("outside", "not for you\n")
        try FileManager.default.createSymbolicLink(
            atPath: data.path("configuration/link"),
            withDestinationPath: outside
        )
        let fetched = try scp.run(["esa:/configuration/link", local.path("got")])
        #expect(fetched.status != 0)
        #expect(fetched.stderr.contains("scp: /configuration/link: not a regular file"), "\(fetched.stderr)")
        #expect(!FileManager.default.fileExists(atPath: local.path("got")))
        let replaced = try scp.run([file, "esa:/configuration/link"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try local.readText("outside") == "not for you\n")
        #expect(try data.readText("configuration/link") == "secret\n")

        let missing = try scp.run(["esa:/configuration/nothing", local.path("got")])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("scp: /configuration/nothing: No such file or directory"), "\(missing.stderr)")
    }

    @Test func nothingButProtocolBytesReachStandardOutput() throws {
        let data = try TemporaryDirectory()
        let upload = try EsaProcess.run(
            ["--data-dir", data.url.path, "-c", "scp -t /configuration/a.txt"],
            input: Array("C0644 3 whatever\nabc".utf8) + [0]
        )
        #expect(upload.status == 0, "\(upload.stderr)")
        #expect(Array(upload.stdout.utf8) == [0, 0, 0])
        #expect(try data.readText("configuration/a.txt") == "abc")

        let refused = try EsaProcess.run(["--data-dir", data.url.path, "-c", "scp -t /tmp/a"], input: [])
        #expect(refused.status != 0)
        #expect(refused.stdout == "\u{1}scp: /tmp/a: Permission denied\n")
    }
}
