import ApplianceConfig

// The destconfig IMPORT reader (`DestinationINI.decode`) on any text. A file it accepts must
// survive an EXPORT / IMPORT round trip: encoding the tables and reading them back gives the same
// defaults and the same entries.

private let globals = DestinationDefaults(outboundCertificate: "Demo")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDestinationINI(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let tables = try? DestinationINI.decode(text, globals: globals) else { return 0 }
    let exported = DestinationINI.encode(defaults: tables.defaults, entries: tables.entries)
    do {
        let again = try DestinationINI.decode(exported, globals: tables.defaults)
        precondition(again.defaults == tables.defaults, "export then import changed the defaults:\n\(exported)")
        precondition(
            DestinationINI.ordered(again.entries, like: KeyedList(tables.entries)).elements == tables.entries,
            "export then import changed the entries:\n\(exported)"
        )
    } catch {
        preconditionFailure("the export of an imported file is refused: \(error)\n\(exported)")
    }
    return 0
}
