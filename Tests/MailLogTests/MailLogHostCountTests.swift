import MailLog
import Testing

/// The per-domain counts `hoststatus` shows: DNS and other hard bounces, deleted recipients.
@Suite struct MailLogHostCountTests {
    @Test func dnsAndOtherHardBouncesAndDeletedRecipientsAreCountedPerDomain() {
        let postfix = """
            Nov 30 10:00:00 gw postfix/qmgr[1990]: 4NqZ6a1aaaa1aaa: from=<bob@example.org>, size=800, nrcpt=2 (queue active)
            Nov 30 10:00:01 gw postfix/smtp[2060]: 4NqZ6a1aaaa1aaa: to=<a@nowhere.test>, relay=none, delay=1, delays=0/0/1/0, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=nowhere.test type=MX: Host not found, try again)
            Nov 30 10:00:01 gw postfix/smtp[2061]: 4NqZ6a1aaaa1aaa: to=<b@other.test>, relay=none, delay=1, delays=0/0/1/0, dsn=5.4.6, status=bounced (mail for other.test loops back to myself)
            Nov 30 10:00:01 gw postfix/qmgr[1990]: 4NqZ6a1aaaa1aaa: removed
            """
        let result = Fixtures.translate(postfix)
        #expect(result.state.hosts["nowhere.test"]?.dnsHardBounces == 1)
        #expect(result.state.hosts["nowhere.test"]?.hardBouncedRecipients == 1)
        #expect(result.state.hosts["other.test"]?.otherHardBounces == 1)
        #expect(result.state.hosts["other.test"]?.dnsHardBounces == nil)
        #expect(result.state.counters.dnsHardBounces == 1)
        #expect(result.state.counters.otherHardBounces == 1)
    }

    @Test func recipientsDeletedFromTheQueueAreCountedForTheirDomain() {
        let postfix = """
            Nov 30 10:10:00 gw postfix/qmgr[1990]: 4NqZ7b2bbbb2bbb: from=<bob@example.org>, size=800, nrcpt=1 (queue active)
            Nov 30 10:10:01 gw postfix/smtp[2070]: connect to mx.late.test[127.0.0.3]:25: Connection refused
            Nov 30 10:10:01 gw postfix/smtp[2070]: 4NqZ7b2bbbb2bbb: to=<c@late.test>, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to mx.late.test[127.0.0.3]:25: Connection refused)
            Nov 30 10:10:30 gw postfix/postsuper[2080]: 4NqZ7b2bbbb2bbb: removed
            """
        let result = Fixtures.translate(postfix)
        #expect(result.state.hosts["late.test"]?.deletedRecipients == 1)
        #expect(result.state.hosts["late.test"]?.softBouncedEvents == 1)
        #expect(result.state.counters.deletedRecipients == 1)
    }

    @Test func anExpiredMessageBouncesItsOpenRecipientsAsExpiredHardBounces() {
        let postfix = """
            Nov 30 10:20:00 gw postfix/qmgr[1990]: 4NqZ8c3cccc3ccc: from=<bob@example.org>, size=800, nrcpt=2 (queue active)
            Nov 30 10:20:01 gw postfix/smtp[2090]: 4NqZ8c3cccc3ccc: to=<a@late.test>, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to mx.late.test[127.0.0.3]:25: Connection refused)
            Nov 30 10:20:01 gw postfix/smtp[2090]: 4NqZ8c3cccc3ccc: to=<b@late.test>, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to mx.late.test[127.0.0.3]:25: Connection refused)
            Nov 30 15:20:02 gw postfix/qmgr[1990]: 4NqZ8c3cccc3ccc: from=<bob@example.org>, status=expired, returned to sender
            Nov 30 15:20:02 gw postfix/bounce[2091]: 4NqZ8c3cccc3ccc: sender non-delivery notification: 4NqZ9d4dddd4ddd
            Nov 30 15:20:02 gw postfix/qmgr[1990]: 4NqZ8c3cccc3ccc: removed
            """
        let result = Fixtures.translate(postfix)
        #expect(
            result.lines == """
                Mon Nov 30 10:20:00 2026 Info: Start MID 1 ICID 0
                Mon Nov 30 10:20:00 2026 Info: MID 1 ready 800 bytes from <bob@example.org>
                Mon Nov 30 10:20:00 2026 Info: MID 1 queued for delivery
                Mon Nov 30 10:20:01 2026 Info: Delayed: DCID 0 MID 1 to RID [0, 1] - 4.4.1 - connect to mx.late.test[127.0.0.3]:25: Connection refused
                Mon Nov 30 15:20:02 2026 Info: Bounced: DCID 0 MID 1 to RID [0, 1] - 5.4.7 ('Delivery expired (message too old)')
                Mon Nov 30 15:20:02 2026 Info: Start MID 2 ICID 0
                Mon Nov 30 15:20:02 2026 Info: MID 2 was generated for bounce of MID 1
                Mon Nov 30 15:20:02 2026 Info: Message finished MID 1 done

                """
        )
        #expect(result.state.counters.expiredHardBounces == 2)
        #expect(result.state.counters.hardBouncedRecipients == 2)
        #expect(result.state.counters.completedRecipients == 2)
        #expect(result.state.hosts["late.test"]?.expiredHardBounces == 2)
        #expect(result.state.hosts["late.test"]?.hardBouncedRecipients == 2)
        #expect(result.state.hosts["late.test"]?.softBouncedEvents == 1)
    }

    @Test func theDCIDLineNamesTheDeliverysSourceAddress() {
        let postfix = """
            Nov 30 10:30:00 gw postfix/qmgr[1990]: 4NqZAe5eeee5eee: from=<bob@example.org>, size=800, nrcpt=1 (queue active)
            Nov 30 10:30:01 gw postfix/smtp[2095]: 4NqZAe5eeee5eee: to=<a@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 1A)
            Nov 30 10:30:01 gw postfix/qmgr[1990]: 4NqZAe5eeee5eee: removed
            """
        var translator = MailLogTranslator(settings: Fixtures.settings(), today: Fixtures.today)
        translator.sourceAddress = { $0 == "192.0.2.25" ? "198.51.100.7" : nil }
        var output = MailLogOutput()
        for line in postfix.split(separator: "\n") { translator.translate(line, into: &output) }
        translator.flush(into: &output)
        #expect(
            output.lines.contains(
                "Mon Nov 30 10:30:01 2026 Info: New SMTP DCID 1 interface 198.51.100.7 address 192.0.2.25 port 25"
            )
        )
        // The kernel's choice for a loopback peer.
        #expect(SourceAddress.route(to: "127.0.0.3") == "127.0.0.1")
        #expect(SourceAddress.route(to: "not an address") == nil)
    }
}
