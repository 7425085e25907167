import ApplianceConfig
import DomainNames
import Testing

/// One IPv6 grammar for the Host Access Table, the gateway's tables and interface addresses.
@Suite struct IPv6AddressTests {
    @Test(arguments: [
        ("::1", "::1"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("::0001", "::1"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("2001:db8::", "2001:db8::"),
        ("::", "::"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
        ("fe80:0:0:0:1:0:0:0", "fe80::1:0:0:0"),
    ])
    func readsEverySpellingAndWritesRFC5952(_ text: String, _ compressed: String) throws {
        #expect(try #require(IPv6Address(text)).compressed == compressed)
    }

    @Test(arguments: [
        "", ":", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "1:2:3:4::5:6:7:8", "12345::",
        "+1::", "1::-2", "g::1", "::ffff:192.0.2.1", "fe80::1%eth0", "1:2:3:4:5:6:7:",
    ])
    func refusesWhatIsNotAnAddress(_ text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test func aPrefixTakesDigitsFrom0To128() throws {
        #expect(IPv6Prefix("2001:db8::/32")?.bits == 32)
        #expect(IPv6Prefix("2001:db8::")?.bits == nil)
        for bad in ["2001:db8::/129", "2001:db8::/+32", "2001:db8::/", "2001:db8::/3 2", "/32"] {
            #expect(IPv6Prefix(bad) == nil, "\(bad)")
        }
        let network = try #require(IPv6Address("2001:db8:abcd:12:ffff::1")).masked(to: 52)
        #expect(network.compressed == "2001:db8:abcd::")
        #expect(IPv6Address.loopback.masked(to: 0).compressed == "::")
    }

    /// The Host Access Table refuses what the gateway could not render, with the same grammar.
    @Test func theHostAccessTableAndTheGatewayAgree() {
        for member in ["+1::", "1::/+64", "::ffff:192.0.2.1"] {
            #expect(!HostAccessMember.isValid(member), "\(member)")
        }
        #expect(HostAccessMember.isValid("2001:db8::1:2/64"))
    }
}
