import CLibEdit
import Shell

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the terminal console could not start.
public struct LineEditingError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, RawRepresentable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The input or output is not a terminal.
        public static let notATerminal = Code(rawValue: "notATerminal")
        /// libedit or the C library refused to set up the editor.
        public static let setupFailed = Code(rawValue: "setupFailed")
        /// libedit cannot be loaded (it is opened on first use).
        public static let libraryMissing = Code(rawValue: "libraryMissing")
    }

    public let code: Code
    private let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { code == .libraryMissing ? reason : "\(code.rawValue): \(reason)" }
}

/// The console of an administrator at a terminal: libedit line editing with history and Tab
/// completion, secrets without echo, the pager's single key, an idle timeout.
///
/// One instance per terminal; not thread-safe (a session reads and writes from one thread).
public final class LibEditConsole: Console {
    /// Most lines kept in the history and its file.
    public static let historyLimit: Int32 = 1000

    private let input: Int32
    private let output: Int32
    private let idleTimeout: Duration?
    private let historyFile: String?
    /// How a command line goes into the history (and its file): a passphrase typed on it is masked
    /// (ssh.md §3). The session sets it to the interpreter's `loggable`.
    public var historyEntry: (String) -> String = { $0 }
    /// libedit's functions (opened when the first console starts).
    private let library: LibEdit
    private let editor: OpaquePointer
    private let history: OpaquePointer
    private let inputStream: UnsafeMutablePointer<FILE>
    private let outputStream: UnsafeMutablePointer<FILE>

    /// Bytes read from the terminal and not consumed yet.
    private var buffer: InputBuffer
    /// The prompt as a NUL-terminated wide string for EL_PROMPT.
    private(set) var promptPointer: UnsafeMutablePointer<wchar_t>?
    private var completer = Completer.none
    /// The line before the cursor after the last Tab that completed nothing more, for the listing on a
    /// second Tab.
    private var lastTabText: String?
    /// When the current read times out.
    private var deadline: ContinuousClock.Instant?
    /// Flags set by the callbacks during one `el_wgets`.
    private var interrupted = false
    private var timedOut = false
    private var notText = false
    private var tooLong = false
    /// The pager timed out: the next read reports the timeout at once.
    private var idleExpired = false

    /// Sets up libedit on a terminal.
    /// - Parameters:
    ///   - historyFile: where command history is loaded from and saved to after each command (nil = no file).
    ///   - idleTimeout: how long a read may wait for a key (nil = forever).
    ///   - input: the terminal's input file descriptor (not closed by the console).
    ///   - output: the terminal's output file descriptor (not closed by the console).
    public init(historyFile: String?, idleTimeout: Duration?, input: Int32 = 0, output: Int32 = 1) throws {
        guard Self.isTerminal(input) else { throw LineEditingError(.notATerminal, "input fd \(input)") }
        let library = try LibEdit.shared.get()
        self.library = library
        self.input = input
        self.output = output
        self.idleTimeout = idleTimeout
        self.historyFile = historyFile
        self.buffer = InputBuffer(fd: input)
        Self.useUTF8Characters()

        // libedit reads and writes through stdio streams; give it its own duplicates of the descriptors.
        let inputCopy = dup(input)
        let outputCopy = dup(output)
        guard inputCopy >= 0, outputCopy >= 0,
            let inputStream = fdopen(inputCopy, "r"),
            let outputStream = fdopen(outputCopy, "w")
        else {
            if inputCopy >= 0 { close(inputCopy) }
            if outputCopy >= 0 { close(outputCopy) }
            throw LineEditingError(.setupFailed, "cannot open streams on the terminal")
        }
        guard let editor = library.initialise("esa", inputStream, outputStream, esa_stderr()) else {
            fclose(inputStream)
            fclose(outputStream)
            throw LineEditingError(.setupFailed, "el_init failed")
        }
        guard let history = library.historyInit() else {
            library.end(editor)
            fclose(inputStream)
            fclose(outputStream)
            throw LineEditingError(.setupFailed, "history_init failed")
        }
        self.inputStream = inputStream
        self.outputStream = outputStream
        self.editor = editor
        self.history = history

        _ = esa_history_setsize(library.history, history, Self.historyLimit)
        _ = esa_history_setunique(library.history, history, 1)
        if let historyFile { _ = esa_history_load(library.history, history, historyFile) }

        let set = library.set
        _ = esa_el_set_clientdata(set, editor, Unmanaged.passUnretained(self).toOpaque())
        _ = esa_el_set_editor(set, editor, "emacs")
        // libedit's signal handlers restore the terminal if the process is stopped or killed while
        // editing; they are process-wide, so only for the process's own terminal.
        _ = esa_el_set_signal(set, editor, input == 0 ? 1 : 0)
        _ = esa_el_set_history(set, editor, library.history, history)
        _ = esa_el_set_wprompt(library.wideSet, editor, lineEditingPrompt)
        _ = esa_el_set_getcfn(set, editor, lineEditingReadCharacter)
        _ = esa_el_setty(set, editor, "-d", "-isig")
        _ = esa_el_addfn(set, editor, "esa-complete", "Complete the word before the cursor", lineEditingComplete)
        _ = esa_el_addfn(set, editor, "esa-interrupt", "Abandon the line", lineEditingInterrupt)
        _ = esa_el_bind(set, editor, "^I", "esa-complete")
        _ = esa_el_bind(set, editor, "^C", "esa-interrupt")
        _ = esa_el_bind(set, editor, "^R", "em-inc-search-prev")
        setPrompt("")
    }

    deinit {
        library.end(editor)
        library.historyEnd(history)
        fclose(inputStream)
        fclose(outputStream)
        promptPointer?.deallocate()
    }

    /// True when `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// libedit decodes and displays characters by the C locale: make sure it is UTF-8.
    private static func useUTF8Characters() {
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) == "UTF-8" { return }
        if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "C.utf8") }
    }

    // MARK: Console

    public var isInteractive: Bool { true }

    public var pageRows: Int? {
        guard Self.isTerminal(output) else { return nil }
        return TerminalIO.windowSize(output)?.rows
    }

    public var columns: Int? {
        guard Self.isTerminal(output) else { return nil }
        return TerminalIO.windowSize(output)?.columns
    }

    public func write(_ text: String) { TerminalIO.writeText(text, to: output) }

    public func discardTypeAhead() {
        buffer.discardAll()
        TerminalIO.discardTypeAhead(input)
    }

    public func writeError(_ text: String) { TerminalIO.writeText(text, to: 2) }

    /// The history, oldest first.
    public var historyLines: [String] {
        var lines: [String] = []
        var entry = esa_history_oldest(library.history, history)
        while let text = entry {
            lines.append(String(cString: text))
            entry = esa_history_newer(library.history, history)
        }
        return lines
    }

    public func read(prompt: String, kind: InputKind, completer: Completer) -> InputEvent {
        if idleExpired {
            idleExpired = false
            return .timedOut
        }
        if kind == .secret { return readSecret(prompt: prompt) }

        setPrompt(prompt)
        self.completer = completer
        lastTabText = nil
        interrupted = false
        timedOut = false
        notText = false
        tooLong = false
        restartIdleTimer()

        var count: Int32 = 0
        // libedit prints the prompt before it switches the terminal to character mode: keys typed right
        // after the prompt would meet the cooked line discipline (Ctrl-D read as end of file, echo).
        var lineModes = termios()
        let savedLineModes = tcgetattr(input, &lineModes) == 0
        TerminalIO.stopLineDiscipline(input)
        // A Ctrl-C that reached the shell as SIGINT while the terminal was still in line mode (between
        // two reads) interrupts this read: from here on Ctrl-C arrives as a key.
        if Interrupts.take() {
            discardTypeAhead()
            if savedLineModes { _ = tcsetattr(input, TCSANOW, &lineModes) }
            write("\n")
            return .interrupt
        }
        let line = library.wideGets(editor, &count)
        self.completer = .none

        if timedOut {
            write("\n")
            return .timedOut
        }
        if interrupted { return .interrupt }
        guard let line, count > 0 else {
            write("\n")
            return .endOfInput
        }
        var scalars = String.UnicodeScalarView()
        for index in 0..<Int(count) {
            guard let scalar = Unicode.Scalar(UInt32(bitPattern: line[index])) else {
                notText = true
                continue
            }
            scalars.append(scalar)
        }
        while let last = scalars.last, last == "\n" || last == "\r" { scalars.removeLast() }
        if notText { return .invalid(.notText) }
        if tooLong { return .invalid(.tooLong) }
        let event = LineDecoder.decode(Array(String(scalars).utf8))
        if case .line(let text) = event, kind == .command {
            remember(text)
        }
        return event
    }

    public func waitForMore() -> Bool {
        if idleExpired { return false }
        restartIdleTimer()
        // Character mode before the prompt appears, so that no key is echoed or taken as a signal.
        let key: ByteRead = TerminalIO.withRawInput(input) {
            write(PagerText.prompt)
            let first = buffer.next(until: deadline)
            guard case .byte(let byte) = first else { return first }
            // Swallow the rest of a multi-byte key (escape sequence, UTF-8 character).
            if byte == 0x1B || byte >= 0xC0 {
                let soon = ContinuousClock.now + .milliseconds(30)
                while buffer.available > 0 || byte == 0x1B {
                    guard case .byte(let next) = buffer.peek(until: soon) else { break }
                    if byte >= 0xC0 && next & 0xC0 != 0x80 { break }
                    buffer.consume()
                }
            }
            return first
        }
        write(PagerText.erase)
        switch key {
        case .byte(let byte): return !(byte == UInt8(ascii: "q") || byte == UInt8(ascii: "Q") || byte == 0x03)
        case .timedOut:
            idleExpired = true
            return false
        case .closed: return false
        }
    }

    // MARK: Reading

    private func restartIdleTimer() {
        deadline = idleTimeout.map { ContinuousClock.now + $0 }
    }

    private func setPrompt(_ prompt: String) {
        promptPointer?.deallocate()
        let scalars = Array(prompt.unicodeScalars)
        let pointer = UnsafeMutablePointer<wchar_t>.allocate(capacity: scalars.count + 1)
        for (index, scalar) in scalars.enumerated() { pointer[index] = wchar_t(bitPattern: scalar.value) }
        pointer[scalars.count] = 0
        promptPointer = pointer
    }

    private func remember(_ line: String) {
        var entry = Substring(historyEntry(line))
        while let last = entry.last, last.isWhitespace { entry = entry.dropLast() }
        guard !entry.isEmpty else { return }
        _ = esa_history_enter(library.history, history, String(entry))
        if let historyFile { _ = esa_history_save(library.history, history, historyFile) }
    }

    /// EL_GETCFN: one character for libedit. Beyond the longest line, characters are dropped (libedit
    /// redraws the whole line on each key, far too slow for megabytes) until the line ends.
    func readCharacter(_ editor: OpaquePointer, into character: UnsafeMutablePointer<wchar_t>) -> Int32 {
        while true {
            let result = decodeCharacter(into: character)
            guard result == 1, character.pointee != 0x0A, character.pointee != 0x0D,
                let line = library.wideLine(editor),
                line.pointee.lastchar - line.pointee.buffer >= Self.maximumLineBytes
            else { return result }
            tooLong = true
        }
    }

    /// One character decoded from UTF-8 here, so that bad bytes are noticed.
    private func decodeCharacter(into character: UnsafeMutablePointer<wchar_t>) -> Int32 {
        switch buffer.next(until: deadline) {
        case .timedOut:
            timedOut = true
            return 0
        case .closed:
            return 0
        case .byte(let lead):
            restartIdleTimer()
            guard let more = UTF8Input.continuationCount(lead: lead) else {
                notText = true
                character.pointee = wchar_t(0xFFFD)
                return 1
            }
            if lead == 0 { notText = true }
            var bytes = [lead]
            while bytes.count <= more {
                switch buffer.peek(until: deadline) {
                case .timedOut:
                    timedOut = true
                    return 0
                case .closed:
                    return 0
                case .byte(let next):
                    guard next & 0xC0 == 0x80 else { break }
                    buffer.consume()
                    bytes.append(next)
                    continue
                }
                break
            }
            guard bytes.count == more + 1, let scalar = UTF8Input.scalar(bytes) else {
                notText = true
                character.pointee = wchar_t(0xFFFD)
                return 1
            }
            character.pointee = wchar_t(bitPattern: scalar.value)
            return 1
        }
    }

    /// Ctrl-C while editing: mark the line, show `^C` at its end and finish it with a newline key, so that
    /// libedit moves below the line as for Enter.
    func interrupt(_ editor: OpaquePointer) -> UInt8 {
        interrupted = true
        _ = library.cursor(editor, Int32.max)
        _ = library.insertString(editor, "^C")
        library.push(editor, "\n")
        return UInt8(CC_REFRESH)
    }

    /// Tab: asks the completer and edits the line.
    func complete(_ editor: OpaquePointer) -> UInt8 {
        guard let info = library.wideLine(editor) else { return UInt8(CC_ERROR) }
        var scalars = String.UnicodeScalarView()
        var position = info.pointee.buffer
        while let current = position, current < info.pointee.cursor {
            if let scalar = Unicode.Scalar(UInt32(bitPattern: current.pointee)) { scalars.append(scalar) }
            position = current + 1
        }
        let text = String(scalars)
        let repeated = lastTabText == text
        switch Completion.action(textBeforeCursor: text, candidates: completer.complete(text), repeated: repeated) {
        case .none:
            lastTabText = nil
            return UInt8(CC_REFRESH_BEEP)
        case .ambiguous:
            lastTabText = text
            return UInt8(CC_REFRESH_BEEP)
        case .replace(let deleting, let insertion):
            library.deleteString(editor, Int32(deleting))
            var wide = insertion.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
            wide.append(0)
            _ = library.wideInsertString(editor, wide)
            lastTabText = insertion.hasSuffix(" ") ? nil : String(text.dropLast(deleting)) + insertion
            return UInt8(CC_REFRESH)
        case .list(let candidates):
            lastTabText = text
            fflush(outputStream)
            let width = TerminalIO.windowSize(output)?.columns ?? 80
            write("\n" + Completion.columns(candidates, width: width))
            return UInt8(CC_REDISPLAY)
        }
    }

    /// A secret: no libedit, no echo, no history. The terminal modes are restored whatever happens.
    private func readSecret(prompt: String) -> InputEvent {
        restartIdleTimer()
        var bytes: [UInt8] = []
        defer {
            for index in bytes.indices { bytes[index] = 0 }
        }
        // Echo off before the prompt appears: a passphrase typed at once must not be echoed.
        let ending: InputEvent? = TerminalIO.withRawInput(input) {
            write(prompt)
            while true {
                switch buffer.next(until: deadline) {
                case .timedOut: return .timedOut
                case .closed: return .endOfInput
                case .byte(let byte):
                    restartIdleTimer()
                    switch byte {
                    case 0x03: return .interrupt
                    case 0x04 where bytes.isEmpty: return .endOfInput
                    case 0x0A, 0x0D: return nil
                    case 0x7F, 0x08:
                        while let last = bytes.popLast(), last & 0xC0 == 0x80 {}
                    case 0x15:
                        for index in bytes.indices { bytes[index] = 0 }
                        bytes.removeAll()
                    default:
                        if bytes.count <= Self.maximumLineBytes { bytes.append(byte) }
                    }
                }
            }
        }
        write("\n")
        return ending ?? LineDecoder.decode(bytes)
    }
}
