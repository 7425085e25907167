import Foundation
import OpenSSLSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An SMTP peer on the host's loopback for `tlsverify`'s tests: greets, answers EHLO, and then does
/// what its behaviour says with STARTTLS. Listens on 127.0.0.1 at the first free port of
/// 26000–26099; serves connections one after the other on its own thread until `stop()`.
public final class SMTPTestServer: Sendable {
    public enum Behaviour: Sendable {
        /// Offers STARTTLS and completes the handshake with this certificate chain and key.
        case tls(certificatePEM: String, intermediatesPEM: [String], keyPEM: String)
        /// No STARTTLS in the EHLO reply.
        case noSTARTTLS
        /// Answers STARTTLS with `454 4.7.0 TLS not available due to local problem`.
        case rejectSTARTTLS
        /// Says `220` to STARTTLS, then closes the connection.
        case breakHandshake
        /// Says `220` to STARTTLS, then reads the ClientHello and never answers it.
        case stallHandshake
    }

    public let port: Int
    private let listener: Int32
    private let stopped = Mutex(false)
    private let done = Mutex(false)

    public init(_ behaviour: Behaviour) throws {
        var chosen: (Int32, Int)?
        for candidate in 26_000...26_099 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(candidate).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if bound == 0 && listen(fd, 8) == 0 {
                chosen = (fd, candidate)
                break
            }
            close(fd)
        }
        guard let chosen else { throw ServerError("no free port in 26000-26099") }
        listener = chosen.0
        port = chosen.1
        let identity: TLSIdentity?
        if case .tls(let certificatePEM, let intermediatesPEM, let keyPEM) = behaviour {
            identity = TLSIdentity(
                certificate: try X509Handle(der: Self.der(certificatePEM)),
                intermediates: try intermediatesPEM.map { try X509Handle(der: Self.der($0)) },
                key: try KeyHandle.readPEM(keyPEM, passphrase: nil)
            )
        } else {
            identity = nil
        }
        let thread = Thread { [self] in
            self.serve(behaviour, identity)
            self.done.withLock { $0 = true }
        }
        thread.start()
    }

    deinit { stop() }

    struct ServerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func der(_ pem: String) throws -> [UInt8] {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body) else { throw ServerError("not PEM") }
        return [UInt8](data)
    }

    /// Stops accepting and waits (bounded) for the serving thread.
    public func stop() {
        let already = stopped.withLock { stopped in
            defer { stopped = true }
            return stopped
        }
        guard !already else { return }
        let deadline = Date().addingTimeInterval(10)
        while !done.withLock({ $0 }) && Date() < deadline { usleep(10_000) }
        close(listener)
    }

    private func serve(_ behaviour: Behaviour, _ identity: TLSIdentity?) {
        while !stopped.withLock({ $0 }) {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            var limit = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            converse(client, behaviour, identity)
            close(client)
        }
    }

    private func converse(_ client: Int32, _ behaviour: Behaviour, _ identity: TLSIdentity?) {
        var buffer: [UInt8] = []
        func send(_ text: String) {
            _ = Array(text.utf8).withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        func line() -> String? {
            while true {
                if let newline = buffer.firstIndex(of: 10) {
                    let text = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    return text.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                var chunk = [UInt8](repeating: 0, count: 1024)
                let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return nil }
                buffer += chunk[0..<count]
            }
        }
        send("220 mx.test ESMTP\r\n")
        while let command = line()?.uppercased() {
            if command.hasPrefix("EHLO") {
                if case .noSTARTTLS = behaviour {
                    send("250-mx.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
                } else {
                    send("250-mx.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
                }
            } else if command == "STARTTLS" {
                switch behaviour {
                case .rejectSTARTTLS:
                    send("454 4.7.0 TLS not available due to local problem\r\n")
                case .breakHandshake, .noSTARTTLS:
                    send("220 2.0.0 Ready to start TLS\r\n")
                    return
                case .stallHandshake:
                    send("220 2.0.0 Ready to start TLS\r\n")
                    // Read until the client gives up (the receive limit ends it otherwise).
                    var chunk = [UInt8](repeating: 0, count: 1024)
                    while chunk.withUnsafeMutableBytes({ recv(client, $0.baseAddress, $0.count, 0) }) > 0 {}
                    return
                case .tls:
                    send("220 2.0.0 Ready to start TLS\r\n")
                    guard let identity, let session = try? TLSSession.accept(socket: client, identity: identity) else {
                        return
                    }
                    _ = session.read()
                    session.write(Array("221 2.0.0 Bye\r\n".utf8))
                    session.shutdown()
                    return
                }
            } else if command == "QUIT" {
                send("221 2.0.0 Bye\r\n")
                return
            } else {
                send("502 5.5.2 Error: command not recognized\r\n")
            }
        }
    }
}
