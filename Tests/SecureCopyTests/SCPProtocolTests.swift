import SecureCopy
import Testing

@Suite struct SCPRequestTests {
    @Test func recognisesOnlyTheScpWord() {
        #expect(SCPRequest.isSCP("scp -t /configuration/a.p12"))
        #expect(SCPRequest.isSCP("  scp -f x"))
        #expect(!SCPRequest.isSCP("scpx -t a"))
        #expect(!SCPRequest.isSCP("showconfig; scp -t a"))
    }

    @Test func readsFlagsTheWayOpenSSHSendsThem() {
        #expect(
            SCPRequest.parse(["scp", "-v", "-p", "-d", "-t", "--", "/configuration"])
                == .request(
                    SCPRequest(direction: .upload, path: "/configuration", preserveTimes: true, targetIsFolder: true)
                )
        )
        #expect(
            SCPRequest.parse(["scp", "-f", "--", "-odd"]) == .request(SCPRequest(direction: .download, path: "-odd"))
        )
        #expect(SCPRequest.parse(["scp", "-x", "-t", "a"]) == .refused("unknown option -x"))
        #expect(SCPRequest.parse(["scp", "a"]) == .refused("only scp -t and scp -f are available"))
        #expect(SCPRequest.parse(["scp", "-t", "a", "b"]) == .refused("one path only"))
    }

    @Test func placesOnlyInsideTheConfigurationFolder() {
        #expect(SCPRequest.location(of: "/configuration") == .folder)
        #expect(SCPRequest.location(of: "/configuration/") == .folder)
        #expect(SCPRequest.location(of: "/configuration/a.pem") == .file("a.pem"))
        #expect(SCPRequest.location(of: "a.pem") == .file("a.pem"))
        #expect(SCPRequest.location(of: "/etc/passwd") == nil)
        #expect(SCPRequest.location(of: "/configuration/sub/a") == nil)
        #expect(SCPRequest.location(of: "../a") == nil)
    }
}

@Suite struct SCPSinkTests {
    static func refuseDots(_ name: String) -> String? {
        name == ".." || name.isEmpty ? "Invalid file name: \"\(name)\"." : nil
    }

    func sink(_ path: String, folder: Bool = false) -> SCPSink {
        SCPSink(
            request: SCPRequest(direction: .upload, path: path, targetIsFolder: folder),
            limit: 100,
            checkName: Self.refuseDots
        )
    }

    @Test func storesUnderTheTargetNameNotTheNameSent() {
        var sink = sink("/configuration/cert.p12")
        #expect(sink.start() == [.send([0])])
        #expect(sink.receive(Array("C0644 3 other.bin\n".utf8)) == [.send([0])])
        #expect(sink.receive([7, 8, 9, 0]) == [.store(name: "cert.p12", bytes: [7, 8, 9])])
        #expect(sink.stored(nil) == [.send([0])])
        #expect(sink.endOfInput() == [.finish(status: 0)])
    }

    @Test func aFolderTargetUsesTheNameSentAndAcceptsTimesAndEmptyFiles() {
        var sink = sink("/configuration", folder: true)
        _ = sink.start()
        #expect(sink.receive(Array("T1700000000 0 1700000000 0\n".utf8)) == [.send([0])])
        #expect(
            sink.receive(Array("C0600 0 empty\n".utf8) + [0])
                == [.send([0]), .store(name: "empty", bytes: [])]
        )
        #expect(sink.stored(nil) == [.send([0])])
        #expect(sink.endOfInput() == [.finish(status: 0)])
    }

    @Test func bytesMayArriveOneByOne() {
        var sink = sink("/configuration/a")
        _ = sink.start()
        var actions: [SCPSink.Action] = []
        for byte in Array("C0600 2 a\n".utf8) + [65, 66, 0] { actions += sink.receive([byte]) }
        #expect(actions == [.send([0]), .store(name: "a", bytes: [65, 66])])
    }

    @Test func refusesPlacesAndNamesWithAnErrorLine() {
        var outside = sink("/etc/passwd")
        #expect(
            outside.start() == [.send(Array("\u{1}scp: /etc/passwd: Permission denied\n".utf8)), .finish(status: 1)]
        )
        var folder = sink("/configuration", folder: true)
        _ = folder.start()
        #expect(folder.receive(Array("C0600 1 ..\n".utf8)).last == .finish(status: 1))
        var big = sink("/configuration/a")
        _ = big.start()
        #expect(big.receive(Array("C0600 101 a\n".utf8)) == [.send(Array("\u{1}scp: a: File too large\n".utf8))])
        #expect(big.endOfInput() == [.finish(status: 1)])
    }

    @Test func aFileCutShortIsNotStored() {
        var sink = sink("/configuration/a")
        _ = sink.start()
        #expect(sink.receive(Array("C0600 5 a\n".utf8) + [1, 2]) == [.send([0])])
        #expect(sink.endOfInput() == [.finish(status: 1)])
    }

    @Test func aStoreFailureIsReportedAndCounted() {
        var sink = sink("/configuration/a")
        _ = sink.start()
        _ = sink.receive(Array("C0600 1 a\n".utf8) + [1, 0])
        #expect(sink.stored("disk full\nnext") == [.send(Array("\u{1}scp: disk full?next\n".utf8))])
        #expect(sink.endOfInput() == [.finish(status: 1)])
    }

    @Test func garbageIsAProtocolError() {
        var sink = sink("/configuration/a")
        _ = sink.start()
        #expect(
            sink.receive(Array("Xhello\n".utf8))
                == [.send(Array("\u{1}scp: protocol error: expected control record\n".utf8)), .finish(status: 1)]
        )
    }
}

@Suite struct SCPSourceTests {
    @Test func sendsHeaderDataAndWaitsForEachAnswer() {
        let file = SCPSource.File(name: "export.pem", bytes: [1, 2, 3], modified: 1_700_000_000)
        var source = SCPSource(file: .success(file), preserveTimes: true)
        #expect(source.receive([0]) == [.send(Array("T1700000000 0 1700000000 0\n".utf8))])
        #expect(source.receive([0]) == [.send(Array("C0600 3 export.pem\n".utf8))])
        #expect(source.receive([0]) == [.send([1, 2, 3, 0])])
        #expect(source.receive([0]) == [.finish(status: 0)])
    }

    @Test func aRefusalIsSentAfterTheClientIsReady() {
        var source = SCPSource(
            file: .failure(SCPError("/configuration/x: No such file or directory")),
            preserveTimes: false
        )
        #expect(
            source.receive([0])
                == [.send(Array("\u{1}scp: /configuration/x: No such file or directory\n".utf8)), .finish(status: 1)]
        )
    }

    @Test func theClientMayRefuseTheFile() {
        var source = SCPSource(file: .success(SCPSource.File(name: "a", bytes: [], modified: 0)), preserveTimes: false)
        _ = source.receive([0])
        #expect(source.receive(Array("\u{1}scp: a: Permission denied\n".utf8)) == [.finish(status: 1)])
    }
}
