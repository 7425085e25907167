import ApplianceConfig
import Dispatch
import FoundationEssentials
import MailLog

#if canImport(Glibc)
import Glibc
#endif

/// `esa-bench --maillog N`: writes a synthetic Postfix log of about N lines (13 lines per message:
/// an inbound STARTTLS connection with two recipients, one outbound TLS delivery), translates it
/// with the real pipeline in ten equal parts, and prints `maillog_lines N`, `maillog_seconds S`
/// and `maillog_rss_kib` after each part (flat memory = the last figures equal the first).
func runMailLogBench(lines target: Int, folder: URL) throws {
    let log = folder.appendingPathComponent("maillog")
    let descriptor = open(log.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { fatalError("cannot create \(log.path)") }
    let messages = max(target / 13, 10)
    let parts = 10
    let settings = MailLogSettings(
        listeners: [
            "IncomingMail": .init(
                interfaceName: "Management",
                interfaceAddress: "127.0.0.1",
                hostAccess: .publicDefault
            )
        ],
        destinations: ["example.com": .required],
        outboundAddress: "127.0.0.1"
    )
    let clock: @Sendable () -> LogTime = { LogTime(year: 2026, month: 11, day: 30, hour: 12, minute: 0, second: 0) }
    let writer = try MailLogWriter(
        folder: folder.appendingPathComponent("mail_logs").path,
        name: "mail",
        version: "1.0.0-001",
        serial: "BENCH",
        maximumBytes: 50 * 1_048_576,
        keep: 2,
        now: clock
    )
    let pipeline = try MailLogPipeline(
        postfixLog: log.path,
        statePath: folder.appendingPathComponent("state").path,
        writer: writer,
        settings: settings,
        now: clock
    )
    var total = 0
    var seconds = 0.0
    var cpuSeconds = 0.0
    for part in 0..<parts {
        var text = ""
        for index in (part * messages / parts)..<((part + 1) * messages / parts) {
            let time = "Nov 30 \(10 + index / 3_600_000 % 10):\(two(index / 60_000 % 60)):\(two(index / 1000 % 60))"
            let qid = "4Nq" + String(index, radix: 36, uppercase: true) + "xyzQ"
            let pid = 2000 + index % 50
            let client = "unknown[127.0.\(index % 200).\(index % 250 + 1)]"
            text += """
                \(time) gw esa/IncomingMail/smtpd[\(pid)]: connect from \(client)
                \(time) gw esa/IncomingMail/smtpd[\(pid)]: Anonymous TLS connection established from \(client): TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256
                \(time) gw esa/IncomingMail/smtpd[\(pid)]: \(qid): client=\(client)
                \(time) gw esa/IncomingMail/smtpd[\(pid)]: \(qid): info: RCPT from \(client): <a\(index)@example.com>: Recipient address triggers INFO; from=<s@example.org> to=<a\(index)@example.com> proto=ESMTP helo=<c>
                \(time) gw esa/IncomingMail/smtpd[\(pid)]: \(qid): info: RCPT from \(client): <b\(index)@example.com>: Recipient address triggers INFO; from=<s@example.org> to=<b\(index)@example.com> proto=ESMTP helo=<c>
                \(time) gw postfix/cleanup[3000]: \(qid): message-id=<\(index)@example.org>
                \(time) gw postfix/cleanup[3000]: \(qid): info: header Subject: Message \(index) from \(client); from=<s@example.org> to=<a\(index)@example.com> proto=ESMTP helo=<c>
                \(time) gw postfix/qmgr[1000]: \(qid): from=<s@example.org>, size=\(1000 + index % 5000), nrcpt=2 (queue active)
                \(time) gw esa/IncomingMail/smtpd[\(pid)]: disconnect from \(client) ehlo=2 starttls=1 mail=1 rcpt=2 data=1 quit=1 commands=8
                \(time) gw postfix/smtp[\(4000 + index % 20)]: Trusted TLS connection established to mx.example.com[127.0.0.2]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)
                \(time) gw postfix/smtp[\(4000 + index % 20)]: \(qid): to=<a\(index)@example.com>, relay=mx.example.com[127.0.0.2]:25, delay=0.2, delays=0.1/0/0.05/0.05, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X\(index))
                \(time) gw postfix/smtp[\(4000 + index % 20)]: \(qid): to=<b\(index)@example.com>, relay=mx.example.com[127.0.0.2]:25, delay=0.2, delays=0.1/0/0.05/0.05, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X\(index))
                \(time) gw postfix/qmgr[1000]: \(qid): removed

                """
            total += 13
            if text.utf8.count > 1 << 20 {
                writeAll(text, to: descriptor)
                text = ""
            }
        }
        writeAll(text, to: descriptor)
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = threadCPUSeconds()
        try pipeline.catchUp()
        seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        cpuSeconds += threadCPUSeconds() - cpuStart
        print("maillog_rss_kib \(part + 1) \(residentKiB())")
    }
    close(descriptor)
    print("maillog_lines \(total)")
    print("maillog_seconds \(seconds)")
    print("maillog_cpu_seconds \(cpuSeconds)")
    print("maillog_mid \(pipeline.state.lastMID)")
}

/// CPU time of this thread: the figure that does not depend on what else the machine runs.
private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Writes all of `text` (a benchmark: any failure ends the run).
private func writeAll(_ text: String, to descriptor: Int32) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { fatalError("cannot write the synthetic log") }
        offset += written
    }
}

private func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

/// VmRSS of this process, KiB.
private func residentKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}
