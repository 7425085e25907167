import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Dispatch)
import Dispatch
#endif

/// What a shell asks of `esa serve` over its control channel (`gateway/control.sock`): the things
/// only Postfix's root-only tools can do on the private instance.
public enum ControlRequest: Codable, Sendable, Equatable {
    /// The queue as `postqueue -j` lists it.
    case queue
    /// Every deferred message (nil), or these queue ids, scheduled for immediate delivery.
    case flush(queueIDs: [String]?)
    /// A whole RFC 5322 message handed to Postfix (`sendmail -f {sender} -- {recipients}`).
    case submit(sender: String, recipients: [String], message: String)
}

/// The answer: `output` on success (the queue listing), or a one-line `error`.
public struct ControlResponse: Codable, Sendable, Equatable {
    public var output: String
    public var error: String?

    public init(output: String = "", error: String? = nil) {
        self.output = output
        self.error = error
    }
}

/// Why the channel could not be used (the client's side).
public enum ControlChannelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing listens on the socket (or it does not exist): `esa serve` is not running there.
    case notListening(String)
    /// The socket exists but this user may not use it.
    case notAllowed
    case failed(String)

    public var description: String {
        switch self {
        case .notListening(let why): "esa serve does not answer on its control socket (\(why))"
        case .notAllowed: "only the data directory's owner and root may reach the gateway"
        case .failed(let why): why
        }
    }
}

/// The wire format, one request and one response per connection: a 4-byte big-endian length, then
/// that many bytes of JSON. Both sides bound the sizes and time out instead of waiting forever.
public enum ControlChannel {
    /// The socket's name in the gateway folder.
    public static func socketPath(_ paths: GatewayPaths) -> String { paths.root + "/control.sock" }
    /// A request carries at most a configuration file (`mailconfig`): 16 MiB.
    public static let maximumRequest = 16 << 20
    /// A queue listing: 64 MiB.
    public static let maximumResponse = 64 << 20
    /// How long the server waits for a request's bytes.
    public static let requestTimeout = 10
    /// How long the client waits for an answer (`postqueue` and `sendmail` may take up to 60 s).
    public static let responseTimeout = 90

    /// Sends `request` and waits for the answer.
    public static func exchange(
        _ request: ControlRequest,
        socketPath: String
    ) throws(ControlChannelError)
        -> ControlResponse
    {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .failed("socket: \(Self.errorText(errno))") }
        defer { close(fd) }
        setTimeout(fd, seconds: responseTimeout)
        let connected = withAddress(socketPath) { address, length in connect(fd, address, length) }
        guard connected == 0 else {
            let code = errno
            if code == EACCES || code == EPERM { throw .notAllowed }
            throw .notListening(errorText(code))
        }
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(request))
        } catch {
            throw .failed("the request cannot be encoded")
        }
        guard body.count <= maximumRequest else { throw .failed("the request is larger than 16 MiB") }
        guard writeFrame(fd, body) else { throw .failed("the request could not be sent: \(errorText(errno))") }
        guard let answer = readFrame(fd, limit: maximumResponse) else {
            throw .failed("esa serve did not answer: \(errorText(errno))")
        }
        guard let response = try? JSONDecoder().decode(ControlResponse.self, from: Data(answer)) else {
            throw .failed("esa serve's answer could not be read")
        }
        if response.error == ControlServer.refusal { throw .notAllowed }
        return response
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func setTimeout(_ fd: Int32, seconds: Int) {
        var value = timeval(tv_sec: seconds, tv_usec: 0)
        let size = socklen_t(MemoryLayout<timeval>.size)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, size)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, size)
    }

    /// Calls `body` with the socket address of `path`. A path longer than `sun_path` is reached
    /// through its folder's descriptor (`/proc/self/fd/{n}/{name}`), so deep data directories work.
    static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        var folderFD: Int32 = -1
        var usable = path
        if path.utf8.count >= capacity, let slash = path.lastIndex(of: "/") {
            folderFD = open(String(path[..<slash]), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if folderFD >= 0 { usable = "/proc/self/fd/\(folderFD)/" + path[path.index(after: slash)...] }
        }
        defer { if folderFD >= 0 { close(folderFD) } }
        let bytes = Array(usable.utf8)
        guard bytes.count < capacity else {
            errno = ENAMETOOLONG
            return -1
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    static func writeFrame(_ fd: Int32, _ body: [UInt8]) -> Bool {
        let length = UInt32(body.count)
        let header: [UInt8] = [
            UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF),
        ]
        return writeAll(fd, header + body)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// One frame; nil when the peer closed early, timed out, or announced more than `limit` bytes.
    static func readFrame(_ fd: Int32, limit: Int) -> [UInt8]? {
        guard let header = readExactly(fd, 4) else { return nil }
        let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard length <= limit else {
            errno = EMSGSIZE
            return nil
        }
        return readExactly(fd, length)
    }

    static func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = bytes[offset...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                if got == 0 { errno = ECONNRESET }
                return nil
            }
            offset += got
        }
        return bytes
    }
}

/// `esa serve`'s end of the control channel: a Unix socket in the gateway folder, owned by the data
/// directory's owner with mode 0600 (the kernel lets only that user and root connect), and each
/// peer's credentials checked again (`SO_PEERCRED`: root, the data directory's owner, or the user
/// `esa serve` runs as). One request per connection, at most `maximumConnections` at a time, each
/// answered on a thread of its own so a slow `postqueue` holds up no one else.
public final class ControlServer: Sendable {
    /// The one-line answer to a peer that may not use the channel.
    static let refusal = "not allowed"
    public static let maximumConnections = 8

    public let path: String
    private let listener: Int32
    private let owner: uid_t
    private let handler: @Sendable (ControlRequest) -> ControlResponse
    private let stopped = Atomic<Bool>(false)
    private let active = Atomic<Int>(0)

    /// Binds the socket (replacing a stale one) for the data directory whose owner is `owner`.
    public init(
        path: String,
        owner: uid_t,
        group: gid_t,
        handler: @escaping @Sendable (ControlRequest) -> ControlResponse
    ) throws(ControlChannelError) {
        self.path = path
        self.owner = owner
        self.handler = handler
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .failed("socket: \(ControlChannel.errorText(errno))") }
        // Created owner-only: nobody else can connect between bind and the chown below.
        let previous = umask(0o177)
        let bound = ControlChannel.withAddress(path) { address, length in bind(fd, address, length) }
        let bindError = errno
        umask(previous)
        guard bound == 0 else {
            close(fd)
            throw .failed("\(path) cannot be bound: \(ControlChannel.errorText(bindError))")
        }
        if owner != geteuid() { _ = chown(path, owner, group) }
        guard listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            throw .failed("\(path) cannot listen: \(ControlChannel.errorText(code))")
        }
        listener = fd
    }

    deinit {
        close(listener)
    }

    /// Accepts connections until `stop()` (checked every 200 ms), then removes the socket; blocks
    /// the calling thread.
    public func serve() {
        defer { unlink(path) }
        while !stopped.load(ordering: .acquiring) {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            guard active.add(1, ordering: .acquiringAndReleasing).newValue <= Self.maximumConnections else {
                active.subtract(1, ordering: .acquiringAndReleasing)
                reply(connection, ControlResponse(error: "esa serve is busy; try again"))
                close(connection)
                continue
            }
            DispatchQueue.global().async {
                self.answer(connection)
                close(connection)
                self.active.subtract(1, ordering: .acquiringAndReleasing)
            }
        }
    }

    /// Runs `serve()` on a thread of its own until the calling task is cancelled; removes the socket.
    public func run() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    self.serve()
                    continuation.resume()
                }
            }
        } onCancel: {
            self.stop()
        }
    }

    public func stop() { stopped.store(true, ordering: .releasing) }

    private func answer(_ connection: Int32) {
        ControlChannel.setTimeout(connection, seconds: ControlChannel.requestTimeout)
        guard let peer = Self.peerUID(connection), peer == 0 || peer == owner || peer == geteuid() else {
            reply(connection, ControlResponse(error: Self.refusal))
            return
        }
        guard let body = ControlChannel.readFrame(connection, limit: ControlChannel.maximumRequest) else {
            if errno == EMSGSIZE { reply(connection, ControlResponse(error: "the request is larger than 16 MiB")) }
            return
        }
        guard let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(body)) else {
            reply(connection, ControlResponse(error: "the request could not be read"))
            return
        }
        reply(connection, handler(request))
    }

    private func reply(_ connection: Int32, _ response: ControlResponse) {
        guard let data = try? JSONEncoder().encode(response) else { return }
        _ = ControlChannel.writeFrame(connection, Array(data))
    }

    /// The connecting process's user id (`SO_PEERCRED`: pid, uid, gid).
    static func peerUID(_ fd: Int32) -> uid_t? {
        var credentials: (Int32, UInt32, UInt32) = (0, 0, 0)
        var size = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) == 0 else { return nil }
        return credentials.1
    }
}
