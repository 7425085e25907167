import Certificates
import MailLog
import Synchronization
import TLSClient

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Dispatch)
import Dispatch
#endif

/// What `hoststatus` shows of a destination's peer certificate beyond Postfix's log (which names
/// its subject only): its expiry, as fetched by `esa serve` from the MX it last delivered to.
public struct PeerCertificateRecord: Codable, Sendable, Equatable {
    /// The subject as the mail log recorded it (`CN=…`): the record belongs to that certificate.
    public var subject: String
    public var address: String
    /// Seconds since 1970.
    public var notAfter: Double
    public var checkedAt: Double

    public init(subject: String, address: String, notAfter: Double, checkedAt: Double) {
        self.subject = subject
        self.address = address
        self.notAfter = notAfter
        self.checkedAt = checkedAt
    }
}

/// `gateway/peers.json`: per recipient domain, the peer certificate's expiry (written by `esa serve`).
public enum PeerCertificateFile {
    public static func path(_ paths: GatewayPaths) -> String { paths.root + "/peers.json" }

    public static func load(_ path: String) -> [String: PeerCertificateRecord] {
        guard let data = FileManager.default.contents(atPath: path),
            let records = try? JSONDecoder().decode([String: PeerCertificateRecord].self, from: data)
        else { return [:] }
        return records
    }
}

/// Keeps `gateway/peers.json` current: after a round of the mail log, a domain whose last TLS peer
/// (subject, address) is new or whose record is a day old is asked for its certificate again
/// (STARTTLS on port 25, on a thread of its own, a few at a time); a peer that could not be reached
/// is tried again an hour later.
public final class PeerCertificateWatcher: Sendable {
    /// The leaf certificate `address` presents after STARTTLS (`host`: the name for SNI).
    public typealias Fetch = @Sendable (_ address: String, _ host: String?, _ helo: String) -> Certificate?

    private struct State: Sendable {
        var records: [String: PeerCertificateRecord]
        var attempted: [String: Double] = [:]
        var busy = false
    }

    private let path: String
    private let fetch: Fetch
    private let now: @Sendable () -> Date
    private let state: Mutex<State>
    /// At most this many peers are asked per round.
    static let perRound = 8

    public init(
        path: String,
        now: @escaping @Sendable () -> Date = { Date() },
        fetch: @escaping Fetch = { address, host, helo in
            TLSProbe.peerCertificate(address: address, port: 25, serverName: host, heloName: helo)
        }
    ) {
        self.path = path
        self.now = now
        self.fetch = fetch
        state = Mutex(State(records: PeerCertificateFile.load(path)))
    }

    /// The domains due for a check among `hosts` (the mail log's per-domain records).
    func due(_ hosts: [String: HostRecord]) -> [(domain: String, subject: String, address: String, host: String?)] {
        let time = now().timeIntervalSince1970
        return state.withLock { state in
            var found: [(String, String, String, String?)] = []
            for (domain, host) in hosts.sorted(by: { $0.key < $1.key }) {
                guard let subject = host.peerSubject, let address = host.lastAddress else { continue }
                if let tried = state.attempted[domain], time - tried < 3600 { continue }
                if let record = state.records[domain], record.subject == subject, record.address == address,
                    time - record.checkedAt < 86_400
                {
                    continue
                }
                found.append((domain, subject, address, host.lastHost))
                if found.count == Self.perRound { break }
            }
            return found
        }
    }

    /// Starts a check of the due domains unless one is running; returns at once.
    public func update(hosts: [String: HostRecord], helo: String) {
        let due = due(hosts)
        guard !due.isEmpty else { return }
        let start = state.withLock { state -> Bool in
            guard !state.busy else { return false }
            state.busy = true
            return true
        }
        guard start else { return }
        DispatchQueue.global().async { self.check(due, helo: helo) }
    }

    /// `update`, on the calling thread, waiting for the answers (tests).
    public func refresh(hosts: [String: HostRecord], helo: String) {
        check(due(hosts), helo: helo)
    }

    private func check(_ due: [(domain: String, subject: String, address: String, host: String?)], helo: String) {
        for peer in due {
            let certificate = fetch(peer.address, peer.host, helo)
            let time = now().timeIntervalSince1970
            state.withLock { state in
                state.attempted[peer.domain] = time
                if let certificate {
                    state.records[peer.domain] = PeerCertificateRecord(
                        subject: peer.subject,
                        address: peer.address,
                        notAfter: certificate.notAfter.timeIntervalSince1970,
                        checkedAt: time
                    )
                }
            }
        }
        let records = state.withLock { state in
            state.busy = false
            return state.records
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let data = try? encoder.encode(records) {
            try? PostfixInstance.writeAtomically(path, String(decoding: data, as: UTF8.self), mode: 0o644)
        }
    }
}
