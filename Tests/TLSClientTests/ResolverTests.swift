import Testing

@testable import TLSClient

/// The MX answer parser of the resolver and the address helpers.
@Suite struct ResolverTests {
    /// A response to `example.test MX` with two records (preference 20 first on the wire, the second
    /// name compressed against the first) and an A record in the additional section.
    static let response: [UInt8] = {
        var bytes: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 1]
        // Question: example.test MX IN (offset 12).
        bytes += [7] + Array("example".utf8) + [4] + Array("test".utf8) + [0, 0, 15, 0, 1]
        // Answer 1: pointer to offset 12, MX, IN, TTL 300, rdata: 20 mx2.example.test
        let mx2: [UInt8] = [0, 20, 3] + Array("mx2".utf8) + [0xC0, 12]
        bytes += [0xC0, 12, 0, 15, 0, 1, 0, 0, 1, 44, 0, UInt8(mx2.count)] + mx2
        // Answer 2: 10 mx1.example.test
        let mx1: [UInt8] = [0, 10, 3] + Array("mx1".utf8) + [0xC0, 12]
        bytes += [0xC0, 12, 0, 15, 0, 1, 0, 0, 1, 44, 0, UInt8(mx1.count)] + mx1
        // Additional: mx1.example.test A 127.0.0.3 (ignored).
        bytes += [0xC0, 12, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 127, 0, 0, 3]
        return bytes
    }()

    @Test func mxRecordsAreReadWithCompressedNamesLowestPreferenceFirst() {
        #expect(
            Resolver.parseMX(Self.response) == [
                MXRecord(preference: 10, host: "mx1.example.test"), MXRecord(preference: 20, host: "mx2.example.test"),
            ]
        )
    }

    @Test func truncatedOrLoopingAnswersGiveWhatCouldBeRead() {
        #expect(Resolver.parseMX(Array(Self.response.prefix(40))) == [])
        #expect(Resolver.parseMX([]) == [])
        // A name pointing at itself ends, it does not loop.
        var looping: [UInt8] = [0, 0, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0]
        looping += [0xC0, 12, 0, 15, 0, 1, 0, 0, 0, 1, 0, 4, 0, 10, 0xC0, 26]
        #expect(Resolver.parseMX(looping) == [])
    }

    @Test func addressLiteralsAndLocalNamesResolveWithoutDNS() throws {
        #expect(Resolver.isAddress("127.0.0.1"))
        #expect(Resolver.isAddress("::1"))
        #expect(!Resolver.isAddress("mx.example.test"))
        #expect(try Resolver.addresses("192.0.2.25").get() == ["192.0.2.25"])
        #expect(try Resolver.addresses("localhost").get().contains("127.0.0.1"))
    }
}
