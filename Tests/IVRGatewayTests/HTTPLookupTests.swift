import Foundation
import IVRGateway
import Testing

struct HTTPLookupTests {
    @Test func theRequestNamesTheTableInThePathAndTheKeyInTheQuery() {
        #expect(HTTPLookup.request(base: "http://crm:8080/lookup/", table: "members", key: "62001234", sensitive: false)
            == HTTPLookup.Request(url: "http://crm:8080/lookup/members?key=62001234", headers: [("Accept", "application/json")]))
        // Everything but letters, digits and -._~ is escaped, UTF-8 bytes included.
        #expect(HTTPLookup.request(base: "http://crm", table: "客户 list", key: "a&b=c#d", sensitive: false).url
            == "http://crm/%E5%AE%A2%E6%88%B7%20list?key=a%26b%3Dc%23d")
    }

    @Test func aSensitiveKeyNeverGoesInTheURL() {
        #expect(HTTPLookup.request(base: "http://crm", table: "cards", key: "4111111111111111", sensitive: true)
            == HTTPLookup.Request(url: "http://crm/cards", headers: [("X-IVR-Key", "4111111111111111"), ("Accept", "application/json")]))
    }

    @Test func whatAnAnswerMeans() {
        #expect(HTTPLookup.answer(status: 200, body: Array(#"{"name":"王芳","tier":"gold"}"#.utf8)) == .found(["name": "王芳", "tier": "gold"]))
        #expect(HTTPLookup.answer(status: 404, body: []) == .notFound)
        #expect(HTTPLookup.answer(status: 500, body: []) == .failed("HTTP 500"))
        #expect(HTTPLookup.answer(status: 200, body: Array("[1]".utf8)) == .failed("HTTP 200 without a JSON object"))
        #expect(HTTPLookup.answer(status: 200, body: Array(#"{"points":12}"#.utf8)) == .failed("HTTP 200 with field 'points' not a string"))
    }
}

struct FileWatchTests {
    @Test func aChangedAddedOrRemovedFileIsAChange() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let catalog = directory.appendingPathComponent("en-US.yaml")
        try Data("a: A\n".utf8).write(to: catalog)
        let first = FileWatch.snapshot(paths: [directory.path], files: [catalog.path])
        #expect(first.changed(from: FileWatch.snapshot(paths: [directory.path], files: [catalog.path])) == nil)
        try Data("a: AB\n".utf8).write(to: catalog)
        let second = FileWatch.snapshot(paths: [directory.path], files: [catalog.path])
        #expect(first.changed(from: second) == "en-US.yaml")
        // A new flow file under a served directory.
        try Data("flow: extra\nstart: a\nstates:\n  a: { hangup: {} }\n".utf8).write(to: directory.appendingPathComponent("extra.yaml"))
        #expect(second.changed(from: FileWatch.snapshot(paths: [directory.path], files: [catalog.path])) == "extra.yaml")
        try FileManager.default.removeItem(at: catalog)
        #expect(second.changed(from: FileWatch.snapshot(paths: [directory.path], files: [catalog.path])) == "en-US.yaml")
    }
}
