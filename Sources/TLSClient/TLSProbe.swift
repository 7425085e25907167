import CResolv
import Certificates
import DomainNames
import FoundationEssentials
import OpenSSLSupport

#if canImport(Glibc)
import Glibc
#endif

/// `tlsverify`'s work (other-commands.md §7): find the host (MX, then A/AAAA), connect, EHLO,
/// STARTTLS, handshake offering the client certificate, then the Verify algorithm of mail-logs.md §4
/// — chain to the enabled CA lists, validity now, stored CRLs, the names. Each step prints its line
/// through `emit`; the first failing step prints its failure line instead of the rest.
public struct TLSProbe: Sendable {
    /// The recipient domain (a reference name for the certificate).
    public var domain: String
    /// The host to connect to; when it is the domain itself, its MX records are used.
    public var host: String
    public var port: Int
    /// The name said in EHLO.
    public var heloName: String
    /// Offered as client certificate (destconfig's global certificate).
    public var identity: ClientCertificate?
    /// The enabled CA lists.
    public var anchors: [Certificate]
    /// Stored CRLs.
    public var revocationLists: [RevocationList]
    /// The time certificates are checked at.
    public var now: Date
    /// The limit of each step (connect, each reply, the handshake).
    public var stepTimeout: Int
    /// Asked while waiting for the peer (every 200 ms): true stops the probe at once, silently
    /// (Ctrl-C), the TLS handshake included (it runs on a non-blocking socket).
    public var isCancelled: @Sendable () -> Bool = { false }
    /// A descriptor that becomes readable when `isCancelled` may have turned true (the shell's
    /// Ctrl-C self-pipe, `Interrupts.wakeDescriptor`), polled beside the socket so a Ctrl-C stops
    /// the probe at once — during the TLS handshake too; -1 for none (200 ms checks only).
    public var wakeDescriptor: Int32 = -1

    public init(
        domain: String,
        host: String,
        port: Int,
        heloName: String,
        identity: ClientCertificate?,
        anchors: [Certificate],
        revocationLists: [RevocationList],
        now: Date,
        stepTimeout: Int = 30
    ) {
        self.domain = domain
        self.host = host
        self.port = port
        self.heloName = heloName
        self.identity = identity
        self.anchors = anchors
        self.revocationLists = revocationLists
        self.now = now
        self.stepTimeout = stepTimeout
    }

    /// Runs every step; true when the peer's certificate verified. After a cancellation it returns
    /// false without the closing line.
    public func run(emit: (String) -> Void) -> Bool {
        var cancelled = false
        let verified = steps { line in
            if isCancelled() { cancelled = true }
            if !cancelled { emit(line) }
        }
        if cancelled || isCancelled() { return false }
        if !verified { emit("") }
        emit("TLS verification completed.")
        return verified
    }

    private func steps(emit: (String) -> Void) -> Bool {
        // Where to connect: the MX hosts by preference (a bare domain), else the host itself.
        var targets = [host]
        if HostName(host).names(domain) && !Resolver.isAddress(host) {
            switch Resolver.mx(domain) {
            case .success(let records):
                let ordered = records.enumerated().sorted {
                    ($0.element.preference, $0.offset) < ($1.element.preference, $1.offset)
                }
                if !ordered.isEmpty { targets = ordered.map(\.element.host) }
            case .failure(let failure):
                emit("Failed to resolve \(domain): \(failure.reason).")
                return false
            }
        }
        // TCP: the next address, then the next MX, while connecting fails.
        var opened: (connection: SMTPConnection, target: String, address: String)?
        search: for target in targets {
            let addresses: [String]
            switch Resolver.addresses(target) {
            case .success(let found): addresses = found
            case .failure(let failure):
                emit("Failed to resolve \(target): \(failure.reason).")
                continue
            }
            for address in addresses {
                if isCancelled() { return false }
                emit("Connecting to \(address) on port \(port).")
                switch SMTPConnection.open(
                    address: address,
                    port: port,
                    timeout: stepTimeout,
                    wake: wakeDescriptor,
                    isCancelled: isCancelled
                ) {
                case .success(let connection):
                    opened = (connection, target, address)
                    break search
                case .failure(let failure):
                    emit("Failed to connect to \(address) on port \(port): \(failure.reason).")
                }
            }
        }
        guard let (connection, target, address) = opened else { return false }
        defer { connection.close() }
        emit("Connected to \(address) from interface \(connection.localAddress).")
        emit("Checking TLS connection.")
        // SMTP up to STARTTLS.
        guard let greeting = connection.readReply(), greeting.code == 220 else {
            emit("Failed to connect to \(address) on port \(port): \(connection.describe(connection.lastReply)).")
            return false
        }
        connection.send("EHLO \(heloName)")
        guard let ehlo = connection.readReply(), ehlo.code == 250,
            ehlo.lines.dropFirst().contains(where: { $0.uppercased().hasPrefix("STARTTLS") })
        else {
            emit("STARTTLS not offered by \(address).")
            return false
        }
        connection.send("STARTTLS")
        guard let ready = connection.readReply(), ready.code == 220 else {
            emit("STARTTLS rejected: \(connection.describe(connection.lastReply)).")
            return false
        }
        // TLS.
        let session: TLSSession
        do throws(OpenSSLError) {
            // Non-blocking, so that Ctrl-C (the wake descriptor) ends a handshake the peer stalls.
            let deadline = ContinuousClock.now + .seconds(stepTimeout)
            session = try TLSSession.connect(
                socket: connection.descriptor,
                serverName: target,
                identity: identity?.tlsIdentity
            ) { forWriting in
                SMTPConnection.wait(
                    connection.descriptor,
                    for: Int32(forWriting ? POLLOUT : POLLIN),
                    until: deadline,
                    wake: wakeDescriptor,
                    isCancelled: isCancelled
                )
            }
        } catch {
            let reason = error.entries.map(\.text).joined(separator: "; ")
            emit("TLS handshake failed: \(reason.isEmpty ? "the handshake failed" : reason).")
            return false
        }
        defer {
            session.write(Array("QUIT\r\n".utf8))
            session.shutdown()
        }
        emit("TLS connection established: protocol \(session.protocolVersion), cipher \(session.cipher).")
        emit("Verifying peer certificate.")
        let presented = session.peerCertificates.compactMap { try? $0.derBytes() }.compactMap {
            try? Certificate(der: $0)
        }
        guard let leaf = presented.first else {
            emit("TLS certificate verification failed: the server presented no certificate.")
            return false
        }
        if let failure = Self.verify(
            leaf: leaf,
            intermediates: Array(presented.dropFirst()),
            anchors: anchors,
            revocationLists: revocationLists,
            now: now
        ) {
            emit("TLS certificate verification failed: \(failure).")
            return false
        }
        let shown = leaf.subject.commonName ?? leaf.subjectAlternativeDNSNames.first ?? target
        emit("Verifying certificate common name \(shown).")
        let references = [domain, target] + [Resolver.ptr(address)].compactMap { $0 }
        guard let match = Self.matchingName(leaf, references: references) else {
            emit("TLS certificate verification failed: no name matches \(domain).")
            return false
        }
        emit("TLS certificate match \(match)")
        emit("TLS certificate verified.")
        emit("TLS connection to \(address) succeeded.")
        emit("")
        emit("TLS successfully connected to \(target).")
        return true
    }

    /// Steps 1–3 of the Verify algorithm: chain to an anchor, every certificate valid at `now`,
    /// none revoked by a stored CRL of its issuer. nil when they pass, else the reason.
    public static func verify(
        leaf: Certificate,
        intermediates: [Certificate],
        anchors: [Certificate],
        revocationLists: [RevocationList],
        now: Date
    ) -> String? {
        let result = TrustStore.verify(
            leaf: leaf,
            intermediates: intermediates,
            trusted: anchors,
            hostname: nil,
            at: now
        )
        if case .failed(_, let reason, _) = result { return reason }
        for certificate in [leaf] + intermediates where !certificate.isSelfSigned {
            for list in revocationLists where list.issuer == certificate.issuer {
                if list.revokedSerials.contains(certificate.serialHex) { return "certificate revoked" }
            }
        }
        return nil
    }

    /// Step 4: the first reference name that a presented name (dNSName SANs and the CN) matches,
    /// ignoring case; `*.example.com` matches exactly one left-most label.
    public static func matchingName(_ leaf: Certificate, references: [String]) -> String? {
        let presented = leaf.subjectAlternativeDNSNames + [leaf.subject.commonName].compactMap { $0 }
        for reference in references {
            let name = reference.lowercased().trimmingSuffix(".")
            for candidate in presented.map({ $0.lowercased() }) {
                if candidate == name { return reference }
                if candidate.hasPrefix("*."), let dot = name.firstIndex(of: "."),
                    name[name.index(after: dot)...] == candidate.dropFirst(2), dot != name.startIndex
                {
                    return reference
                }
            }
        }
        return nil
    }
}

/// A certificate profile offered as client certificate: its certificate, intermediates and key.
public struct ClientCertificate: Sendable {
    let tlsIdentity: TLSIdentity

    /// Reads the profile's PEM texts; nil when they cannot be read (the probe then offers none).
    public init?(certificatePEM: String, intermediatesPEM: [String], keyPEM: String) {
        guard let leaf = try? Certificate(pem: certificatePEM), let handle = try? X509Handle(der: leaf.der),
            let key = try? KeyHandle.readPEM(keyPEM, passphrase: nil)
        else { return nil }
        let intermediates = intermediatesPEM.compactMap { try? Certificate(pem: $0) }.compactMap {
            try? X509Handle(der: $0.der)
        }
        tlsIdentity = TLSIdentity(certificate: handle, intermediates: intermediates, key: key)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

/// A plain TCP connection speaking SMTP up to STARTTLS, with a time limit on every step.
final class SMTPConnection {
    struct Failure: Error {
        var reason: String
    }

    struct Reply {
        var code: Int
        /// The text of each line after the code and separator.
        var lines: [String]
    }

    let descriptor: Int32
    let localAddress: String
    let timeout: Int
    let wake: Int32
    let isCancelled: @Sendable () -> Bool
    private var buffer: [UInt8] = []
    private(set) var lastReply: Reply?
    private var failure: String?

    private init(
        descriptor: Int32,
        localAddress: String,
        timeout: Int,
        wake: Int32,
        isCancelled: @escaping @Sendable () -> Bool
    ) {
        self.descriptor = descriptor
        self.localAddress = localAddress
        self.timeout = timeout
        self.wake = wake
        self.isCancelled = isCancelled
    }

    /// Waits until `descriptor` is ready for `events`, in 200 ms slices asking `isCancelled` (at once
    /// when `wake` becomes readable; its bytes are drained); false after `seconds` or a cancellation.
    static func wait(
        _ descriptor: Int32,
        for events: Int32,
        seconds: Int,
        wake: Int32 = -1,
        isCancelled: @Sendable () -> Bool
    ) -> Bool {
        wait(
            descriptor,
            for: events,
            until: ContinuousClock.now + .seconds(seconds),
            wake: wake,
            isCancelled: isCancelled
        )
    }

    static func wait(
        _ descriptor: Int32,
        for events: Int32,
        until deadline: ContinuousClock.Instant,
        wake: Int32,
        isCancelled: @Sendable () -> Bool
    ) -> Bool {
        while ContinuousClock.now < deadline {
            if isCancelled() { return false }
            var pollers = [
                pollfd(fd: descriptor, events: Int16(events), revents: 0),
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&pollers, wake >= 0 ? 2 : 1, 200)
            if ready < 0 && errno != EINTR { return false }
            if ready > 0 && pollers[0].revents != 0 { return true }
            if wake >= 0 && pollers[1].revents != 0 {
                var sink = [UInt8](repeating: 0, count: 64)
                _ = sink.withUnsafeMutableBytes { read(wake, $0.baseAddress, $0.count) }
            }
        }
        return false
    }

    static func open(
        address: String,
        port: Int,
        timeout: Int,
        wake: Int32 = -1,
        isCancelled: @escaping @Sendable () -> Bool
    ) -> Result<SMTPConnection, Failure> {
        guard let target = SocketAddress(address, port: port) else { return .failure(Failure(reason: "bad address")) }
        let fd = socket(target.family, SocketAddress.streamType, 0)
        guard fd >= 0 else { return .failure(Failure(reason: String(cString: strerror(errno)))) }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        let started = target.withPointer { Glibc.connect(fd, $0, $1) }
        if started != 0 && errno != EINPROGRESS {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            return .failure(Failure(reason: reason))
        }
        if started != 0 {
            guard wait(fd, for: Int32(POLLOUT), seconds: timeout, wake: wake, isCancelled: isCancelled) else {
                Glibc.close(fd)
                return .failure(Failure(reason: "no answer within \(timeout) seconds"))
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else {
                Glibc.close(fd)
                return .failure(Failure(reason: String(cString: strerror(error))))
            }
        }
        _ = fcntl(fd, F_SETFL, flags)
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var local = sockaddr_storage()
        var localLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let localText = withUnsafeMutablePointer(to: &local) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                getsockname(fd, address, &localLength) == 0 ? Resolver.numeric(address, localLength) : nil
            }
        }
        return .success(
            SMTPConnection(
                descriptor: fd,
                localAddress: localText ?? "unknown",
                timeout: timeout,
                wake: wake,
                isCancelled: isCancelled
            )
        )
    }

    func close() { Glibc.close(descriptor) }

    func send(_ line: String) {
        let bytes = Array((line + "\r\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Reads one whole reply (`250-…` lines up to `250 …`); nil on a timeout, a closed connection or
    /// a line that is not a reply.
    func readReply() -> Reply? {
        var lines: [String] = []
        var code = 0
        lastReply = nil
        while let line = readLine() {
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let number = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else {
                failure = "the server answered \"\(Self.printable(line))\""
                return nil
            }
            code = number
            lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
            lastReply = Reply(code: code, lines: lines)
            if bytes.count == 3 || bytes[3] != UInt8(ascii: "-") { return lastReply }
        }
        return nil
    }

    /// How the last reply (or its absence) is described in a failure line.
    func describe(_ reply: Reply?) -> String {
        guard let reply else { return failure ?? "the connection ended" }
        return "\(reply.code) \(Self.printable(reply.lines.joined(separator: " ")))"
    }

    /// Control characters of a peer's text shown as `?`.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }

    private func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard buffer.count < 65_536 else {
                failure = "the server sent a line longer than 64 KiB"
                return nil
            }
            guard Self.wait(descriptor, for: Int32(POLLIN), seconds: timeout, wake: wake, isCancelled: isCancelled)
            else {
                failure = isCancelled() ? "interrupted" : "no answer within the time limit"
                return nil
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                failure =
                    count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
                    ? "no answer within the time limit" : "the connection ended"
                return nil
            }
            buffer += chunk[0..<count]
        }
    }
}

extension TLSProbe {
    /// The certificate an SMTP server presents after STARTTLS (its leaf), or nil when it cannot be
    /// had within `timeout` seconds per step — no verification, nothing sent after the handshake
    /// but QUIT. `esa serve` uses it to learn the expiry of the peers it delivers to (Postfix logs
    /// the peer's subject, not its dates).
    public static func peerCertificate(
        address: String,
        port: Int,
        serverName: String?,
        heloName: String,
        timeout: Int = 10
    ) -> Certificate? {
        guard
            case .success(let connection) = SMTPConnection.open(
                address: address,
                port: port,
                timeout: timeout,
                isCancelled: { false }
            )
        else { return nil }
        defer { connection.close() }
        guard let greeting = connection.readReply(), greeting.code == 220 else { return nil }
        connection.send("EHLO \(heloName)")
        guard let ehlo = connection.readReply(), ehlo.code == 250,
            ehlo.lines.dropFirst().contains(where: { $0.uppercased().hasPrefix("STARTTLS") })
        else { return nil }
        connection.send("STARTTLS")
        guard let ready = connection.readReply(), ready.code == 220 else { return nil }
        let deadline = ContinuousClock.now + .seconds(timeout)
        guard
            let session = try? TLSSession.connect(
                socket: connection.descriptor,
                serverName: serverName,
                identity: nil,
                wait: { forWriting in
                    SMTPConnection.wait(
                        connection.descriptor,
                        for: Int32(forWriting ? POLLOUT : POLLIN),
                        until: deadline,
                        wake: -1,
                        isCancelled: { false }
                    )
                }
            )
        else { return nil }
        defer {
            session.write(Array("QUIT\r\n".utf8))
            session.shutdown()
        }
        guard let der = try? session.peerCertificates.first?.derBytes() else { return nil }
        return try? Certificate(der: der)
    }
}
