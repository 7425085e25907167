import COpenSSL

#if canImport(Glibc)
import Glibc
#endif

/// A certificate (with its intermediates) and its private key, offered in a TLS handshake.
public struct TLSIdentity: Sendable {
    public let certificate: X509Handle
    public let intermediates: [X509Handle]
    public let key: KeyHandle

    public init(certificate: X509Handle, intermediates: [X509Handle], key: KeyHandle) {
        self.certificate = certificate
        self.intermediates = intermediates
        self.key = key
    }
}

/// One TLS session over a connected socket the caller owns: the client side of `tlsverify` after
/// STARTTLS, and the server side of the test peers. Owns its `SSL_CTX` and `SSL`; the peer's
/// certificates are only read, never verified here (the caller applies the appliance's algorithm).
public final class TLSSession: @unchecked Sendable {
    /// Owned `SSL_CTX`.
    private let context: OpaquePointer
    /// Owned `SSL`.
    private let ssl: OpaquePointer

    private init(context: OpaquePointer, ssl: OpaquePointer) {
        self.context = context
        self.ssl = ssl
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// Performs the client handshake on `socket` (SNI `serverName`, `identity` offered as client
    /// certificate). Throws the drained error queue, or why the connection ended.
    ///
    /// With `wait`, the handshake runs on a non-blocking socket and `wait(forWriting)` is called
    /// whenever OpenSSL needs the peer; it returns false to give up (a time limit, Ctrl-C), which
    /// ends the handshake at once with `interruptedReason`. The socket is blocking again afterwards.
    public static func connect(
        socket: Int32,
        serverName: String?,
        identity: TLSIdentity?,
        wait: ((_ forWriting: Bool) -> Bool)? = nil
    ) throws(OpenSSLError) -> TLSSession {
        let session = try make(method: TLS_client_method(), socket: socket, identity: identity)
        if let serverName, !serverName.isEmpty, serverName.contains(where: { $0.isLetter }) {
            _ = esa_SSL_set_tlsext_host_name(session.ssl, serverName)
        }
        guard let wait else {
            try session.handshake("SSL_connect") { SSL_connect($0) }
            return session
        }
        let flags = fcntl(socket, F_GETFL)
        _ = fcntl(socket, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(socket, F_SETFL, flags) }
        while true {
            OpenSSLError.clearQueue()
            errno = 0
            let result = withoutSIGPIPE { SSL_connect(session.ssl) }
            if result == 1 { return session }
            let kind = SSL_get_error(session.ssl, result)
            guard kind == SSL_ERROR_WANT_READ || kind == SSL_ERROR_WANT_WRITE else {
                throw session.failure("SSL_connect", result)
            }
            guard wait(kind == SSL_ERROR_WANT_WRITE) else {
                throw OpenSSLError(
                    operation: "SSL_connect",
                    entries: [.init(library: 0, reason: 0, text: interruptedReason, data: "")]
                )
            }
        }
    }

    /// The reason of a handshake given up by its `wait`.
    public static let interruptedReason = "the peer did not answer in time"

    /// Performs the server handshake on `socket` with `identity`.
    public static func accept(socket: Int32, identity: TLSIdentity) throws(OpenSSLError) -> TLSSession {
        let session = try make(method: TLS_server_method(), socket: socket, identity: identity)
        try session.handshake("SSL_accept") { SSL_accept($0) }
        return session
    }

    private static func make(
        method: OpaquePointer?,
        socket: Int32,
        identity: TLSIdentity?
    ) throws(OpenSSLError) -> TLSSession {
        // Owned SSL_CTX: freed by the session, or here when a later step fails.
        let context = try call("SSL_CTX_new") { SSL_CTX_new(method) }
        do throws(OpenSSLError) {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
            if let identity {
                try check("SSL_CTX_use_certificate") { SSL_CTX_use_certificate(context, identity.certificate.pointer) }
                for intermediate in identity.intermediates {
                    try check("SSL_CTX_add1_chain_cert") {
                        Int32(esa_SSL_CTX_add1_chain_cert(context, intermediate.pointer))
                    }
                }
                try check("SSL_CTX_use_PrivateKey") { SSL_CTX_use_PrivateKey(context, identity.key.pointer) }
            }
            // Owned SSL: freed by the session.
            let ssl = try call("SSL_new") { SSL_new(context) }
            guard SSL_set_fd(ssl, socket) == 1 else {
                SSL_free(ssl)
                throw OpenSSLError.drain("SSL_set_fd")
            }
            return TLSSession(context: context, ssl: ssl)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
    }

    private func handshake(_ operation: String, _ step: (OpaquePointer) -> Int32) throws(OpenSSLError) {
        OpenSSLError.clearQueue()
        errno = 0
        let result = withoutSIGPIPE { step(ssl) }
        guard result != 1 else { return }
        throw failure(operation, result)
    }

    /// Why a handshake step that returned `result` failed: the drained error queue, or what ended it.
    private func failure(_ operation: String, _ result: Int32) -> OpenSSLError {
        let kind = SSL_get_error(ssl, result)
        let failure = OpenSSLError.drain(operation)
        if !failure.entries.isEmpty { return failure }
        let reason: String
        switch kind {
        case SSL_ERROR_SYSCALL where errno == EAGAIN || errno == EWOULDBLOCK:
            reason = "the peer did not answer in time"
        case SSL_ERROR_SYSCALL where errno != 0:
            reason = String(cString: strerror(errno))
        default:
            reason = "the connection was closed during the handshake"
        }
        return OpenSSLError(operation: operation, entries: [.init(library: 0, reason: 0, text: reason, data: "")])
    }

    /// `TLSv1.3`, `TLSv1.2`.
    public var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    /// OpenSSL's name of the negotiated cipher (`TLS_AES_256_GCM_SHA384`, `ECDHE-RSA-AES256-GCM-SHA384`).
    public var cipher: String {
        guard let cipher = SSL_get_current_cipher(ssl), let name = SSL_CIPHER_get_name(cipher) else { return "" }
        return String(cString: name)
    }

    /// The certificates the peer presented, its own first (client side: leaf and intermediates).
    public var peerCertificates: [X509Handle] {
        // Borrowed stack and elements (get0 semantics): each element is up-ref'ed before it is wrapped.
        guard let stack = SSL_get_peer_cert_chain(ssl) else { return [] }
        var result: [X509Handle] = []
        for index in 0..<esa_sk_X509_num(stack) {
            guard let certificate = esa_sk_X509_value(stack, index) else { continue }
            X509_up_ref(certificate)
            result.append(X509Handle(owning: certificate))
        }
        return result
    }

    /// Writes all of `bytes`; false when the connection failed.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return true }
        OpenSSLError.clearQueue()
        let written = withoutSIGPIPE {
            bytes.withUnsafeBytes { raw in SSL_write(ssl, raw.baseAddress, Int32(raw.count)) }
        }
        return written == Int32(bytes.count)
    }

    /// Reads what is available (up to `maximum` bytes); nil at the end of the connection or on error.
    public func read(maximum: Int = 4096) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maximum)
        OpenSSLError.clearQueue()
        let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32(maximum)) }
        guard count > 0 else { return nil }
        return Array(buffer[0..<Int(count)])
    }

    /// Sends close_notify (does not wait for the peer's).
    public func shutdown() {
        OpenSSLError.clearQueue()
        _ = withoutSIGPIPE { SSL_shutdown(ssl) }
        OpenSSLError.clearQueue()
    }
}

/// Runs `body` with SIGPIPE blocked on this thread: OpenSSL writes to the socket with `write`, and a
/// peer that has closed the connection must give an error, not end the process. A SIGPIPE raised
/// meanwhile is taken before the mask is restored.
func withoutSIGPIPE<R>(_ body: () -> R) -> R {
    var block = sigset_t()
    sigemptyset(&block)
    sigaddset(&block, SIGPIPE)
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &block, &previous)
    let result = body()
    var pending = sigset_t()
    sigpending(&pending)
    if sigismember(&pending, SIGPIPE) == 1, sigismember(&previous, SIGPIPE) == 0 {
        var zero = timespec(tv_sec: 0, tv_nsec: 0)
        _ = sigtimedwait(&block, nil, &zero)
    }
    pthread_sigmask(SIG_SETMASK, &previous, nil)
    return result
}
