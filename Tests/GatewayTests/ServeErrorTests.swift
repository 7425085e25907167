import ApplianceConfig
import Foundation
import Gateway
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The one-line errors of `esa serve` (issue 11 item 1): not root, Postfix not installed (a path
/// injected with `ESA_POSTFIX`), and a failed `postfix check` that keeps the previous configuration.
@Suite(.serialized) struct ServeErrorTests {
    @Test func withoutRootTheGatewaySaysSoInOneLineAndExits3() throws {
        // As nobody: the build folder may be out of nobody's reach (a clone in a 0700 folder).
        let binaries = try BinariesForOtherUsers()
        let binary = binaries.esa
        let directory = try TemporaryDirectory()
        chmod(directory.url.path, 0o777)
        var arguments = [binary.path, "serve", "--ssh", "off", "--data-dir", directory.url.path]
        if getuid() == 0 {
            // As root (CI), run it as nobody.
            arguments = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + arguments
        }
        let outcome = try ChildProcess.run(arguments, timeout: .seconds(30))
        #expect(
            outcome.output
                == "esa: esa serve needs root for the gateway (Postfix's master runs as root); start it with sudo.\n"
        )
        #expect(outcome.status == 3)
    }

    @Test func aMissingPostfixIsNamedInOneLineAndExits3() throws {
        guard try LiveGateway.available() else { return }
        guard let binary = EsaBinary.url else { throw EsaProcess.NotBuilt() }
        let directory = try TemporaryDirectory()
        let outcome = try ChildProcess.run(
            [binary.path, "serve", "--ssh", "off", "--data-dir", directory.url.path],
            environment: ["ESA_POSTFIX": "/nonexistent/sbin/postfix"],
            timeout: .seconds(30)
        )
        #expect(
            outcome.output
                == "esa: Postfix is not installed (/nonexistent/sbin/postfix is missing); run Scripts/bootstrap.\n"
        )
        #expect(outcome.status == 3)
    }

    @Test func aDataDirectoryPostfixCannotReachIsNamedInOneLineAndExits3() throws {
        guard try LiveGateway.available() else { return }
        guard let binary = EsaBinary.url else { throw EsaProcess.NotBuilt() }
        let parent = try TemporaryDirectory()
        chmod(parent.url.path, 0o700)
        let data = parent.url.path + "/esa"
        let outcome = try ChildProcess.run(
            [binary.path, "serve", "--ssh", "off", "--data-dir", data],
            timeout: .seconds(30)
        )
        #expect(
            outcome.output
                == "esa: Postfix (user postfix) cannot reach the data directory \(data): \(parent.url.path) is closed "
                + "to other users (mode 700). Use a data directory outside it (--data-dir /srv/esa) or run chmod o+x "
                + "\(parent.url.path).\n"
        )
        #expect(outcome.status == 3)
    }

    /// What `220` the listener on 127.0.0.1:2525 says.
    static func banner(_ run: LiveGatewayRun) throws -> String {
        let probe = try run.namespace.run(
            ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/2525 && head -n 1 <&3"],
            timeout: .seconds(10)
        )
        return probe.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aFailedPostfixCheckKeepsThePreviousConfigurationAndNamesTheCause() throws {
        guard try LiveGateway.available() else { return }
        let namespace = try LiveNamespace()
        defer { namespace.tearDown() }
        let run = try LiveGatewayRun(namespace: namespace)
        defer { run.stop() }
        // A Postfix whose `check` fails while the marker file exists; every other command is real.
        let marker = run.directory.url.path + "/check-fails"
        let program = try run.directory.write(
            "postfix",
            """
            #!/bin/sh
            for argument in "$@"; do
                if [ "$argument" = check ] && [ -e \(marker) ]; then
                    echo "postfix: fatal: $2/main.cf, line 12: missing '=' after attribute name: \\"broken\\"" >&2
                    exit 1
                fi
            done
            exec \(PostfixInstance.postfixProgram) "$@"

            """
        )
        chmod(program, 0o755)
        let loopback = try run.commit("Gateway on loopback") { configuration in
            configuration.interfaces[0].address = "127.0.0.1"
            configuration.interfaces[0].prefixLength = 8
            configuration.listeners[0].port = 2525
        }
        try run.start(environment: ["ESA_POSTFIX": program])
        #expect(try run.waitForApply(loopback).failure == nil)
        try run.waitForListener("127.0.0.1", 2525)
        #expect(try Self.banner(run) == "220 ironport.example.com ESMTP")

        // The check fails: the commit stays committed, the running gateway keeps its configuration.
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        let broken = try run.commit("New host name") { configuration in
            configuration.interfaces[0].hostname = "changed.example.test"
        }
        let state = try run.waitForApply(broken)
        let cause =
            "\(run.paths.root)/etc.check/main.cf, line 12: missing '=' after attribute name: \"broken\""
        #expect(state.failure == cause)
        #expect(
            contents(run.systemLog).contains(
                "Warning: the gateway keeps its previous configuration; revision \(broken) was not applied: \(cause)\n"
            ),
            "\(contents(run.systemLog))"
        )
        #expect(try Self.banner(run) == "220 ironport.example.com ESMTP")
        #expect(run.serve?.exitStatus(wait: false) == nil, "esa serve kept running")

        // Once the check passes again, the next commit is applied.
        try FileManager.default.removeItem(atPath: marker)
        let fixed = try run.commit("Another host name") { configuration in
            configuration.interfaces[0].hostname = "fixed.example.test"
        }
        #expect(try run.waitForApply(fixed).failure == nil)
        try waitUntil("the new banner is served", timeout: .seconds(20)) {
            try Self.banner(run) == "220 fixed.example.test ESMTP"
        }
    }
}
