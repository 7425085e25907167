import Testing

@testable import Gateway

/// The envelope of an outbox message, read from its headers.
@Suite struct OutboxTests {
    @Test func senderAndRecipientsComeFromTheHeaderBlockOnly() throws {
        let message =
            "From: esa@gw.example\r\nTo: a@example.com, Ops <ops@example.org>\r\nSubject: x\r\n\r\nTo: body@example.net\r\n"
        let envelope = try #require(Outbox.envelope(message))
        #expect(envelope.sender == "esa@gw.example")
        #expect(envelope.recipients == ["a@example.com", "ops@example.org"])
    }

    @Test func aMessageWithoutSenderOrRecipientsOrWithAnOptionLikeAddressIsRefused() {
        #expect(Outbox.envelope("Subject: x\n\nbody\n") == nil)
        #expect(Outbox.envelope("From: esa@gw.example\nTo: nobody\n\n") == nil)
        #expect(Outbox.envelope("From: -oQ@gw.example\nTo: a@example.com\n\n") == nil)
    }
}
