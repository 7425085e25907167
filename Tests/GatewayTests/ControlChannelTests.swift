import Foundation
import Gateway
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The control channel's wire and server, in process (no root, no Postfix): a request and its
/// answer, a deep data directory, a request larger than the bound, and no server at all.
@Suite struct ControlChannelTests {
    /// A server on `path` answering with `handler` on a thread of its own, until `stop()`.
    static func serving(
        _ path: String,
        _ handler: @escaping @Sendable (ControlRequest) -> ControlResponse
    ) throws -> ControlServer {
        let server = try ControlServer(path: path, owner: geteuid(), group: getegid(), handler: handler)
        Thread.detachNewThread { server.serve() }
        return server
    }

    @Test func aRequestGetsItsAnswerAndTheSocketIsOwnerOnly() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.url.path + "/control.sock"
        let server = try Self.serving(path) { request in
            switch request {
            case .queue: ControlResponse(output: "{\"queue_id\": \"A1\"}\n")
            case .flush(let ids): ControlResponse(error: "no such message \(ids ?? [])")
            case .submit(let sender, let recipients, let message):
                ControlResponse(output: "\(sender) → \(recipients.joined(separator: ",")): \(message.count) bytes")
            }
        }
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode, radix: 8))")
        #expect(try ControlChannel.exchange(.queue, socketPath: path).output == "{\"queue_id\": \"A1\"}\n")
        #expect(
            try ControlChannel.exchange(.flush(queueIDs: ["B2"]), socketPath: path).error == "no such message [\"B2\"]"
        )
        let big = String(repeating: "x", count: 3 << 20)
        let answer = try ControlChannel.exchange(
            .submit(sender: "a@example.com", recipients: ["b@example.com", "c@example.com"], message: big),
            socketPath: path
        )
        #expect(answer.output == "a@example.com → b@example.com,c@example.com: \(3 << 20) bytes")
        server.stop()
        let deadline = ContinuousClock.now + .seconds(10)
        while FileManager.default.fileExists(atPath: path) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!FileManager.default.fileExists(atPath: path), "the socket is removed when esa serve stops")
        #expect(throws: ControlChannelError.self) { try ControlChannel.exchange(.queue, socketPath: path) }
    }

    /// The socket is the owner's alone (mode 0600); should its mode ever be loosened, the server still
    /// answers only root, the data directory's owner and itself: another local user who connects
    /// (here `daemon`, uid 1, to a socket owned by `nobody` and opened to everyone) gets the refusal
    /// and its request never reaches the handler, while the owner is answered.
    @Test func anotherUserIsRefusedEvenWhenTheSocketIsOpenToAll() throws {
        let reasons = getuid() == 0 ? [] : ["needs root (to connect as other users)"]
        guard MachineRequirement.met(unless: reasons) else { return }
        let folder = try TemporaryDirectory()
        chmod(folder.url.path, 0o755)
        let path = folder.url.path + "/control.sock"
        let owner: uid_t = 65534
        let handled = Mutex(0)
        let server = try ControlServer(path: path, owner: owner, group: 65534) { _ in
            handled.withLock { $0 += 1 }
            return ControlResponse(output: "queue listing")
        }
        Thread.detachNewThread { server.serve() }
        defer { server.stop() }
        chmod(path, 0o666)
        let request = String(decoding: try JSONEncoder().encode(ControlRequest.queue), as: UTF8.self)
        // A client in Perl (perl-base is in every Debian): one frame out, one frame back.
        let client = """
            use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0])
                or die "connect: $!\\n";
            print $s pack("N", length $ARGV[1]) . $ARGV[1]; read($s, my $h, 4) == 4 or die "no answer\\n";
            read($s, my $b, unpack("N", $h)); print $b;
            """
        func exchange(as uid: uid_t) throws -> String {
            let run = try EsaProcess.run(
                [
                    "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--", "/usr/bin/perl", "-e", client, path,
                    request,
                ],
                program: URL(fileURLWithPath: "/usr/bin/setpriv")
            )
            #expect(run.status == 0, "uid \(uid): \(run.stderr)")
            return run.stdout
        }
        let refused = try JSONDecoder().decode(ControlResponse.self, from: Data(try exchange(as: 1).utf8))
        #expect(refused.error == "not allowed")
        #expect(handled.withLock { $0 } == 0)
        let answered = try JSONDecoder().decode(ControlResponse.self, from: Data(try exchange(as: owner).utf8))
        #expect(answered.output == "queue listing" && answered.error == nil)
        #expect(handled.withLock { $0 } == 1)
    }

    @Test func aDataDirectoryDeeperThanASocketAddressStillWorks() throws {
        let folder = try TemporaryDirectory()
        let deep = folder.url.path + "/" + String(repeating: "d", count: 120)
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        let path = deep + "/control.sock"
        let server = try Self.serving(path) { _ in ControlResponse(output: "deep") }
        defer { server.stop() }
        #expect(try ControlChannel.exchange(.queue, socketPath: path).output == "deep")
    }

    @Test func aRequestOverTheBoundIsRefusedInOneLine() throws {
        let folder = try TemporaryDirectory()
        let path = folder.url.path + "/control.sock"
        let server = try Self.serving(path) { _ in ControlResponse(output: "never") }
        defer { server.stop() }
        let tooBig = String(repeating: "x", count: ControlChannel.maximumRequest + 1)
        #expect(throws: ControlChannelError.failed("the request is larger than 16 MiB")) {
            try ControlChannel.exchange(
                .submit(sender: "a@b.c", recipients: ["d@e.f"], message: tooBig),
                socketPath: path
            )
        }
        // A peer announcing a larger frame than the bound gets the one-line refusal, nothing else.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(connected == 0)
        let header: [UInt8] = [0x7F, 0xFF, 0xFF, 0xFF]
        #expect(write(fd, header, 4) == 4)
        var buffer = [UInt8](repeating: 0, count: 256)
        var received: [UInt8] = []
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        #expect(
            try JSONDecoder().decode(ControlResponse.self, from: Data(received.dropFirst(4)))
                == ControlResponse(error: "the request is larger than 16 MiB")
        )
    }

    @Test func noServerIsSaidPlainly() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: ControlChannelError.notListening("No such file or directory")) {
            try ControlChannel.exchange(.queue, socketPath: folder.url.path + "/control.sock")
        }
    }

    @Test func theHandlerRefusesQueueIdsAndAddressesThatCouldBeOptions() {
        let handler = ControlHandler(instance: PostfixInstance(paths: GatewayPaths(dataDirectory: "/nonexistent")))
        #expect(handler.handle(.flush(queueIDs: ["-x"])).error == "\"-x\" is not a queue id")
        #expect(
            handler.handle(.submit(sender: "-oQ/tmp", recipients: ["a@b.c"], message: "")).error
                == "\"-oQ/tmp\" is not an address"
        )
        #expect(
            handler.handle(.submit(sender: "a@b.c", recipients: [], message: "")).error
                == "the message has no recipient"
        )
    }
}
