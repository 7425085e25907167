import NIOCore
import NIOPosix
import NIOSSH

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a session needs to start its `esa` child: the program, the user who logged in, and the
/// connection's addresses (passed on as `SSH_CLIENT`/`SSH_CONNECTION`, which the shell reads for
/// `Last login … from {address}`).
struct SessionSettings: Sendable {
    var command: SessionCommand
    var user: String
    var client: (address: String, port: Int)
    var local: (address: String, port: Int)
    var sessions: SessionRegistry

    var environment: [String] {
        [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "SSH_CLIENT=\(client.address) \(client.port) \(local.port)",
            "SSH_CONNECTION=\(client.address) \(client.port) \(local.address) \(local.port)",
        ]
    }
}

/// One SSH session channel (RFC 4254 §6): collects the pty request, then on `shell` or `exec` starts
/// the user's own `esa` child and bridges its pty or pipes to the channel, and ends the channel with
/// the child's exit status once its output has been written. Every failure ends this channel only.
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = SSHChannelData

    private enum Phase {
        /// Waiting for `shell` or `exec` (pty, environment requests come first).
        case setup
        case running(pid: pid_t)
        /// The child has been reaped.
        case exited(ChildExit)
        /// Exit status sent, channel closing.
        case done
    }

    private let settings: SessionSettings
    private var phase = Phase.setup
    private var terminal: (term: String, size: ChildProcess.TerminalSize)?
    private var channel: (any Channel)?
    /// The pty master, for window-size changes.
    private var master: Int32?
    /// Where the client's bytes go (the child's stdin or the pty master), once it is set up.
    private var input: (any Channel)?
    /// Client bytes that came before `input` was ready.
    private var pendingInput: [ByteBuffer] = []
    private var clientSentEOF = false
    /// Output channels of the child (pty master; or stdout and stderr) still open.
    private var outputs: [any Channel] = []
    private var openOutputs = 0
    /// The last write of child output to the SSH channel: exit status and close wait for it.
    private var lastWrite: EventLoopFuture<Void>?
    private var killTimer: Scheduled<Void>?

    init(settings: SessionSettings) {
        self.settings = settings
    }

    func handlerAdded(context: ChannelHandlerContext) {
        channel = context.channel
        context.channel.setOption(ChannelOptions.allowRemoteHalfClosure, value: true).whenFailure { _ in }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard case .channel = message.type, case .byteBuffer(let bytes) = message.data else { return }
        if let input {
            input.writeAndFlush(bytes, promise: nil)
        } else if case .setup = phase {
            pendingInput.append(bytes)
        } else if case .running = phase {
            pendingInput.append(bytes)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let request as SSHChannelRequestEvent.PseudoTerminalRequest:
            guard case .setup = phase else { return reply(request.wantReply, false, context) }
            let term =
                request.term.unicodeScalars.allSatisfy {
                    $0.properties.isAlphabetic || "0123456789-_.".unicodeScalars.contains($0)
                } ? request.term : "vt100"
            terminal = (
                term.isEmpty ? "vt100" : term,
                .init(
                    rows: request.terminalRowHeight > 0 ? request.terminalRowHeight : 24,
                    columns: request.terminalCharacterWidth > 0 ? request.terminalCharacterWidth : 80
                )
            )
            reply(request.wantReply, true, context)
        case let request as SSHChannelRequestEvent.ShellRequest:
            start(command: nil, wantReply: request.wantReply, context: context)
        case let request as SSHChannelRequestEvent.ExecRequest:
            start(command: request.command, wantReply: request.wantReply, context: context)
        case let request as SSHChannelRequestEvent.WindowChangeRequest:
            if let master {
                ChildProcess.resize(
                    master: master,
                    rows: request.terminalRowHeight,
                    columns: request.terminalCharacterWidth
                )
            }
        case let request as SSHChannelRequestEvent.EnvironmentRequest:
            // The child's environment is the endpoint's to set (no LD_PRELOAD from a client).
            reply(request.wantReply, false, context)
        case let request as SSHChannelRequestEvent.SubsystemRequest:
            reply(request.wantReply, false, context)
        case ChannelEvent.inputClosed:
            clientSentEOF = true
            closeChildInput()
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // Back-pressure: stop reading the child's output while the client's window is full.
        let writable = context.channel.isWritable
        for output in outputs { output.setOption(ChannelOptions.autoRead, value: writable).whenFailure { _ in } }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The client went away (or the session ended): the child is hung up.
        for output in outputs { output.close(promise: nil) }
        input?.close(promise: nil)
        if case .running(let pid) = phase {
            kill(pid, SIGHUP)
            kill(pid, SIGCONT)
            // A child that ignores the hang-up is killed after 5 s.
            let this = NIOLoopBound(self, eventLoop: context.eventLoop)
            killTimer = context.eventLoop.scheduleTask(in: .seconds(5)) {
                if case .running(let pid) = this.value.phase { kill(pid, SIGKILL) }
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: - Starting the child

    private func start(command: String?, wantReply: Bool, context: ChannelHandlerContext) {
        guard case .setup = phase else { return reply(wantReply, false, context) }
        var arguments = settings.command.arguments(user: settings.user)
        if let command { arguments += ["-c", command] }
        var environment = settings.environment
        if let terminal { environment.append("TERM=\(terminal.term)") }
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                arguments: arguments,
                environment: environment,
                terminal: terminal?.size
            )
        } catch {
            reply(wantReply, false, context)
            context.close(promise: nil)
            return
        }
        phase = .running(pid: child.pid)
        settings.sessions.started(child.pid)
        reply(wantReply, true, context)

        let loop = context.eventLoop
        let this = NIOLoopBound(self, eventLoop: loop)
        let sessions = settings.sessions
        ChildProcess.whenExited(child.pid) { status in
            sessions.ended(child.pid)
            loop.execute { this.value.childExited(ChildExit(waitStatus: status)) }
        }

        switch child.streams {
        case .terminal(let master):
            self.master = master
            // NIO's own `inputOutput` dup is not close-on-exec; this one is, so no later child
            // inherits this session's terminal.
            let writeSide = fcntl(master, F_DUPFD_CLOEXEC, 0)
            openOutputs = 1
            attach(input: master, output: writeSide, kind: .channel, isInput: true, loop: loop)
        case .pipes(let input, let output, let errors):
            openOutputs = 2
            attach(input: output, output: input, kind: .channel, isInput: true, loop: loop)
            attach(input: errors, output: nil, kind: .stdErr, isInput: false, loop: loop)
        }
    }

    /// Puts one of the child's descriptors on the event loop; its reads become channel data.
    private func attach(
        input readFD: Int32,
        output writeFD: Int32?,
        kind: SSHChannelData.DataType,
        isInput: Bool,
        loop: any EventLoop
    ) {
        let this = NIOLoopBound(self, eventLoop: loop)
        let bootstrap = NIOPipeBootstrap(group: loop)
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .channelInitializer { pipe in
                pipe.eventLoop.makeCompletedFuture {
                    try pipe.pipeline.syncOperations.addHandler(ChildOutputHandler(session: this.value, kind: kind))
                }
            }
        let future =
            if let writeFD {
                bootstrap.takingOwnershipOfDescriptors(input: readFD, output: writeFD)
            } else {
                bootstrap.takingOwnershipOfDescriptor(input: readFD)
            }
        future.whenComplete { result in
            let session = this.value
            switch result {
            case .success(let pipe):
                session.outputs.append(pipe)
                if isInput {
                    session.input = pipe
                    for bytes in session.pendingInput { pipe.write(bytes, promise: nil) }
                    session.pendingInput = []
                    pipe.flush()
                    if session.clientSentEOF { session.closeChildInput() }
                }
                if session.channel?.isActive != true { pipe.close(promise: nil) }
            case .failure:
                close(readFD)
                if let writeFD { close(writeFD) }
                session.outputEnded()
            }
        }
    }

    private func closeChildInput() {
        // On a pty the end of the client's input means nothing to the terminal; on pipes it is the
        // child's end of stdin.
        guard master == nil, let input else { return }
        input.close(mode: .output, promise: nil)
    }

    // MARK: - Output and the end

    fileprivate func childWrote(_ bytes: ByteBuffer, kind: SSHChannelData.DataType) {
        guard let channel, channel.isActive else { return }
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.write(SSHChannelData(type: kind, data: .byteBuffer(bytes)), promise: promise)
        lastWrite = promise.futureResult
    }

    fileprivate func childFlushed() {
        channel?.flush()
    }

    fileprivate func outputEnded() {
        openOutputs -= 1
        finishIfDone()
    }

    private func childExited(_ exit: ChildExit) {
        killTimer?.cancel()
        phase = .exited(exit)
        finishIfDone()
    }

    /// When the child has exited and all its output is read: exit status, then close.
    private func finishIfDone() {
        guard openOutputs <= 0, case .exited(let exit) = phase, let channel else { return }
        phase = .done
        input?.close(promise: nil)
        channel.flush()
        let written = lastWrite ?? channel.eventLoop.makeSucceededFuture(())
        written.whenComplete { _ in
            let event: any Sendable =
                switch exit {
                case .exited(let status):
                    SSHChannelRequestEvent.ExitStatus(exitStatus: Int(status))
                case .signalled(let signal, let core):
                    SSHChannelRequestEvent.ExitSignal(
                        signalName: ChildExit.signalName(signal),
                        errorMessage: "",
                        language: "",
                        dumpedCore: core
                    )
                }
            channel.triggerUserOutboundEvent(event).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    private func reply(_ wantReply: Bool, _ success: Bool, _ context: ChannelHandlerContext) {
        guard wantReply else { return }
        let event: any Sendable = success ? ChannelSuccessEvent() : ChannelFailureEvent()
        context.triggerUserOutboundEvent(event, promise: nil)
    }
}

/// Reads from one of the child's descriptors (pty master, stdout, stderr) into the session.
final class ChildOutputHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let session: SessionHandler
    private let kind: SSHChannelData.DataType
    private var ended = false

    init(session: SessionHandler, kind: SSHChannelData.DataType) {
        self.session = session
        self.kind = kind
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        session.childWrote(unwrapInboundIn(data), kind: kind)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        session.childFlushed()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { end() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        end()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A pty master reads EIO once the child's side is closed: that is its end of file.
        context.close(promise: nil)
    }

    private func end() {
        guard !ended else { return }
        ended = true
        session.childFlushed()
        session.outputEnded()
    }
}
