import ApplianceConfig

// The listenerconfig HAT IMPORT reader (`HostAccessText.parse`) on any text. A table it accepts
// must survive a PRINT / IMPORT round trip: parsing the printed text gives the same table.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHostAccess(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let table = try? HostAccessText.parse(text) else { return 0 }
    let printed = HostAccessText.print(table)
    do {
        let again = try HostAccessText.parse(printed, defaults: table.defaults)
        precondition(again == table, "print then import changed the table:\n\(printed)")
    } catch {
        preconditionFailure("the print of an imported table is refused: \(error)\n\(printed)")
    }
    return 0
}
