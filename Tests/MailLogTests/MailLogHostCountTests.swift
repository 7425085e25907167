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
}
