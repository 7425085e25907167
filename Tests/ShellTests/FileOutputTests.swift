import Foundation
import Shell
import Testing

/// The one I/O helper: reads and writes that fail raise `ShellError.io` (what `FileHandle`'s
/// `readDataToEndOfFile()` and `write(_:)` turn into a trap).
@Suite struct FileOutputTests {
    @Test func readsAPipeToItsEnd() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let text = String(repeating: "line of output\n", count: 10_000)  // more than one pipe buffer
        let writeEnd = ends[1]
        let writer = Thread {
            try? FileOutput.write(text, to: writeEnd)
            close(writeEnd)
        }
        writer.start()
        defer { close(ends[0]) }
        #expect(try FileOutput.readToEnd(ends[0]) == Array(text.utf8))
    }

    @Test func aFailedReadOrWriteIsAnIOErrorNotATrap() {
        // -1 is never an open descriptor (a closed one could be reused by a test running alongside).
        #expect(throws: ShellError.io("the file is not open")) { try FileOutput.readToEnd(-1) }
        #expect(throws: ShellError.io("the file is not open")) { try FileOutput.write("x", to: -1) }
    }
}
