import ApplianceConfig
import Testing

/// The configuration's checksums are OpenSSL's SHA-256: the stored revisions of older versions
/// (checksummed by the former hand-written implementation) must keep verifying.
@Suite struct DigestTests {
    @Test func knownVectors() {
        #expect(SHA256.hex(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
    }

    @Test func slicesAndArraysDigestAlike() {
        let bytes = Array(repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(of: bytes) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256.digest(bytes[10..<20]) == SHA256.digest(Array(bytes[10..<20])))
        #expect(SHA256.digest(bytes).count == 32)
    }
}
