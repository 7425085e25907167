import ApplianceConfig
import Foundation
import Testing

@testable import ConfigStore

/// Revisions and saved files written before the typed model (issue 9 step 4) keep loading, and the
/// same configuration still encodes to the same bytes (so stored chunks stay shared).
@Suite struct LegacyFormatTests {
    static let header = XMLHeader(
        product: "P",
        model: "M",
        version: "V",
        serialNumber: "S",
        cpuCount: 2,
        memoryGB: 4,
        currentTime: "Tue Sep 22 09:00:00 2026"
    )

    @Test func aBinaryRevisionFromBeforeLoadsAndEncodesToTheSameBytes() throws {
        let old = try #require(Data(base64Encoded: Self.binary, options: .ignoreUnknownCharacters))
        let decoded = try BinaryCodec.decode(ApplianceConfiguration.self, from: [UInt8](old))
        #expect(decoded == LegacyFixture.configuration())
        #expect(BinaryCodec.encode(LegacyFixture.configuration()) == [UInt8](old))
    }

    @Test func aJSONRevisionFromBeforeLoads() throws {
        let decoded = try JSONDecoder().decode(ApplianceConfiguration.self, from: Data(Self.json.utf8))
        #expect(decoded == LegacyFixture.configuration())
    }

    @Test func aSavedFileFromBeforeLoadsAndIsWrittenTheSame() throws {
        let decoded = try XMLCodec.decode(Data(Self.xml.utf8), open: { String($0.dropFirst(2)) })
        #expect(decoded == LegacyFixture.configuration())
        let written = try XMLCodec.encode(
            LegacyFixture.configuration(),
            header: Self.header,
            secrets: .encrypt(seal: { "S:" + $0 })
        )
        #expect(written == Self.xml)
    }

    /// Revision 2 of the GRDB fixture holds its changes as the lines `showchanges` showed then: they
    /// read back as those lines, and are written back as the same text (which its checksum covers).
    @Test func changesStoredAsTextLinesReadBackAsThoseLines() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: GRDBCompatibilityTests.fixture.path, toPath: directory.storePath)
        let store = try RevisionStore(path: directory.storePath, clock: ManualClock().function) { Fixtures.factory() }
        let info = try #require(try store.revision(2)).info
        let lines = (0..<3).flatMap {
            ["+ destconfig: d\($0).example.com", "destconfig: d\($0).example.com tls: required"]
        }
        #expect(Array(info.changes) == lines.map(RecordedChange.line))
        #expect(ChangeLines.join(info.changes.map(ChangeRecords.encode)) == lines.joined(separator: "\n"))
        #expect(try store.verify() == 2)
    }

    /// A new revision stores its changes typed, and a fresh store (another process) reads them back
    /// equal: every kind of change, every kind of object, and text that needs escaping.
    @Test func aNewRevisionRoundTripsTypedChanges() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(directory)
        let old = try store.head().configuration
        var new = old
        new.hostname = "tab\there\\back\nslash.example.com"
        new.destinations.append(DestinationEntry(domain: "partner.example", tls: .required))
        new.listeners[0].hostAccess.policies.append(MailFlowPolicy(name: "PARTNER_TLS", action: .accept))
        new.listeners[0].hostAccess.policies.removeFirst()
        new.listenerSettings.maxConcurrentConnections += 1
        let changes = new.changes(since: old)
        let kinds = Set(changes.map { String("\($0.kind)".prefix { $0 != "(" }) })
        #expect(kinds == ["added", "described", "modified", "memberAdded", "memberRemoved"])

        guard case .committed(let info, _, _) = try store.commitFromHead({ $0 = new }) else {
            Issue.record("the commit did not commit")
            return
        }
        #expect(Array(info.changes) == changes.map(RecordedChange.change))
        let reread = try #require(try Fixtures.store(directory).revision(info.number)).info
        #expect(reread == info)
        #expect(try Fixtures.store(directory).verify() == info.number)
    }

    /// Every object and change kind survives the stored form; a line that is no record (or a record
    /// of a newer format) reads as the text it is.
    @Test func changeRecordsRoundTrip() {
        let objects: [ObjectReference] =
            [
                .certificateProfile("Demo"), .revocationList("Root CRL"), .interface("Data 1"),
                .listener("IncomingMail"), .destination("example.com"), .user("admin"),
            ] + SettingsGroupKind.allCases.map(ObjectReference.settings)
        let kinds: [ConfigChange.Kind] = [
            .added, .removed, .modified(setting: "a\tb", old: "\\t", new: ""),
            .described(setting: "tls", value: "required"),
            .memberAdded(list: "hostaccess", member: "policy X", fields: "action ACCEPT, tls on"),
            .memberRemoved(list: "rcptaccess", member: "\t"),
        ]
        for object in objects {
            for kind in kinds {
                let change = RecordedChange.change(
                    ConfigChange(key: ObjectKey(section: "sec\\tion", id: "i\td"), object: object, kind: kind)
                )
                let stored = ChangeRecords.encode(change)
                #expect(ChangeRecords.decode(stored) == change)
                #expect(ChangeLines.split(ChangeLines.join([stored, stored])) == [stored, stored])
            }
        }
        for text in ["+ destconfig: example.com", "", "\u{1}2\tfuture", "\u{1}1\tshort", "\u{1}1\tbad\\"] {
            #expect(ChangeRecords.decode(text) == .line(text))
            #expect(ChangeRecords.encode(.line(text)) == text)
        }
    }

    /// `BinaryCodec.encode(LegacyFixture.configuration())` before the typed model, base64.
    static let binary = """
        CA8AAAAIaG9zdG5hbWUHFGlyb25wb3J0LmV4YW1wbGUuY29tCmludGVyZmFjZXMJAgAAAAgHAAAABG5hbWUHCk1hbmFnZW1lbnQH
        YWRkcmVzcwcNMTkyLjE2OC40Mi40MgxwcmVmaXhMZW5ndGgDMAhob3N0bmFtZQcUaXJvbnBvcnQuZXhhbXBsZS5jb20Hc3NoUG9y
        dAMsCWh0dHBzUG9ydAP2BhBodHRwc0NlcnRpZmljYXRlBwREZW1vCAYAAAAEbmFtZQcGRGF0YSAxB2FkZHJlc3MHCDEwLjAuMC4x
        DHByZWZpeExlbmd0aAMQCGhvc3RuYW1lBw1kLmV4YW1wbGUuY29tCWh0dHBzUG9ydAP2gwEQaHR0cHNDZXJ0aWZpY2F0ZQcHcGFy
        dG5lcgxjZXJ0aWZpY2F0ZXMJAgAAAAgEAAAABG5hbWUHBERlbW8OY2VydGlmaWNhdGVQRU0HOy0tLS0tQkVHSU4gQ0VSVElGSUNB
        VEUtLS0tLQpNSUlCCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0KDXByaXZhdGVLZXlQRU0HOi0tLS0tQkVHSU4gUFJJVkFURSBL
        RVktLS0tLQpNSUlFCi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0QaW50ZXJtZWRpYXRlc1BFTQkAAAAACAQAAAAEbmFtZQcHUGFy
        dG5lcg5jZXJ0aWZpY2F0ZVBFTQc7LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMKLS0tLS1FTkQgQ0VSVElGSUNBVEUt
        LS0tLQoNcHJpdmF0ZUtleVBFTQc6LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUYKLS0tLS1FTkQgUFJJVkFURSBLRVkt
        LS0tLRBpbnRlcm1lZGlhdGVzUEVNCQEAAAAHOy0tLS0tQkVHSU4gQ0VSVElGSUNBVEUtLS0tLQpNSUlECi0tLS0tRU5EIENFUlRJ
        RklDQVRFLS0tLS0KFmNlcnRpZmljYXRlQXV0aG9yaXRpZXMIAwAAABFzeXN0ZW1MaXN0RW5hYmxlZAIRY3VzdG9tTGlzdEVuYWJs
        ZWQBFWN1c3RvbUNlcnRpZmljYXRlc1BFTQkAAAAAD3Jldm9jYXRpb25MaXN0cwkBAAAACAIAAAAEbmFtZQcIUm9vdCBDUkwDcGVt
        BzUtLS0tLUJFR0lOIFg1MDkgQ1JMLS0tLS0KTUlJQQotLS0tLUVORCBYNTA5IENSTC0tLS0tCgxkZXN0aW5hdGlvbnMJAwAAAAgH
        AAAABmRvbWFpbgcPcGFydG5lci5leGFtcGxlDm1heENvbmN1cnJlbmN5AxQOcmVjaXBpZW50TGltaXQDyAEUcmVjaXBpZW50TGlt
        aXRQZXJpb2QDAglsaW1pdFR5cGUHBE1YSVADdGxzBw9yZXF1aXJlZC12ZXJpZnkSYm91bmNlVmVyaWZpY2F0aW9uAggFAAAABmRv
        bWFpbgcQLnBhcnRuZXIuZXhhbXBsZRhtYXhNZXNzYWdlc1BlckNvbm5lY3Rpb24DDgxsaW1pdEFwcGxpZXMHAlZHDWJvdW5jZVBy
        b2ZpbGUHB0RlZmF1bHQMaXBQcmVmZXJlbmNlBw5JUHY2IFByZWZlcnJlZAgBAAAABmRvbWFpbgcNcGxhaW4uZXhhbXBsZRNkZXN0
        aW5hdGlvbkRlZmF1bHRzCAwAAAAObWF4Q29uY3VycmVuY3kD9AMYbWF4TWVzc2FnZXNQZXJDb25uZWN0aW9uA2QOcmVjaXBpZW50
        TGltaXQDABRyZWNpcGllbnRMaW1pdFBlcmlvZAN4CWxpbWl0VHlwZQcEaG9zdAxsaW1pdEFwcGxpZXMHBnN5c3RlbQN0bHMHCXBy
        ZWZlcnJlZBJib3VuY2VWZXJpZmljYXRpb24BDWJvdW5jZVByb2ZpbGUHB0RlZmF1bHQMaXBQcmVmZXJlbmNlBw5JUHY0IFByZWZl
        cnJlZBNvdXRib3VuZENlcnRpZmljYXRlBwREZW1vEHJlcXVpcmVkVExTQWxlcnQCBGxkYXAIAQAAAAtjZXJ0aWZpY2F0ZQcHUGFy
        dG5lcgt3ZWJTZWN1cml0eQgDAAAADHVybEZpbHRlcmluZwITaW50ZXJhY3Rpb25UcmFja2luZwERY2xpZW50Q2VydGlmaWNhdGUH
        B3BhcnRuZXIJbGlzdGVuZXJzCQIAAAAICAAAAARuYW1lBwxJbmNvbWluZ01haWwEa2luZAcGcHVibGljCWludGVyZmFjZQcKTWFu
        YWdlbWVudARwb3J0AzILY2VydGlmaWNhdGUHBERlbW8ObWF4Q29ubmVjdGlvbnMDZApob3N0QWNjZXNzCAQAAAAIZGVmYXVsdHMI
        DAAAAAlzcGFtQ2hlY2sCFW1heE1lc3NhZ2VzUGVyU2Vzc2lvbgMUDm1heENvbmN1cnJlbmN5AxQXbWF4UmVjaXBpZW50c1Blck1l
        c3NhZ2UDZBRtYXhSZWNpcGllbnRzUGVySG91cgMBCWRoYXBMaW1pdAMyCnZpcnVzQ2hlY2sCDm1heE1lc3NhZ2VTaXplA4CAgAoN
        dXNlU2VuZGVyQmFzZQIDdGxzBwNvZmYIc210cEF1dGgHA29mZhJzbXRwQXV0aFJlcXVpcmVUTFMBCHBvbGljaWVzCQQAAAAIAwAA
        AARuYW1lBwhBQ0NFUFRFRAZhY3Rpb24HBkFDQ0VQVApwYXJhbWV0ZXJzCAAAAAAIAwAAAARuYW1lBwlUSFJPVFRMRUQGYWN0aW9u
        BwZBQ0NFUFQKcGFyYW1ldGVycwgKAAAACXNwYW1DaGVjawIVbWF4TWVzc2FnZXNQZXJTZXNzaW9uAxQObWF4Q29uY3VycmVuY3kD
        FBdtYXhSZWNpcGllbnRzUGVyTWVzc2FnZQMyFG1heFJlY2lwaWVudHNQZXJIb3VyAwIJZGhhcExpbWl0AwAKdmlydXNDaGVjawIO
        bWF4TWVzc2FnZVNpemUDgICAAQ11c2VTZW5kZXJCYXNlAgN0bHMHA29mZggDAAAABG5hbWUHB1RSVVNURUQGYWN0aW9uBwZBQ0NF
        UFQKcGFyYW1ldGVycwgKAAAACXNwYW1DaGVjawEVbWF4TWVzc2FnZXNQZXJTZXNzaW9uA5BODm1heENvbmN1cnJlbmN5A7AJF21h
        eFJlY2lwaWVudHNQZXJNZXNzYWdlA5BOFG1heFJlY2lwaWVudHNQZXJIb3VyAwEJZGhhcExpbWl0AwAKdmlydXNDaGVjawIObWF4
        TWVzc2FnZVNpemUDgICAZA11c2VTZW5kZXJCYXNlAQN0bHMHA29mZggDAAAABG5hbWUHB0JMT0NLRUQGYWN0aW9uBwZSRUpFQ1QK
        cGFyYW1ldGVycwgAAAAAB2VudHJpZXMJBAAAAAgEAAAABG5hbWUHCVdISVRFTElTVAdtZW1iZXJzCQAAAAAIYmVoYXZpb3IIAQAA
        AAZwb2xpY3kIAQAAAAJfMAcHVFJVU1RFRAdjb21tZW50Bz5NeSB0cnVzdGVkIHNlbmRlcnMgaGF2ZSBubyBhbnRpLXNwYW0gc2Nh
        bm5pbmcgb3IgcmF0ZSBsaW1pdGluZwgEAAAABG5hbWUHCUJMQUNLTElTVAdtZW1iZXJzCQAAAAAIYmVoYXZpb3IIAQAAAAZwb2xp
        Y3kIAQAAAAJfMAcHQkxPQ0tFRAdjb21tZW50BxVTcGFtbWVycyBhcmUgcmVqZWN0ZWQIBAAAAARuYW1lBwtTVVNQRUNUTElTVAdt
        ZW1iZXJzCQAAAAAIYmVoYXZpb3IIAQAAAAZwb2xpY3kIAQAAAAJfMAcJVEhST1RUTEVEB2NvbW1lbnQHIFN1c3BpY2lvdXMgc2Vu
        ZGVycyBhcmUgdGhyb3R0bGVkCAQAAAAEbmFtZQcLVU5LTk9XTkxJU1QHbWVtYmVycwkAAAAACGJlaGF2aW9yCAEAAAAGcG9saWN5
        CAEAAAACXzAHCEFDQ0VQVEVEB2NvbW1lbnQHMlJldmlld2VkIGJ1dCB1bmRlY2lkZWQsIGNvbnRpbnVlIG5vcm1hbCBhY2NlcHRh
        bmNlA2FsbAgBAAAABnBvbGljeQgBAAAAAl8wBwhBQ0NFUFRFRA9yZWNpcGllbnRBY2Nlc3MJAQAAAAgCAAAAB3BhdHRlcm4HA0FM
        TAZhY2NlcHQBCAgAAAAEbmFtZQcIT3V0Z29pbmcEa2luZAcHcHJpdmF0ZQlpbnRlcmZhY2UHBmRhdGEgMQRwb3J0A5YJC2NlcnRp
        ZmljYXRlBwdQQVJUTkVSDm1heENvbm5lY3Rpb25zA2QKaG9zdEFjY2VzcwgEAAAACGRlZmF1bHRzCAwAAAAJc3BhbUNoZWNrAhVt
        YXhNZXNzYWdlc1BlclNlc3Npb24DFA5tYXhDb25jdXJyZW5jeQMUF21heFJlY2lwaWVudHNQZXJNZXNzYWdlA2QUbWF4UmVjaXBp
        ZW50c1BlckhvdXIDAQlkaGFwTGltaXQDMgp2aXJ1c0NoZWNrAg5tYXhNZXNzYWdlU2l6ZQOAgIAKDXVzZVNlbmRlckJhc2UCA3Rs
        cwcDb2ZmCHNtdHBBdXRoBwNvZmYSc210cEF1dGhSZXF1aXJlVExTAQhwb2xpY2llcwkEAAAACAMAAAAEbmFtZQcIQUNDRVBURUQG
        YWN0aW9uBwZBQ0NFUFQKcGFyYW1ldGVycwgAAAAACAMAAAAEbmFtZQcJVEhST1RUTEVEBmFjdGlvbgcGQUNDRVBUCnBhcmFtZXRl
        cnMICgAAAAlzcGFtQ2hlY2sCFW1heE1lc3NhZ2VzUGVyU2Vzc2lvbgMUDm1heENvbmN1cnJlbmN5AxQXbWF4UmVjaXBpZW50c1Bl
        ck1lc3NhZ2UDMhRtYXhSZWNpcGllbnRzUGVySG91cgMCCWRoYXBMaW1pdAMACnZpcnVzQ2hlY2sCDm1heE1lc3NhZ2VTaXplA4CA
        gAENdXNlU2VuZGVyQmFzZQIDdGxzBwNvZmYIAwAAAARuYW1lBwdUUlVTVEVEBmFjdGlvbgcGQUNDRVBUCnBhcmFtZXRlcnMICgAA
        AAlzcGFtQ2hlY2sBFW1heE1lc3NhZ2VzUGVyU2Vzc2lvbgOQTg5tYXhDb25jdXJyZW5jeQOwCRdtYXhSZWNpcGllbnRzUGVyTWVz
        c2FnZQOQThRtYXhSZWNpcGllbnRzUGVySG91cgMBCWRoYXBMaW1pdAMACnZpcnVzQ2hlY2sCDm1heE1lc3NhZ2VTaXplA4CAgGQN
        dXNlU2VuZGVyQmFzZQEDdGxzBwNvZmYIAwAAAARuYW1lBwdCTE9DS0VEBmFjdGlvbgcGUkVKRUNUCnBhcmFtZXRlcnMIAAAAAAdl
        bnRyaWVzCQQAAAAIBAAAAARuYW1lBwlXSElURUxJU1QHbWVtYmVycwkAAAAACGJlaGF2aW9yCAEAAAAGcG9saWN5CAEAAAACXzAH
        B1RSVVNURUQHY29tbWVudAc+TXkgdHJ1c3RlZCBzZW5kZXJzIGhhdmUgbm8gYW50aS1zcGFtIHNjYW5uaW5nIG9yIHJhdGUgbGlt
        aXRpbmcIBAAAAARuYW1lBwlCTEFDS0xJU1QHbWVtYmVycwkAAAAACGJlaGF2aW9yCAEAAAAGcG9saWN5CAEAAAACXzAHB0JMT0NL
        RUQHY29tbWVudAcVU3BhbW1lcnMgYXJlIHJlamVjdGVkCAQAAAAEbmFtZQcLU1VTUEVDVExJU1QHbWVtYmVycwkAAAAACGJlaGF2
        aW9yCAEAAAAGcG9saWN5CAEAAAACXzAHCVRIUk9UVExFRAdjb21tZW50ByBTdXNwaWNpb3VzIHNlbmRlcnMgYXJlIHRocm90dGxl
        ZAgEAAAABG5hbWUHC1VOS05PV05MSVNUB21lbWJlcnMJAAAAAAhiZWhhdmlvcggBAAAABnBvbGljeQgBAAAAAl8wBwhBQ0NFUFRF
        RAdjb21tZW50BzJSZXZpZXdlZCBidXQgdW5kZWNpZGVkLCBjb250aW51ZSBub3JtYWwgYWNjZXB0YW5jZQNhbGwIAQAAAAZwb2xp
        Y3kIAQAAAAJfMAcIQUNDRVBURUQPcmVjaXBpZW50QWNjZXNzCQIAAAAIAgAAAAdwYXR0ZXJuBwtFeGFtcGxlLmNvbQZhY2NlcHQC
        CAIAAAAHcGF0dGVybgcDQUxMBmFjY2VwdAEQbGlzdGVuZXJTZXR0aW5ncwgDAAAAGG1heENvbmN1cnJlbnRDb25uZWN0aW9ucwPY
        BBhjb25uZWN0aW9uVGltZW91dFNlY29uZHMD2AQUbWF4Q29ubmVjdGlvblNlY29uZHMDiA4GYWxlcnRzCAMAAAAKcmVjaXBpZW50
        cwkBAAAACAMAAAAHYWRkcmVzcwcPT3BzQEV4YW1wbGUuY29tCmFsZXJ0Q2xhc3MHBlN5c3RlbQhzZXZlcml0eQcIQ3JpdGljYWwX
        aW5pdGlhbER1cGxpY2F0ZVNlY29uZHMD2AQXbWF4aW11bUR1cGxpY2F0ZVNlY29uZHMDoDgFdXNlcnMJAgAAAAgHAAAABG5hbWUH
        BWFkbWluCGZ1bGxOYW1lBw1BZG1pbmlzdHJhdG9yBHJvbGUHBWFkbWluDnBhc3NwaHJhc2VIYXNoB0kkeSRqOVQkR3M5dUFZLmhk
        c25NZnpLMW5ZSUZKMCR5ZDV4Vi5Jb0dmeVlKOFVidUxlUHRYRi4yTmowbWV5Y2dvZzRXV1cyMVovBmxvY2tlZAEUbXVzdENoYW5n
        ZVBhc3NwaHJhc2UCBGtleXMJAAAAAAgHAAAABG5hbWUHBG9wZXIIZnVsbE5hbWUHC0FuIE9wZXJhdG9yBHJvbGUHCG9wZXJhdG9y
        DnBhc3NwaHJhc2VIYXNoBwQkeSR4BmxvY2tlZAEUbXVzdENoYW5nZVBhc3NwaHJhc2UBBGtleXMJAQAAAAcSc3NoLWVkMjU1MTkg
        QUFBQSB4CnVzZXJQb2xpY3kIAgAAAA9tYXhpbXVtRmFpbHVyZXMDCg1taW5pbXVtTGVuZ3RoAxAHbG9nZ2luZwgBAAAACXRsc0Zp
        ZWxkcwI=
        """

    /// The JSON fallback encoding of the same configuration before the typed model.
    static let json = #"""
        {
         "alerts": {
          "initialDuplicateSeconds": 300,
          "maximumDuplicateSeconds": 3600,
          "recipients": [
           {
            "address": "Ops@Example.com",
            "alertClass": "System",
            "severity": "Critical"
           }
          ]
         },
         "certificateAuthorities": {
          "customCertificatesPEM": [],
          "customListEnabled": false,
          "systemListEnabled": true
         },
         "certificates": [
          {
           "certificatePEM": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
           "intermediatesPEM": [],
           "name": "Demo",
           "privateKeyPEM": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"
          },
          {
           "certificatePEM": "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n",
           "intermediatesPEM": [
            "-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----\n"
           ],
           "name": "Partner",
           "privateKeyPEM": "-----BEGIN PRIVATE KEY-----\nMIIF\n-----END PRIVATE KEY-----"
          }
         ],
         "destinationDefaults": {
          "bounceProfile": "Default",
          "bounceVerification": false,
          "ipPreference": "IPv4 Preferred",
          "limitApplies": "system",
          "limitType": "host",
          "maxConcurrency": 250,
          "maxMessagesPerConnection": 50,
          "outboundCertificate": "Demo",
          "recipientLimit": 0,
          "recipientLimitPeriod": 60,
          "requiredTLSAlert": true,
          "tls": "preferred"
         },
         "destinations": [
          {
           "bounceVerification": true,
           "domain": "partner.example",
           "limitType": "MXIP",
           "maxConcurrency": 10,
           "recipientLimit": 100,
           "recipientLimitPeriod": 1,
           "tls": "required-verify"
          },
          {
           "bounceProfile": "Default",
           "domain": ".partner.example",
           "ipPreference": "IPv6 Preferred",
           "limitApplies": "VG",
           "maxMessagesPerConnection": 7
          },
          {
           "domain": "plain.example"
          }
         ],
         "hostname": "ironport.example.com",
         "interfaces": [
          {
           "address": "192.168.42.42",
           "hostname": "ironport.example.com",
           "httpsCertificate": "Demo",
           "httpsPort": 443,
           "name": "Management",
           "prefixLength": 24,
           "sshPort": 22
          },
          {
           "address": "10.0.0.1",
           "hostname": "d.example.com",
           "httpsCertificate": "partner",
           "httpsPort": 8443,
           "name": "Data 1",
           "prefixLength": 8
          }
         ],
         "ldap": {
          "certificate": "Partner"
         },
         "listenerSettings": {
          "connectionTimeoutSeconds": 300,
          "maxConcurrentConnections": 300,
          "maxConnectionSeconds": 900
         },
         "listeners": [
          {
           "certificate": "Demo",
           "hostAccess": {
            "all": {
             "policy": {
              "_0": "ACCEPTED"
             }
            },
            "defaults": {
             "dhapLimit": 25,
             "maxConcurrency": 10,
             "maxMessageSize": 10485760,
             "maxMessagesPerSession": 10,
             "maxRecipientsPerHour": -1,
             "maxRecipientsPerMessage": 50,
             "smtpAuth": "off",
             "smtpAuthRequireTLS": false,
             "spamCheck": true,
             "tls": "off",
             "useSenderBase": true,
             "virusCheck": true
            },
            "entries": [
             {
              "behavior": {
               "policy": {
                "_0": "TRUSTED"
               }
              },
              "comment": "My trusted senders have no anti-spam scanning or rate limiting",
              "members": [],
              "name": "WHITELIST"
             },
             {
              "behavior": {
               "policy": {
                "_0": "BLOCKED"
               }
              },
              "comment": "Spammers are rejected",
              "members": [],
              "name": "BLACKLIST"
             },
             {
              "behavior": {
               "policy": {
                "_0": "THROTTLED"
               }
              },
              "comment": "Suspicious senders are throttled",
              "members": [],
              "name": "SUSPECTLIST"
             },
             {
              "behavior": {
               "policy": {
                "_0": "ACCEPTED"
               }
              },
              "comment": "Reviewed but undecided, continue normal acceptance",
              "members": [],
              "name": "UNKNOWNLIST"
             }
            ],
            "policies": [
             {
              "action": "ACCEPT",
              "name": "ACCEPTED",
              "parameters": {}
             },
             {
              "action": "ACCEPT",
              "name": "THROTTLED",
              "parameters": {
               "dhapLimit": 0,
               "maxConcurrency": 10,
               "maxMessageSize": 1048576,
               "maxMessagesPerSession": 10,
               "maxRecipientsPerHour": 1,
               "maxRecipientsPerMessage": 25,
               "spamCheck": true,
               "tls": "off",
               "useSenderBase": true,
               "virusCheck": true
              }
             },
             {
              "action": "ACCEPT",
              "name": "TRUSTED",
              "parameters": {
               "dhapLimit": 0,
               "maxConcurrency": 600,
               "maxMessageSize": 104857600,
               "maxMessagesPerSession": 5000,
               "maxRecipientsPerHour": -1,
               "maxRecipientsPerMessage": 5000,
               "spamCheck": false,
               "tls": "off",
               "useSenderBase": false,
               "virusCheck": true
              }
             },
             {
              "action": "REJECT",
              "name": "BLOCKED",
              "parameters": {}
             }
            ]
           },
           "interface": "Management",
           "kind": "public",
           "maxConnections": 50,
           "name": "IncomingMail",
           "port": 25,
           "recipientAccess": [
            {
             "accept": false,
             "pattern": "ALL"
            }
           ]
          },
          {
           "certificate": "PARTNER",
           "hostAccess": {
            "all": {
             "policy": {
              "_0": "ACCEPTED"
             }
            },
            "defaults": {
             "dhapLimit": 25,
             "maxConcurrency": 10,
             "maxMessageSize": 10485760,
             "maxMessagesPerSession": 10,
             "maxRecipientsPerHour": -1,
             "maxRecipientsPerMessage": 50,
             "smtpAuth": "off",
             "smtpAuthRequireTLS": false,
             "spamCheck": true,
             "tls": "off",
             "useSenderBase": true,
             "virusCheck": true
            },
            "entries": [
             {
              "behavior": {
               "policy": {
                "_0": "TRUSTED"
               }
              },
              "comment": "My trusted senders have no anti-spam scanning or rate limiting",
              "members": [],
              "name": "WHITELIST"
             },
             {
              "behavior": {
               "policy": {
                "_0": "BLOCKED"
               }
              },
              "comment": "Spammers are rejected",
              "members": [],
              "name": "BLACKLIST"
             },
             {
              "behavior": {
               "policy": {
                "_0": "THROTTLED"
               }
              },
              "comment": "Suspicious senders are throttled",
              "members": [],
              "name": "SUSPECTLIST"
             },
             {
              "behavior": {
               "policy": {
                "_0": "ACCEPTED"
               }
              },
              "comment": "Reviewed but undecided, continue normal acceptance",
              "members": [],
              "name": "UNKNOWNLIST"
             }
            ],
            "policies": [
             {
              "action": "ACCEPT",
              "name": "ACCEPTED",
              "parameters": {}
             },
             {
              "action": "ACCEPT",
              "name": "THROTTLED",
              "parameters": {
               "dhapLimit": 0,
               "maxConcurrency": 10,
               "maxMessageSize": 1048576,
               "maxMessagesPerSession": 10,
               "maxRecipientsPerHour": 1,
               "maxRecipientsPerMessage": 25,
               "spamCheck": true,
               "tls": "off",
               "useSenderBase": true,
               "virusCheck": true
              }
             },
             {
              "action": "ACCEPT",
              "name": "TRUSTED",
              "parameters": {
               "dhapLimit": 0,
               "maxConcurrency": 600,
               "maxMessageSize": 104857600,
               "maxMessagesPerSession": 5000,
               "maxRecipientsPerHour": -1,
               "maxRecipientsPerMessage": 5000,
               "spamCheck": false,
               "tls": "off",
               "useSenderBase": false,
               "virusCheck": true
              }
             },
             {
              "action": "REJECT",
              "name": "BLOCKED",
              "parameters": {}
             }
            ]
           },
           "interface": "data 1",
           "kind": "private",
           "maxConnections": 50,
           "name": "Outgoing",
           "port": 587,
           "recipientAccess": [
            {
             "accept": true,
             "pattern": "Example.com"
            },
            {
             "accept": false,
             "pattern": "ALL"
            }
           ]
          }
         ],
         "logging": {
          "tlsFields": true
         },
         "revocationLists": [
          {
           "name": "Root CRL",
           "pem": "-----BEGIN X509 CRL-----\nMIIA\n-----END X509 CRL-----\n"
          }
         ],
         "userPolicy": {
          "maximumFailures": 5,
          "minimumLength": 8
         },
         "users": [
          {
           "fullName": "Administrator",
           "keys": [],
           "locked": false,
           "mustChangePassphrase": true,
           "name": "admin",
           "passphraseHash": "$y$j9T$Gs9uAY.hdsnMfzK1nYIFJ0$yd5xV.IoGfyYJ8UbuLePtXF.2Nj0meycgog4WWW21Z/",
           "role": "admin"
          },
          {
           "fullName": "An Operator",
           "keys": [
            "ssh-ed25519 AAAA x"
           ],
           "locked": false,
           "mustChangePassphrase": false,
           "name": "oper",
           "passphraseHash": "$y$x",
           "role": "operator"
          }
         ],
         "webSecurity": {
          "clientCertificate": "partner",
          "interactionTracking": false,
          "urlFiltering": true
         }
        }
        """#

    /// `saveconfig` of the same configuration before the typed model (keys "encrypted" as `S:` + key).
    static let xml = #"""
        <?xml version="1.0" encoding="ISO-8859-1"?>
        <!DOCTYPE config SYSTEM "config.dtd">

        <!--
          Product: P
          Model Number: M
          Version: V
          Serial Number: S
          Number of CPUs: 2
          Memory (GB): 4
          Current Time: Tue Sep 22 09:00:00 2026
        -->
        <config>
          <hostname>ironport.example.com</hostname>

          <interfaces>
            <interface>
              <interface_name>Management</interface_name>
              <ip>192.168.42.42</ip>
              <netmask>255.255.255.0</netmask>
              <interface_hostname>ironport.example.com</interface_hostname>
              <sshd_port>22</sshd_port>
              <httpsd_port>443</httpsd_port>
              <https_certificate>Demo</https_certificate>
            </interface>
            <interface>
              <interface_name>Data 1</interface_name>
              <ip>10.0.0.1</ip>
              <netmask>255.0.0.0</netmask>
              <interface_hostname>d.example.com</interface_hostname>
              <httpsd_port>8443</httpsd_port>
              <https_certificate>partner</https_certificate>
            </interface>
          </interfaces>

          <certificates>
            <certificate_profile>
              <name>Demo</name>
              <certificate>-----BEGIN CERTIFICATE-----
        MIIB
        -----END CERTIFICATE-----
        </certificate>
              <key encrypted="yes">S:-----BEGIN PRIVATE KEY-----
        MIIE
        -----END PRIVATE KEY-----</key>
            </certificate_profile>
            <certificate_profile>
              <name>Partner</name>
              <certificate>-----BEGIN CERTIFICATE-----
        MIIC
        -----END CERTIFICATE-----
        </certificate>
              <key encrypted="yes">S:-----BEGIN PRIVATE KEY-----
        MIIF
        -----END PRIVATE KEY-----</key>
              <intermediate>-----BEGIN CERTIFICATE-----
        MIID
        -----END CERTIFICATE-----
        </intermediate>
            </certificate_profile>
          </certificates>

          <ca_lists>
            <system_ca_list>1</system_ca_list>
            <custom_ca_list>0</custom_ca_list>
          </ca_lists>

          <ldap_certificate>Partner</ldap_certificate>

          <tls_log_fields>1</tls_log_fields>

          <websecurity>
            <url_filtering>1</url_filtering>
            <interaction_tracking>0</interaction_tracking>
            <client_certificate>partner</client_certificate>
          </websecurity>

          <crls>
            <crl>
              <name>Root CRL</name>
              <pem>-----BEGIN X509 CRL-----
        MIIA
        -----END X509 CRL-----
        </pem>
            </crl>
          </crls>

          <alerts>
            <recipient>
              <address>Ops@Example.com</address>
              <class>System</class>
              <severity>Critical</severity>
            </recipient>
            <initial_duplicate_seconds>300</initial_duplicate_seconds>
            <maximum_duplicate_seconds>3600</maximum_duplicate_seconds>
          </alerts>

          <listener_settings>
            <max_concurrent_connections>300</max_concurrent_connections>
            <connection_timeout_seconds>300</connection_timeout_seconds>
            <max_connection_seconds>900</max_connection_seconds>
          </listener_settings>

          <listeners>
            <listener>
              <name>IncomingMail</name>
              <type>public</type>
              <interface>Management</interface>
              <port>25</port>
              <max_connections>50</max_connections>
              <certificate>Demo</certificate>
              <hat_defaults>
                <spam_check>on</spam_check>
                <max_msgs_per_session>10</max_msgs_per_session>
                <max_concurrency>10</max_concurrency>
                <max_rcpts_per_msg>50</max_rcpts_per_msg>
                <max_rcpts_per_hour>-1</max_rcpts_per_hour>
                <dhap_limit>25</dhap_limit>
                <virus_check>on</virus_check>
                <max_message_size>10485760</max_message_size>
                <use_sb>on</use_sb>
                <tls>off</tls>
                <smtp_auth>off</smtp_auth>
                <smtp_auth_require_tls>off</smtp_auth_require_tls>
              </hat_defaults>
              <hat><![CDATA[
        $ACCEPTED
            ACCEPT
        $THROTTLED
            ACCEPT {
                spam_check = "on"
                max_msgs_per_session = 10
                max_concurrency = 10
                max_rcpts_per_msg = 25
                max_rcpts_per_hour = 1
                dhap_limit = 0
                virus_check = "on"
                max_message_size = 1048576
                use_sb = "on"
                tls = "off"
            }
        $TRUSTED
            ACCEPT {
                spam_check = "off"
                max_msgs_per_session = 5000
                max_concurrency = 600
                max_rcpts_per_msg = 5000
                max_rcpts_per_hour = -1
                dhap_limit = 0
                virus_check = "on"
                max_message_size = 104857600
                use_sb = "off"
                tls = "off"
            }
        $BLOCKED
            REJECT
        WHITELIST:
                $TRUSTED (My trusted senders have no anti-spam scanning or rate limiting)
        BLACKLIST:
                $BLOCKED (Spammers are rejected)
        SUSPECTLIST:
                $THROTTLED (Suspicious senders are throttled)
        UNKNOWNLIST:
                $ACCEPTED (Reviewed but undecided, continue normal acceptance)
        ALL
            $ACCEPTED
        ]]></hat>
              <rat><![CDATA[
        ALL
            REJECT
        ]]></rat>
            </listener>
            <listener>
              <name>Outgoing</name>
              <type>private</type>
              <interface>data 1</interface>
              <port>587</port>
              <max_connections>50</max_connections>
              <certificate>PARTNER</certificate>
              <hat_defaults>
                <spam_check>on</spam_check>
                <max_msgs_per_session>10</max_msgs_per_session>
                <max_concurrency>10</max_concurrency>
                <max_rcpts_per_msg>50</max_rcpts_per_msg>
                <max_rcpts_per_hour>-1</max_rcpts_per_hour>
                <dhap_limit>25</dhap_limit>
                <virus_check>on</virus_check>
                <max_message_size>10485760</max_message_size>
                <use_sb>on</use_sb>
                <tls>off</tls>
                <smtp_auth>off</smtp_auth>
                <smtp_auth_require_tls>off</smtp_auth_require_tls>
              </hat_defaults>
              <hat><![CDATA[
        $ACCEPTED
            ACCEPT
        $THROTTLED
            ACCEPT {
                spam_check = "on"
                max_msgs_per_session = 10
                max_concurrency = 10
                max_rcpts_per_msg = 25
                max_rcpts_per_hour = 1
                dhap_limit = 0
                virus_check = "on"
                max_message_size = 1048576
                use_sb = "on"
                tls = "off"
            }
        $TRUSTED
            ACCEPT {
                spam_check = "off"
                max_msgs_per_session = 5000
                max_concurrency = 600
                max_rcpts_per_msg = 5000
                max_rcpts_per_hour = -1
                dhap_limit = 0
                virus_check = "on"
                max_message_size = 104857600
                use_sb = "off"
                tls = "off"
            }
        $BLOCKED
            REJECT
        WHITELIST:
                $TRUSTED (My trusted senders have no anti-spam scanning or rate limiting)
        BLACKLIST:
                $BLOCKED (Spammers are rejected)
        SUSPECTLIST:
                $THROTTLED (Suspicious senders are throttled)
        UNKNOWNLIST:
                $ACCEPTED (Reviewed but undecided, continue normal acceptance)
        ALL
            $ACCEPTED
        ]]></hat>
              <rat><![CDATA[
        Example.com
            ACCEPT
        ALL
            REJECT
        ]]></rat>
            </listener>
          </listeners>

          <destconfig>
            <global>
              <outbound_certificate>Demo</outbound_certificate>
              <required_tls_alert>1</required_tls_alert>
            </global>
            <destinations><![CDATA[
        [DEFAULT]
        ip_sort_pref = PREFER_V4
        max_host_concurrency = 250
        max_messages_per_connection = 50
        recipient_minutes = 60
        recipient_limit = 0
        limit_type = host
        limit_apply = system
        use_tls = 1
        bounce_validation = 0

        [partner.example]
        max_host_concurrency = 10
        recipient_minutes = 1
        recipient_limit = 100
        limit_type = MXIP
        use_tls = 4
        bounce_validation = 1

        [.partner.example]
        ip_sort_pref = PREFER_V6
        max_messages_per_connection = 7
        limit_apply = VG
        bounce_profile = Default

        [plain.example]
        ]]></destinations>
          </destconfig>

          <users>
            <user_policy>
              <max_failed_logins>5</max_failed_logins>
              <min_passphrase_length>8</min_passphrase_length>
            </user_policy>
            <user>
              <username>admin</username>
              <full_name>Administrator</full_name>
              <role>Administrator</role>
              <status>available</status>
              <passphrase encrypted="yes">S:$y$j9T$Gs9uAY.hdsnMfzK1nYIFJ0$yd5xV.IoGfyYJ8UbuLePtXF.2Nj0meycgog4WWW21Z/</passphrase>
              <passphrase_change_required>1</passphrase_change_required>
            </user>
            <user>
              <username>oper</username>
              <full_name>An Operator</full_name>
              <role>Operator</role>
              <status>available</status>
              <passphrase encrypted="yes">S:$y$x</passphrase>
              <ssh_key>ssh-ed25519 AAAA x</ssh_key>
            </user>
          </users>

        </config>

        """#
}
