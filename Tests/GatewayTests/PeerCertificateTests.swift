import Certificates
import Foundation
import Gateway
import MailLog
import Synchronization
import TestSupport
import Testing

/// `esa serve` learns the expiry of the certificates its MXes present (`gateway/peers.json`, shown
/// by `hoststatus`): asked once per new peer, again after a day, a failed peer again after an hour.
@Suite struct PeerCertificateTests {
    @Test func aNewPeerIsAskedOnceThenAgainWhenItChangesOrADayHasPassed() throws {
        let folder = try TemporaryDirectory()
        let path = folder.url.path + "/peers.json"
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        let root = try TestCA.makeRoot(commonName: "esa peer root", validFrom: start)
        let leaf = try Certificate(
            pem: root.makeLeaf(commonName: "mx.a.test", dnsNames: [], days: 30, validFrom: start).certificatePEM
        )
        let clock = Mutex(start)
        let asked = Mutex<[String]>([])
        let reachable = Mutex(true)
        let watcher = PeerCertificateWatcher(
            path: path,
            now: { clock.withLock { $0 } },
            fetch: { address, host, _ in
                asked.withLock { $0.append("\(host ?? "-") \(address)") }
                return reachable.withLock { $0 } ? leaf : nil
            }
        )
        var hosts: [String: HostRecord] = [:]
        var a = HostRecord()
        a.peerSubject = "CN=mx.a.test"
        a.lastHost = "mx.a.test"
        a.lastAddress = "192.0.2.25"
        hosts["a.test"] = a
        var plain = HostRecord()  // delivered in clear: no certificate to ask for
        plain.lastAddress = "192.0.2.26"
        hosts["plain.test"] = plain

        watcher.refresh(hosts: hosts, helo: "gw.test")
        #expect(asked.withLock { $0 } == ["mx.a.test 192.0.2.25"])
        #expect(
            PeerCertificateFile.load(path)["a.test"]
                == PeerCertificateRecord(
                    subject: "CN=mx.a.test",
                    address: "192.0.2.25",
                    notAfter: start.addingTimeInterval(30 * 86_400).timeIntervalSince1970,
                    checkedAt: start.timeIntervalSince1970
                )
        )
        watcher.refresh(hosts: hosts, helo: "gw.test")  // nothing new
        #expect(asked.withLock { $0.count } == 1)
        clock.withLock { $0 = $0.addingTimeInterval(86_400) }
        watcher.refresh(hosts: hosts, helo: "gw.test")  // a day later
        #expect(asked.withLock { $0.count } == 2)
        // A new certificate on another address: asked at once — once the hour since the last ask has passed.
        hosts["a.test"]?.peerSubject = "CN=mx2.a.test"
        hosts["a.test"]?.lastAddress = "192.0.2.27"
        reachable.withLock { $0 = false }
        clock.withLock { $0 = $0.addingTimeInterval(3600) }
        watcher.refresh(hosts: hosts, helo: "gw.test")
        #expect(asked.withLock { $0.count } == 3)
        watcher.refresh(hosts: hosts, helo: "gw.test")  // unreachable: not again within the hour
        #expect(asked.withLock { $0.count } == 3)
        #expect(PeerCertificateFile.load(path)["a.test"]?.subject == "CN=mx.a.test", "the old record stays")
    }
}
