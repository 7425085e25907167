import Foundation
import Synchronization
import TLSClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C while `tlsverify` waits for a silent peer: the probe stops at once, without its closing line.
@Suite struct TLSProbeCancelTests {
    /// A socket listening on 127.0.0.1 (26000–26099) that never accepts: connects succeed, nothing is said.
    static func silentListener() throws -> (descriptor: Int32, port: Int) {
        for port in (26_000...26_099).reversed() {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if bound == 0 && listen(fd, 4) == 0 { return (fd, port) }
            close(fd)
        }
        throw CancelError()
    }

    struct CancelError: Error {}

    @Test func aCancelledProbeStopsWhileWaitingForTheGreeting() throws {
        let listener = try Self.silentListener()
        defer { close(listener.descriptor) }
        let asked = Mutex(0)
        var probe = TLSProbe(
            domain: "example.test",
            host: "127.0.0.1",
            port: listener.port,
            heloName: "gw.test",
            identity: nil,
            anchors: [],
            revocationLists: [],
            now: Date(timeIntervalSince1970: 1_790_067_600),
            stepTimeout: 30
        )
        // Cancelled once the probe has waited for the greeting twice (about 400 ms).
        probe.isCancelled = {
            asked.withLock {
                $0 += 1
                return $0 > 6
            }
        }
        var lines: [String] = []
        let started = ContinuousClock.now
        let verified = probe.run { lines.append($0) }
        #expect(!verified)
        #expect(ContinuousClock.now - started < .seconds(10), "stopped long before the 30 s step limit")
        #expect(
            lines == [
                "Connecting to 127.0.0.1 on port \(listener.port).",
                "Connected to 127.0.0.1 from interface 127.0.0.1.", "Checking TLS connection.",
            ]
        )
    }

    /// Ctrl-C while the peer stalls the TLS handshake: the wake descriptor (the shell's self-pipe)
    /// ends it at once, long before the step's time limit.
    @Test func ctrlCDuringAStalledHandshakeStopsTheProbeAtOnce() throws {
        let server = try SMTPTestServer(.stallHandshake)
        defer { server.stop() }
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        let pressed = Atomic<Bool>(false)
        var probe = TLSProbe(
            domain: "example.test",
            host: "127.0.0.1",
            port: server.port,
            heloName: "gw.test",
            identity: nil,
            anchors: [],
            revocationLists: [],
            now: Date(timeIntervalSince1970: 1_790_067_600),
            stepTimeout: 30
        )
        probe.isCancelled = { pressed.load(ordering: .relaxed) }
        probe.wakeDescriptor = ends[0]
        // "Ctrl-C" once the handshake has begun: the flag, then a byte into the pipe (as the handler does).
        let writer = ends[1]
        var lines: [String] = []
        let started = ContinuousClock.now
        let verified = probe.run { line in
            lines.append(line)
            if line == "Checking TLS connection." {
                Thread.detachNewThread {
                    Thread.sleep(forTimeInterval: 0.5)
                    pressed.store(true, ordering: .relaxed)
                    var byte: UInt8 = 3
                    _ = write(writer, &byte, 1)
                }
            }
        }
        #expect(!verified)
        #expect(ContinuousClock.now - started < .seconds(10), "stopped long before the 30 s step limit")
        #expect(lines.last == "Checking TLS connection.", "\(lines)")
    }

    /// The certificate an MX presents (esa serve learns its peers' expiry this way); none from an MX
    /// that refuses STARTTLS.
    @Test func thePeerCertificateOfAnMXIsFetchedWithItsExpiry() throws {
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        let root = try TestCA.makeRoot(commonName: "esa peer root", validFrom: start)
        let leaf = try root.makeLeaf(commonName: "mx.peer.test", dnsNames: ["mx.peer.test"], days: 90, validFrom: start)
        let server = try SMTPTestServer(
            .tls(certificatePEM: leaf.certificatePEM, intermediatesPEM: [], keyPEM: leaf.keyPEM)
        )
        defer { server.stop() }
        let fetched = TLSProbe.peerCertificate(
            address: "127.0.0.1",
            port: server.port,
            serverName: "mx.peer.test",
            heloName: "gw.test"
        )
        #expect(fetched?.subject.commonName == "mx.peer.test")
        #expect(fetched?.notAfter == start.addingTimeInterval(90 * 86_400))
        let refusing = try SMTPTestServer(.rejectSTARTTLS)
        defer { refusing.stop() }
        #expect(
            TLSProbe.peerCertificate(address: "127.0.0.1", port: refusing.port, serverName: nil, heloName: "gw.test")
                == nil
        )
    }
}
