import ApplianceConfig
import MailLog
import Testing

@Suite struct MailLogInboundTests {
    @Test func requiredListenerLogsPlaintextClientsAndFailedHandshakesInTheGuidesOrder() {
        let postfix = """
            Nov 30 09:20:00 gw esa/StrictMail/smtpd[2020]: connect from unknown[127.0.0.20]
            Nov 30 09:20:00 gw esa/StrictMail/smtpd[2020]: NOQUEUE: reject: MAIL from unknown[127.0.0.20]: 530 5.7.1 Session encryption is required; from=<x@client.test> proto=ESMTP helo=<client.test>
            Nov 30 09:20:00 gw esa/StrictMail/smtpd[2020]: NOQUEUE: reject: MAIL from unknown[127.0.0.20]: 530 5.7.1 Session encryption is required; from=<x@client.test> proto=ESMTP helo=<client.test>
            Nov 30 09:20:00 gw esa/StrictMail/smtpd[2020]: disconnect from unknown[127.0.0.20] ehlo=1 mail=0/2 quit=1 commands=2/4
            Nov 30 09:30:00 gw esa/StrictMail/smtpd[2020]: connect from unknown[127.0.0.21]
            Nov 30 09:30:00 gw esa/StrictMail/smtpd[2020]: SSL_accept error from unknown[127.0.0.21]: -1
            Nov 30 09:30:00 gw esa/StrictMail/smtpd[2020]: warning: TLS library problem: error:0A0000C1:SSL routines::no shared cipher:../ssl/statem/statem_srvr.c:2220:
            Nov 30 09:30:00 gw esa/StrictMail/smtpd[2020]: lost connection after STARTTLS from unknown[127.0.0.21]
            Nov 30 09:30:00 gw esa/StrictMail/smtpd[2020]: disconnect from unknown[127.0.0.21] ehlo=1 starttls=0/1 commands=1/2
            Nov 30 09:31:00 gw esa/StrictMail/smtpd[2021]: connect from unknown[127.0.0.22]
            Nov 30 09:31:05 gw esa/StrictMail/smtpd[2021]: disconnect from unknown[127.0.0.22] ehlo=1 quit=1 commands=2
            """
        let expected = """
            Mon Nov 30 09:20:00 2026 Info: New SMTP ICID 1 interface Management (127.0.0.1) address 127.0.0.20 reverse dns host unknown verified no
            Mon Nov 30 09:20:00 2026 Info: ICID 1 ACCEPT SG None match ALL SBRS None
            Mon Nov 30 09:20:00 2026 Info: ICID 1 TLS was required but remote host did not initiate it result=starttls-not-supported
            Mon Nov 30 09:20:00 2026 Info: ICID 1 close tls=encrypt
            Mon Nov 30 09:30:00 2026 Info: New SMTP ICID 2 interface Management (127.0.0.1) address 127.0.0.21 reverse dns host unknown verified no
            Mon Nov 30 09:30:00 2026 Info: ICID 2 ACCEPT SG None match ALL SBRS None
            Mon Nov 30 09:30:00 2026 Info: ICID 2 TLS failed: error:0A0000C1:SSL routines::no shared cipher result=validation-failure
            Mon Nov 30 09:30:00 2026 Info: ICID 2 lost
            Mon Nov 30 09:30:00 2026 Info: ICID 2 TLS was required but remote host did not initiate it result=validation-failure
            Mon Nov 30 09:30:00 2026 Info: ICID 2 close tls=encrypt
            Mon Nov 30 09:31:00 2026 Info: New SMTP ICID 3 interface Management (127.0.0.1) address 127.0.0.22 reverse dns host unknown verified no
            Mon Nov 30 09:31:00 2026 Info: ICID 3 ACCEPT SG None match ALL SBRS None
            Mon Nov 30 09:31:05 2026 Info: ICID 3 TLS was required but remote host did not initiate it result=starttls-not-supported
            Mon Nov 30 09:31:05 2026 Info: ICID 3 close tls=encrypt

            """
        #expect(Fixtures.translate(postfix, settings: Fixtures.settings(tlsFields: true)).lines == expected)
    }

    @Test func theHATLineNamesTheSenderGroupAndMemberThatMatched() {
        let postfix = """
            Nov 30 10:00:00 gw esa/IncomingMail/smtpd[3001]: connect from unknown[127.0.1.5]
            Nov 30 10:00:00 gw esa/IncomingMail/smtpd[3001]: NOQUEUE: reject: CONNECT from unknown[127.0.1.5]: 554 5.7.1 <unknown[127.0.1.5]>: Client host rejected: Access denied; proto=SMTP
            Nov 30 10:00:00 gw esa/IncomingMail/smtpd[3001]: disconnect from unknown[127.0.1.5] commands=0/0
            Nov 30 10:00:01 gw esa/IncomingMail/smtpd[3001]: connect from mail.trusted.example[127.0.0.99]
            Nov 30 10:00:01 gw esa/IncomingMail/smtpd[3001]: disconnect from mail.trusted.example[127.0.0.99] ehlo=1 quit=1 commands=2
            Nov 30 10:00:02 gw esa/IncomingMail/smtpd[3001]: connect from unknown[::1]
            Nov 30 10:00:02 gw esa/IncomingMail/smtpd[3001]: disconnect from unknown[::1] ehlo=1 quit=1 commands=2
            Nov 30 10:00:03 gw esa/OtherMail/smtpd[3002]: connect from unknown[127.0.0.5]
            """
        let expected = """
            Mon Nov 30 10:00:00 2026 Info: New SMTP ICID 1 interface Management (127.0.0.1) address 127.0.1.5 reverse dns host unknown verified no
            Mon Nov 30 10:00:00 2026 Info: ICID 1 REJECT SG BLACKLIST match 127.0.1.0/24 SBRS None
            Mon Nov 30 10:00:00 2026 Info: ICID 1 close
            Mon Nov 30 10:00:01 2026 Info: New SMTP ICID 2 interface Management (127.0.0.1) address 127.0.0.99 reverse dns host mail.trusted.example verified yes
            Mon Nov 30 10:00:01 2026 Info: ICID 2 ACCEPT SG WHITELIST match .trusted.example SBRS None
            Mon Nov 30 10:00:01 2026 Info: ICID 2 close
            Mon Nov 30 10:00:02 2026 Info: New SMTP ICID 3 interface Management (127.0.0.1) address ::1 reverse dns host unknown verified no
            Mon Nov 30 10:00:02 2026 Info: ICID 3 ACCEPT SG None match ALL SBRS None
            Mon Nov 30 10:00:02 2026 Info: ICID 3 close
            Mon Nov 30 10:00:03 2026 Info: New SMTP ICID 4 interface OtherMail (0.0.0.0) address 127.0.0.5 reverse dns host unknown verified no
            Mon Nov 30 10:00:03 2026 Info: ICID 4 ACCEPT SG None match ALL SBRS None

            """
        #expect(Fixtures.translate(postfix).lines == expected)
    }

    @Test func clientCertificatesAreReportedVerifiedOrNot() {
        var settings = Fixtures.settings()
        settings.listeners["IncomingMail"]?.hostAccess.defaults.tls = .onVerify
        let postfix = """
            Nov 30 10:10:00 gw esa/IncomingMail/smtpd[3101]: connect from unknown[127.0.0.30]
            Nov 30 10:10:00 gw esa/IncomingMail/smtpd[3101]: unknown[127.0.0.30]: subject_CN=client.example.org, issuer=esa Test CA, fingerprint=AA, pkey_fingerprint=BB
            Nov 30 10:10:00 gw esa/IncomingMail/smtpd[3101]: Trusted TLS connection established from unknown[127.0.0.30]: TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)
            Nov 30 10:10:00 gw esa/IncomingMail/smtpd[3101]: disconnect from unknown[127.0.0.30] ehlo=2 starttls=1 quit=1 commands=4
            Nov 30 10:10:01 gw esa/IncomingMail/smtpd[3101]: connect from unknown[127.0.0.31]
            Nov 30 10:10:01 gw esa/IncomingMail/smtpd[3101]: certificate verification failed for unknown[127.0.0.31]: untrusted issuer /O=esa tests/CN=Some Other CA
            Nov 30 10:10:01 gw esa/IncomingMail/smtpd[3101]: unknown[127.0.0.31]: subject_CN=rogue.example.org, issuer=Some Other CA, fingerprint=CC, pkey_fingerprint=DD
            Nov 30 10:10:01 gw esa/IncomingMail/smtpd[3101]: Untrusted TLS connection established from unknown[127.0.0.31]: TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)
            Nov 30 10:10:01 gw esa/IncomingMail/smtpd[3101]: lost connection after EHLO from unknown[127.0.0.31]
            Nov 30 10:10:01 gw esa/IncomingMail/smtpd[3101]: disconnect from unknown[127.0.0.31] ehlo=2 starttls=1 commands=3
            Nov 30 10:10:02 gw esa/IncomingMail/smtpd[3101]: connect from unknown[127.0.0.32]
            Nov 30 10:10:02 gw esa/IncomingMail/smtpd[3101]: Anonymous TLS connection established from unknown[127.0.0.32]: TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)
            Nov 30 10:10:02 gw esa/IncomingMail/smtpd[3101]: disconnect from unknown[127.0.0.32] ehlo=2 starttls=1 quit=1 commands=4
            """
        let expected = """
            Mon Nov 30 10:10:00 2026 Info: New SMTP ICID 1 interface Management (127.0.0.1) address 127.0.0.30 reverse dns host unknown verified no
            Mon Nov 30 10:10:00 2026 Info: ICID 1 ACCEPT SG None match ALL SBRS None
            Mon Nov 30 10:10:00 2026 Info: ICID 1 TLS success protocol TLSv1.3 cipher TLS_AES_128_GCM_SHA256
            Mon Nov 30 10:10:00 2026 Info: ICID 1 TLS client certificate verified: client.example.org
            Mon Nov 30 10:10:00 2026 Info: ICID 1 close
            Mon Nov 30 10:10:01 2026 Info: New SMTP ICID 2 interface Management (127.0.0.1) address 127.0.0.31 reverse dns host unknown verified no
            Mon Nov 30 10:10:01 2026 Info: ICID 2 ACCEPT SG None match ALL SBRS None
            Mon Nov 30 10:10:01 2026 Info: ICID 2 TLS success protocol TLSv1.3 cipher TLS_AES_128_GCM_SHA256
            Mon Nov 30 10:10:01 2026 Info: ICID 2 TLS client certificate not verified: unable to get local issuer certificate
            Mon Nov 30 10:10:01 2026 Info: ICID 2 lost
            Mon Nov 30 10:10:01 2026 Info: ICID 2 close
            Mon Nov 30 10:10:02 2026 Info: New SMTP ICID 3 interface Management (127.0.0.1) address 127.0.0.32 reverse dns host unknown verified no
            Mon Nov 30 10:10:02 2026 Info: ICID 3 ACCEPT SG None match ALL SBRS None
            Mon Nov 30 10:10:02 2026 Info: ICID 3 TLS success protocol TLSv1.3 cipher TLS_AES_128_GCM_SHA256
            Mon Nov 30 10:10:02 2026 Info: ICID 3 TLS client certificate not verified: no certificate presented
            Mon Nov 30 10:10:02 2026 Info: ICID 3 close

            """
        #expect(Fixtures.translate(postfix, settings: settings).lines == expected)
    }

    @Test func aDecemberLineReadInJanuaryIsLastYearsAndGetsItsWeekday() {
        var translator = MailLogTranslator(settings: Fixtures.settings(), today: (2027, 1))
        var output = MailLogOutput()
        translator.translate(
            "Dec 31 23:59:59 gw esa/IncomingMail/smtpd[1]: connect from unknown[127.0.0.40]",
            into: &output
        )
        translator.translate(
            "Jan  1 00:00:01 gw esa/IncomingMail/smtpd[1]: disconnect from unknown[127.0.0.40]",
            into: &output
        )
        translator.translate(
            "2027-01-02T03:04:05.123456+00:00 gw esa/IncomingMail/smtpd[2]: connect from unknown[127.0.0.41]",
            into: &output
        )
        #expect(
            output.lines == [
                "Thu Dec 31 23:59:59 2026 Info: New SMTP ICID 1 interface Management (127.0.0.1) address 127.0.0.40 reverse dns host unknown verified no",
                "Thu Dec 31 23:59:59 2026 Info: ICID 1 ACCEPT SG None match ALL SBRS None",
                "Fri Jan 1 00:00:01 2027 Info: ICID 1 close",
                "Sat Jan 2 03:04:05 2027 Info: New SMTP ICID 2 interface Management (127.0.0.1) address 127.0.0.41 reverse dns host unknown verified no",
                "Sat Jan 2 03:04:05 2027 Info: ICID 2 ACCEPT SG None match ALL SBRS None",
            ]
        )
    }

    @Test func linesThatAreNotPostfixsAreSkipped() {
        let postfix = """
            garbage
            Nov 30 10:20:00 gw kernel: something
            Nov 99 10:20:00 gw esa/IncomingMail/smtpd[1]: connect from unknown[127.0.0.50]
            Nov 30 10:20:00 gw esa/IncomingMail/smtpd[1]: disconnect from unknown[127.0.0.50]
            Nov 30 10:20:00 gw postfix/qmgr[1]: removed
            """
        #expect(Fixtures.translate(postfix).lines == "")
    }
}
