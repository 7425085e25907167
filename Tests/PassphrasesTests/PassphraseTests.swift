import ApplianceConfig
import Passphrases
import Testing

@Suite struct PassphraseTests {
    @Test func hashesAreYescryptSaltedAndVerify() throws {
        let first = try Passphrase.hash("Correct-Horse-7")
        let second = try Passphrase.hash("Correct-Horse-7")
        #expect(first.hasPrefix("$y$"))
        #expect(first != second, "each hash has its own salt")
        #expect(!first.contains("Correct-Horse-7"))
        #expect(Passphrase.verify("Correct-Horse-7", against: first))
        #expect(!Passphrase.verify("Correct-Horse-8", against: first))
        #expect(!Passphrase.verify("anything", against: "not a hash"))
        #expect(!Passphrase.verify("anything", against: ""))
    }

    @Test func theFactoryHashIsIronport() {
        #expect(Passphrase.verify("ironport", against: ApplianceUser.factoryHash))
        #expect(!Passphrase.verify("Ironport", against: ApplianceUser.factoryHash))
    }
}
