import CLibEdit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libedit, opened with `dlopen` when the first interactive console starts: `esa -c …` and piped
/// scripts never load it, nor the libtinfo, libbsd and libmd it brings (Docs/Architecture.md,
/// "Libraries loaded on first use"). The C headers (module `CLibEdit`) still give the types; the
/// functions are these pointers, and the variadic ones (`el_set`, `el_wset`, `el_get`, `history`)
/// are called through the fixed-arity wrappers of `shim.h`, which take their address.
struct LibEdit: @unchecked Sendable {
    /// The shared object's name, as the dynamic loader looks it up.
    static let libraryName = "libedit.so.2"

    let initialise:
        @convention(c) (
            UnsafePointer<CChar>?, UnsafeMutablePointer<FILE>?, UnsafeMutablePointer<FILE>?, UnsafeMutablePointer<FILE>?
        ) -> OpaquePointer?
    let end: @convention(c) (OpaquePointer?) -> Void
    let wideGets: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?) -> UnsafePointer<wchar_t>?
    let wideLine: @convention(c) (OpaquePointer?) -> UnsafePointer<LineInfoW>?
    let cursor: @convention(c) (OpaquePointer?, Int32) -> Int32
    let insertString: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    let wideInsertString: @convention(c) (OpaquePointer?, UnsafePointer<wchar_t>?) -> Int32
    let deleteString: @convention(c) (OpaquePointer?, Int32) -> Void
    let push: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void
    let historyInit: @convention(c) () -> OpaquePointer?
    let historyEnd: @convention(c) (OpaquePointer?) -> Void
    /// The variadic functions, for the wrappers in `shim.h`.
    let set: UnsafeMutableRawPointer
    let wideSet: UnsafeMutableRawPointer
    let get: UnsafeMutableRawPointer
    let history: UnsafeMutableRawPointer

    /// The library, loaded once per process; the reason when it cannot be.
    static let shared: Result<LibEdit, LineEditingError> = load(libraryName)

    /// Opens `name` and looks up the functions the console uses. The error is one line naming the
    /// library: `cannot load libedit (libedit.so.2): cannot open shared object file: …`.
    static func load(_ name: String) -> Result<LibEdit, LineEditingError> {
        func failure(_ reason: String) -> Result<LibEdit, LineEditingError> {
            .failure(LineEditingError(.libraryMissing, "cannot load libedit (\(name)): \(reason)"))
        }
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            let text = dlerror().map { String(cString: $0) } ?? "unknown error"
            return failure(text.hasPrefix(name + ": ") ? String(text.dropFirst(name.count + 2)) : text)
        }
        var missing: String?
        func address(_ symbol: String) -> UnsafeMutableRawPointer? {
            guard let address = dlsym(handle, symbol) else {
                missing = missing ?? symbol
                return nil
            }
            return address
        }
        func function<T>(_ symbol: String, as type: T.Type) -> T? {
            address(symbol).map { unsafeBitCast($0, to: type) }
        }
        guard
            let initialise = function(
                "el_init",
                as: (@convention(c) (
                    UnsafePointer<CChar>?, UnsafeMutablePointer<FILE>?, UnsafeMutablePointer<FILE>?,
                    UnsafeMutablePointer<FILE>?
                ) -> OpaquePointer?).self
            ),
            let end = function("el_end", as: (@convention(c) (OpaquePointer?) -> Void).self),
            let wideGets = function(
                "el_wgets",
                as: (@convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?) -> UnsafePointer<wchar_t>?).self
            ),
            let wideLine = function(
                "el_wline",
                as: (@convention(c) (OpaquePointer?) -> UnsafePointer<LineInfoW>?).self
            ),
            let cursor = function("el_cursor", as: (@convention(c) (OpaquePointer?, Int32) -> Int32).self),
            let insertString = function(
                "el_insertstr",
                as: (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32).self
            ),
            let wideInsertString = function(
                "el_winsertstr",
                as: (@convention(c) (OpaquePointer?, UnsafePointer<wchar_t>?) -> Int32).self
            ),
            let deleteString = function("el_deletestr", as: (@convention(c) (OpaquePointer?, Int32) -> Void).self),
            let push = function("el_push", as: (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void).self),
            let historyInit = function("history_init", as: (@convention(c) () -> OpaquePointer?).self),
            let historyEnd = function("history_end", as: (@convention(c) (OpaquePointer?) -> Void).self),
            let set = address("el_set"),
            let wideSet = address("el_wset"),
            let get = address("el_get"),
            let history = address("history")
        else {
            return failure("the function \(missing ?? "?") is missing")
        }
        return .success(
            LibEdit(
                initialise: initialise,
                end: end,
                wideGets: wideGets,
                wideLine: wideLine,
                cursor: cursor,
                insertString: insertString,
                wideInsertString: wideInsertString,
                deleteString: deleteString,
                push: push,
                historyInit: historyInit,
                historyEnd: historyEnd,
                set: set,
                wideSet: wideSet,
                get: get,
                history: history
            )
        )
    }
}

extension LibEditConsole {
    /// The error the interactive console gives when libedit cannot be opened under `name`, or nil
    /// when it can (the loader's check; the console itself always uses `LibEdit.libraryName`).
    public static func libraryError(loading name: String) -> LineEditingError? {
        guard case .failure(let error) = LibEdit.load(name) else { return nil }
        return error
    }
}
