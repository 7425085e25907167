import CLibEdit

// C callbacks handed to libedit. They are free functions (never closures in main.swift, which would be
// inferred @MainActor) and find their console through EL_CLIENTDATA: no global state.

/// The console that owns `editor`, or nil while it is being set up.
private func owner(_ editor: OpaquePointer?) -> LibEditConsole? {
    guard let editor, case .success(let library) = LibEdit.shared,
        let data = esa_el_get_clientdata(library.get, editor)
    else { return nil }
    return Unmanaged<LibEditConsole>.fromOpaque(data).takeUnretainedValue()
}

/// EL_PROMPT: the prompt of the current read, as a NUL-terminated wide string owned by the console.
func lineEditingPrompt(_ editor: OpaquePointer?) -> UnsafeMutablePointer<wchar_t>? {
    owner(editor)?.promptPointer
}

/// EL_GETCFN: reads one character (1), end of input (0) or error (-1).
func lineEditingReadCharacter(_ editor: OpaquePointer?, _ character: UnsafeMutablePointer<wchar_t>?) -> Int32 {
    guard let editor, let console = owner(editor), let character else { return -1 }
    return console.readCharacter(editor, into: character)
}

/// Bound to Tab.
func lineEditingComplete(_ editor: OpaquePointer?, _ key: Int32) -> UInt8 {
    guard let editor, let console = owner(editor) else { return UInt8(CC_ERROR) }
    return console.complete(editor)
}

/// Bound to Ctrl-C (isig is off while editing, so it arrives as a key).
func lineEditingInterrupt(_ editor: OpaquePointer?, _ key: Int32) -> UInt8 {
    guard let editor, let console = owner(editor) else { return UInt8(CC_ERROR) }
    return console.interrupt(editor)
}
