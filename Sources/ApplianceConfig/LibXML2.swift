internal import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libxml2, opened with `dlopen` the first time a configuration file is parsed: a shell that never
/// reads XML (`esa -c version`, a script without `loadconfig`) does not load it, nor the system ICU,
/// libz and liblzma that it brings (Docs/Architecture.md, "Libraries loaded on first use"). The C
/// headers (module `CLibXML2`) still give the types; the functions are these pointers.
struct LibXML2: @unchecked Sendable {
    /// The shared object's name, as the dynamic loader looks it up.
    static let libraryName = "libxml2.so.2"

    let initParser: @convention(c) () -> Void
    let lineNumber: @convention(c) (UnsafeMutableRawPointer?) -> Int32
    let createPushParser:
        @convention(c) (
            xmlSAXHandlerPtr?, UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?
        ) -> xmlParserCtxtPtr?
    let useOptions: @convention(c) (xmlParserCtxtPtr?, Int32) -> Int32
    let parseChunk: @convention(c) (xmlParserCtxtPtr?, UnsafePointer<CChar>?, Int32, Int32) -> Int32
    let stopParser: @convention(c) (xmlParserCtxtPtr?) -> Void
    let freeParser: @convention(c) (xmlParserCtxtPtr?) -> Void

    /// The library, loaded (and initialised) once per process; the reason when it cannot be.
    static let shared: Result<LibXML2, XMLConfigError> = load(libraryName).map { library in
        library.initParser()
        return library
    }

    /// Opens `name` and looks up the functions the parser uses. The error is one line naming the
    /// library: `cannot load libxml2 (libxml2.so.2): cannot open shared object file: …`.
    static func load(_ name: String) -> Result<LibXML2, XMLConfigError> {
        func failure(_ reason: String) -> Result<LibXML2, XMLConfigError> {
            .failure(XMLConfigError(.libraryMissing, line: 0, .libraryMissing(name, reason: reason)))
        }
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { return failure(loaderError(name)) }
        var missing: String?
        func symbol<T>(_ symbol: String, as type: T.Type) -> T? {
            guard let address = dlsym(handle, symbol) else {
                missing = missing ?? symbol
                return nil
            }
            return unsafeBitCast(address, to: type)
        }
        typealias Context = xmlParserCtxtPtr?
        guard
            let initParser = symbol("xmlInitParser", as: (@convention(c) () -> Void).self),
            let lineNumber = symbol(
                "xmlSAX2GetLineNumber",
                as: (@convention(c) (UnsafeMutableRawPointer?) -> Int32).self
            ),
            let createPushParser = symbol(
                "xmlCreatePushParserCtxt",
                as: (@convention(c) (
                    xmlSAXHandlerPtr?, UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?
                ) -> xmlParserCtxtPtr?).self
            ),
            let useOptions = symbol("xmlCtxtUseOptions", as: (@convention(c) (Context, Int32) -> Int32).self),
            let parseChunk = symbol(
                "xmlParseChunk",
                as: (@convention(c) (Context, UnsafePointer<CChar>?, Int32, Int32) -> Int32).self
            ),
            let stopParser = symbol("xmlStopParser", as: (@convention(c) (Context) -> Void).self),
            let freeParser = symbol("xmlFreeParserCtxt", as: (@convention(c) (Context) -> Void).self)
        else {
            return failure("the function \(missing ?? "?") is missing")
        }
        return .success(
            LibXML2(
                initParser: initParser,
                lineNumber: lineNumber,
                createPushParser: createPushParser,
                useOptions: useOptions,
                parseChunk: parseChunk,
                stopParser: stopParser,
                freeParser: freeParser
            )
        )
    }

    /// `dlerror()`'s text without the library name it starts with (the message names it already).
    static func loaderError(_ name: String) -> String {
        let text = dlerror().map { String(cString: $0) } ?? "unknown error"
        return text.hasPrefix(name + ": ") ? String(text.dropFirst(name.count + 2)) : text
    }
}

extension XMLCodec {
    /// The error `loadconfig` gives when libxml2 cannot be opened under `name`, or nil when it can
    /// (the loader's check; the codec itself always uses `LibXML2.libraryName`).
    public static func libraryError(loading name: String) -> XMLConfigError? {
        guard case .failure(let error) = LibXML2.load(name) else { return nil }
        return error
    }
}
