import Foundation
import GRDB
import Testing

/// What the gateway does around calls (SPEC 11): lookups by URL against a
/// fake CRM over HTTP, metrics and health, reloads on file changes.
@Suite(.serialized) struct GatewayServicesTests {
    /// English, the member menu, a member number; the caller then hangs up.
    static let member: [Character] = ["3", "3"] + Array("62001234")

    @Test func lookupsByURLAskTheCRMAndAFoundMemberIsRouted() throws {
        let crm = try FakeHTTP.Server { head in
            head.hasPrefix("GET /crm/members?key=62001234 ")
                ? (200, #"{"member_id":"62001234","name":"Li Lei","points":"100","tier":"gold"}"#, 0) : (404, "", 0)
        }
        let gateway = try GatewayProcess(AGIGatewayTests.open + ["--lookup-url", "http://127.0.0.1:\(crm.port)/crm/"])
        let transcript = try gateway.connect().play(FakeAsterisk.environment(flow: "hotline"), FakeAsterisk.Caller(keys: Self.member))
        #expect(crm.requests.count == 1)
        #expect(crm.requests.first?.hasPrefix("GET /crm/members?key=62001234 HTTP/1.1\r\n") == true, "\(crm.requests)")
        #expect(transcript.variables["IVR_OUTCOME"] == "transferred")
        #expect(transcript.variables["IVR_TRANSFER"] == "vip_desk")
        #expect(transcript.variables["IVR_VAR_customer_name"] == "Li Lei", "the CRM's record, not the data file's")
    }

    @Test func aFailingOrSlowCRMIsNotFoundLoggedCountedAndRecorded() throws {
        let crm = try FakeHTTP.Server { head in
            head.contains("key=62001234") ? (500, "oops", 0) : (200, #"{"tier":"gold"}"#, 3)
        }
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("lookup-\(UUID().uuidString).db").path
        let gateway = try GatewayProcess(AGIGatewayTests.open + ["--lookup-url", "http://127.0.0.1:\(crm.port)", "--lookup-timeout", "0.5s",
                                                                 "--db", db, "--metrics", "127.0.0.1:0"])
        // 500: the caller hears "unknown member" and is asked again; then a
        // number the CRM answers too late.
        let keys = Self.member + Array("62005678")
        let started = Date()
        let transcript = try gateway.connect().play(FakeAsterisk.environment(flow: "hotline"), FakeAsterisk.Caller(keys: keys))
        #expect(Date().timeIntervalSince(started) < 2.5, "the slow answer is not waited for")
        #expect(transcript.variables["IVR_STATE"] == "member_id")
        #expect(transcript.variables["IVR_VAR_customer_tier"] == nil)
        #expect(gateway.wait(for: "lookup in 'members' failed: HTTP 500; the call goes on as not found"))
        #expect(gateway.wait(for: "lookup in 'members' failed: no answer within 500 ms"))
        #expect(!gateway.log.contains("62001234") && !gateway.log.contains("62005678"), "keys are never logged")
        let port = try #require(gateway.metricsPort())
        let metrics = try FakeHTTP.get(port: port, "/metrics").body
        #expect(metrics.contains(#"ivr_lookup_errors_total{flow="hotline"} 2"#), "\(metrics)")
        var lookups: [String] = []
        let deadline = Date().addingTimeInterval(10)
        repeat {
            Thread.sleep(forTimeInterval: 0.1)
            lookups = try DatabaseQueue(path: db).read {
                try String.fetchAll($0, sql: "SELECT lookups FROM call_steps WHERE lookups != '' ORDER BY seq")
            }
        } while lookups.count < 2 && Date() < deadline
        #expect(lookups == ["members=!", "members=!"], "recorded as lookup errors")
    }

    @Test func metricsAndHealthOverHTTP() throws {
        let gateway = try GatewayProcess(["--metrics", "127.0.0.1:0", "--drain", "20s"])
        let port = try #require(gateway.metricsPort())
        let health = try FakeHTTP.get(port: port, "/health")
        #expect(health.status == 200)
        #expect(health.body.hasPrefix(#"{"status":"serving","active_calls":0,"flows":{"hotline":""#), "\(health.body)")
        _ = try gateway.connect().call(flow: "hotline", keys: ["3", "1"])
        _ = try gateway.connect().call(flow: "utility", keys: [])
        #expect(gateway.wait(for: "ended", count: 2))
        let metrics = try FakeHTTP.get(port: port, "/metrics")
        #expect(metrics.status == 200)
        for line in [#"ivr_calls_started_total{flow="hotline"} 1"#, #"ivr_calls_started_total{flow="utility"} 1"#,
                     #"ivr_calls_ended_total{flow="hotline",outcome="abandoned"} 1"#, "ivr_calls_active 0",
                     #"ivr_event_handling_seconds_bucket{le="0.001"}"#] {
            #expect(metrics.body.contains(line), "\(line)")
        }
        // Draining: /health says so, for the balancer, while a call finishes.
        let inProgress = try gateway.connect()
        #expect(inProgress.callInProgress() == ["ANSWER", "WAIT FOR DIGIT 4000"])
        gateway.signal(SIGTERM)
        #expect(gateway.wait(for: "no new calls; 1 in progress"))
        let draining = try FakeHTTP.get(port: port, "/health")
        #expect(draining.status == 503)
        #expect(draining.body.hasPrefix(#"{"status":"draining","active_calls":1,"#), "\(draining.body)")
        _ = inProgress.play(nil, FakeAsterisk.Caller(), pending: "WAIT FOR DIGIT 4000")
        gateway.process.waitUntilExit()
        #expect(gateway.process.terminationStatus == 0)
    }

    @Test func aChangedFileIsReloadedWithoutASignal() throws {
        let directory = try FakeAsterisk.project()
        let gateway = try GatewayProcess(in: directory)
        let inProgress = try gateway.connect()
        #expect(inProgress.callInProgress() == ["ANSWER", "WAIT FOR DIGIT 4000"])
        let flow = directory.appendingPathComponent("Flows/hotline.yaml")
        try (try String(contentsOf: flow, encoding: .utf8)).replacingOccurrences(of: "      timeout: 4s", with: "      timeout: 6s")
            .write(to: flow, atomically: true, encoding: .utf8)
        #expect(gateway.wait(for: "reloaded (hotline.yaml changed)"))
        let fresh = try gateway.connect().call(flow: "hotline", keys: [])
        #expect(fresh.filter { $0.hasPrefix("WAIT FOR DIGIT") } == ["WAIT FOR DIGIT 6000"])
        // A broken save is refused; the last good version keeps serving.
        try (try String(contentsOf: flow, encoding: .utf8)).replacingOccurrences(of: "next: language", with: "next: langauge")
            .write(to: flow, atomically: true, encoding: .utf8)
        #expect(gateway.wait(for: "refused"))
        #expect(try gateway.connect().call(flow: "hotline", keys: []).filter { $0.hasPrefix("WAIT FOR DIGIT") } == ["WAIT FOR DIGIT 6000"])
        let rest = inProgress.play(nil, FakeAsterisk.Caller(keys: ["3"]), pending: "WAIT FOR DIGIT 4000")
        #expect(rest.variables["IVR_STATE"] == "main", "the call in progress finished on its version")
    }
}
