/// Content-defined chunking: cuts stored content where a rolling hash of the last bytes hits a pattern,
/// so that a change in the middle of a large configuration changes one or two chunks and every other
/// chunk keeps its bytes — and is stored once, shared by every revision that holds it.
///
/// A "gear" hash (FastCDC's): one shift and one table lookup per byte. Chunks are at least
/// ``minimum`` and at most ``maximum`` bytes, about 8 KiB on average.
enum Chunker {
    static let minimum = 2048
    static let maximum = 65_536
    /// 13 high bits: a cut every 8 KiB on average past the minimum.
    private static let mask: UInt64 = ((1 << 13) - 1) << 51

    /// 256 fixed pseudo-random words (SplitMix64 from a fixed seed): the cut points must never change,
    /// or equal content stored by another version would no longer share its chunks.
    private static let gear: [UInt64] = {
        var state: UInt64 = 0x6573_612d_6368_756e  // "esa-chun"
        return (0..<256).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }()

    /// The chunks of `bytes`, in order; their concatenation is `bytes`. Empty content is one empty chunk.
    static func ranges(_ bytes: [UInt8]) -> [Range<Int>] {
        if bytes.isEmpty { return [0..<0] }
        var ranges: [Range<Int>] = []
        let table = gear
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let remaining = buffer.count - start
                if remaining <= minimum {
                    ranges.append(start..<buffer.count)
                    break
                }
                let limit = start + min(remaining, maximum)
                var hash: UInt64 = 0
                var index = start + minimum
                var end = limit
                while index < limit {
                    hash = (hash << 1) &+ table[Int(buffer[index])]
                    index += 1
                    if hash & mask == 0 {
                        end = index
                        break
                    }
                }
                ranges.append(start..<end)
                start = end
            }
        }
        return ranges
    }
}
