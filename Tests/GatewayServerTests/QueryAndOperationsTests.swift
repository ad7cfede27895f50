import Foundation
import GatewayTestSupport
import Hummingbird
import Testing

@testable import GatewayServer

@Suite("Listing, health, readiness and metrics")
struct QueryAndOperationsTests {
    @Test("listing is newest first, paged without gaps or repeats, and filtered")
    func listing() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        var posted: [String] = []
        for index in 0..<7 {
            let text = index % 2 == 0 ? "停水 \(index)" : "噪音 \(index)"
            posted.append(try #require(try await gateway.post(#"{"text":"\#(text)"}"#).json["id"] as? String))
        }
        var seen: [String] = []
        var cursor: String?
        repeat {
            let path = "/v1/complaints?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await gateway.request(.get, path).json
            let items = try #require(page["items"] as? [[String: Any]])
            #expect(items.count <= 3)
            seen += items.compactMap { ($0["record"] as? [String: Any])?["id"] as? String }
            cursor = page["next_cursor"] as? String
        } while cursor != nil
        #expect(seen == posted.reversed())
        // A listed record is the record GET by id answers, field for field.
        let newest = try #require(
            (try await gateway.request(.get, "/v1/complaints?limit=1").json["items"] as? [[String: Any]])?.first)
        let listedRecord = try #require(newest["record"] as? [String: Any])
        #expect(newest["state"] as? String != nil)
        let detail = try await gateway.request(.get, "/v1/complaints/\(posted[6])").json
        let detailRecord = try #require(detail["record"] as? [String: Any])
        #expect(NSDictionary(dictionary: listedRecord).isEqual(to: detailRecord))
        #expect(listedRecord["text"] as? String == "停水 6")

        let water = try await gateway.request(.get, "/v1/complaints?department=water-supply&channel=api").json
        #expect((water["items"] as? [Any])?.count == 4)
        let future = try await gateway.request(.get, "/v1/complaints?since=2999-01-01T00:00:00Z").json
        #expect((future["items"] as? [Any])?.count == 0)
        let bad = try await gateway.request(.get, "/v1/complaints?limit=5000")
        #expect(bad.status == 400)
        #expect(bad.errorMessage?.contains("limit") == true)
        let badChannel = try await gateway.request(.get, "/v1/complaints?channel=fax")
        #expect(badChannel.status == 400)
        // A cursor that is not one, an empty value, a repeated parameter: 400 with the reason,
        // never a page that looks like the end or the start of the list.
        for (query, reason) in [
            ("cursor=garbage", "cursor"), ("cursor=cmp_01m905bt115bzvk7d9taw5hh5z", "cursor"), ("cursor=", "empty"),
            ("department=", "empty"), ("limit=1&limit=2", "more than once"),
        ] {
            let refused = try await gateway.request(.get, "/v1/complaints?\(query)")
            #expect(refused.status == 400, "\(query)")
            #expect(refused.errorMessage?.contains(reason) == true, "\(query): \(refused.errorMessage ?? "")")
        }
        // One of the right shape that names no complaint: neither the end nor the start again.
        for tampered in ["cmp_7ZZZZZZZZZZZZZZZZZZZZZZZZZ", "cmp_01ARZ3NDEKTSV4RRFFQ69G5FAV"] {
            let refused = try await gateway.request(.get, "/v1/complaints?cursor=\(tampered)")
            #expect(refused.status == 400)
            #expect(refused.errorMessage?.contains("names no stored complaint") == true)
        }
        // A real one lower-cased by a tool is the same cursor (ULIDs are case-insensitive).
        let firstPage = try await gateway.request(.get, "/v1/complaints?limit=3").json
        let next = try #require(firstPage["next_cursor"] as? String)
        let upper = try await gateway.request(.get, "/v1/complaints?limit=3&cursor=\(next)")
        let lower = try await gateway.request(.get, "/v1/complaints?limit=3&cursor=\(next.lowercased())")
        #expect(lower.status == 200)
        #expect(lower.body == upper.body)
        let missing = try await gateway.request(.get, "/v1/complaints/cmp_00000000000000000000000000")
        #expect(missing.status == 404)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("readiness reads the data directory's free space from its file system")
    func freeSpace() throws {
        let free = try #require(OperationsRoutes.freeBytes(FileManager.default.temporaryDirectory.path))
        #expect(free > 0)
        #expect(OperationsRoutes.freeBytes("/no/such/directory") == nil)
    }

    @Test("every response, an error too, names its request's id in the log")
    func requestID() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        func id(_ reply: RunningGateway.Reply) -> String? {
            reply.headers.first { $0.0.lowercased() == "x-request-id" }?.1
        }
        let first = try await gateway.request(.get, "/healthz", token: nil)
        let second = try await gateway.request(.get, "/nowhere", token: nil, headers: [("X-Request-Id", "caller-42")])
        #expect(second.status == 404)
        let ids = [id(first), id(second)].compactMap { $0 }
        #expect(ids.count == 2)
        #expect(ids.allSatisfy { !$0.isEmpty && $0 != "caller-42" })
        #expect(ids[0] != ids[1])
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a caller's request id is logged with phone numbers masked, and not at all when it names a credential")
    func callerRequestIDScrubbed() {
        #expect(ResponseMiddleware<BasicRequestContext>.loggable("caller-42") == "caller-42")
        #expect(ResponseMiddleware<BasicRequestContext>.loggable("+8613812345678")?.contains("13812345678") == false)
        #expect(ResponseMiddleware<BasicRequestContext>.loggable("user=1;token=operator-token-zzzz") == "[redacted]")
        #expect(ResponseMiddleware<BasicRequestContext>.loggable("two words") == nil)
    }

    @Test("help goes before the type line of a known metric, and nothing else changes")
    func metricHelp() {
        let text = "# TYPE cg_outbox_depth gauge\ncg_outbox_depth 3\n# TYPE other_total counter\nother_total 1\n"
        let annotated = String(decoding: MetricHelp.annotate(Array(text.utf8)), as: UTF8.self)
        #expect(
            annotated
                == "# HELP cg_outbox_depth Complaints neither delivered nor dead-lettered.\n" + text)
        #expect(MetricHelp.annotate([]) == [])
        #expect(MetricHelp.annotate(Array("a 1".utf8)) == Array("a 1".utf8))
    }

    @Test("healthz, readyz and metrics answer")
    func operations() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        _ = try await gateway.post(#"{"text":"停水"}"#)
        #expect(try await gateway.request(.get, "/healthz", token: nil).status == 200)
        #expect(try await gateway.request(.get, "/readyz", token: nil).status == 200)
        let metrics = String(decoding: try await gateway.request(.get, "/metrics", token: nil).body, as: UTF8.self)
        #expect(metrics.contains("cg_complaints_accepted_total{channel=\"api\"}"))
        #expect(metrics.contains("cg_store_commit_seconds_bucket"))
        // A commit of one operation has a bucket of its own.
        #expect(metrics.contains("cg_store_commit_batch_size_bucket{le=\"1.0\"}"))
        #expect(metrics.contains("cg_outbox_depth"))
        // The gauge is the process's: another test running beside this one may have opened the
        // breaker of the same department, so only its presence is checked here.
        #expect(metrics.contains("cg_dispatch_breaker_state{department=\"urban-management\"} "))
        #expect(metrics.contains("hb_requests"))
        // Every family says what it counts, on the line before its type.
        let lines = metrics.split(separator: "\n")
        for (index, line) in lines.enumerated() where line.hasPrefix("# TYPE ") {
            let name = line.dropFirst("# TYPE ".count).prefix { $0 != " " }
            #expect(index > 0 && lines[index - 1].hasPrefix("# HELP \(name) "), "no help before \(line)")
        }
        #expect(metrics.contains("# HELP cg_outbox_depth Complaints neither delivered nor dead-lettered.\n"))
        let unknown = try await gateway.request(.get, "/v1/nothing-here")
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == "not_found")
        let wrongMethod = try await gateway.request(.put, "/v1/complaints")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.errorCode == "method_not_allowed")
        #expect(wrongMethod.headers.first { $0.0.lowercased() == "allow" }?.1 == "GET, POST")
        let captured = try await gateway.request(.delete, "/v1/complaints/cmp_00000000000000000000000000")
        #expect(captured.status == 405)
        #expect(
            captured.errorMessage
                == "DELETE is not allowed on /v1/complaints/cmp_00000000000000000000000000; allowed: GET")
        #expect(try await gateway.request(.post, "/healthz", token: nil).status == 405)
        #expect(try await gateway.request(.delete, "/v1/nothing-here").status == 404)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the quarantine list is paged by cursor, and a bad limit, cursor or parameter is a 400")
    func quarantinePaging() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        for body in [#"{"text":"#, #"["x"]"#, #"{"text":1"#] { _ = try await gateway.post(body) }
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await gateway.request(
                .get, "/v1/quarantine?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(page.status == 200)
            seen += (page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            cursor = page.json["next_cursor"] as? String
        } while cursor != nil
        #expect(seen.count == 3)
        #expect(seen == seen.sorted(by: >))
        // Each one's bytes come back as received, to fix and send again.
        let oldest = try await gateway.request(.get, "/v1/quarantine/\(try #require(seen.last))")
        #expect(oldest.status == 200)
        #expect(String(decoding: oldest.body, as: UTF8.self) == #"{"text":"#)
        #expect(oldest.headers.first { $0.0.lowercased() == "content-type" }?.1.hasPrefix("application/json") == true)
        #expect(try await gateway.request(.get, "/v1/quarantine/raw_00000000000000000000000000").status == 404)
        #expect(try await gateway.request(.get, "/v1/quarantine/\(seen[0])", token: nil).status == 401)
        for query in ["limit=0", "limit=1001", "limit=abc", "cursor=x", "foo=bar", "limit=1&limit=2"] {
            let refused = try await gateway.request(.get, "/v1/quarantine?\(query)")
            #expect(refused.status == 400, "\(query)")
            #expect(refused.errorCode == "invalid_request", "\(query)")
        }
        let deadLetters = try await gateway.request(.get, "/v1/deadletters")
        #expect(deadLetters.json.keys.contains("next_cursor"))
        try await gateway.stop()
        await downstream.stop()
    }

    /// A process of its own, for exact counts: the in-process gateways share one metrics registry.
    @Test("every response is counted and timed by route, method and status, errors apart")
    func requestMetrics() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cg-reqm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let downstream = try await DownstreamServer.start()
        let gateway = try await GatewayProcess.start(
            downstream: downstream.baseURL, dataDirectory: directory.appendingPathComponent("data"))
        for _ in 0..<3 {
            let missing = try await gateway.getBody("/v1/nothing-here")
            #expect(missing.status == 404)
            #expect(missing.body.contains(#""code":"not_found""#))
        }
        #expect(try await gateway.post(#"{"text":"停水"}"#) != nil)
        #expect(try await gateway.get("/v1/complaints") == 401)  // no token
        let metrics = try await gateway.getBody("/metrics").body.split(separator: "\n").map(String.init)
        let route404 = #"{http_route="NotFound",http_request_method="GET""#
        let post201 = #"{http_route="/v1/complaints",http_request_method="POST""#
        let get401 = #"{http_route="/v1/complaints",http_request_method="GET""#
        for expected in [
            #"hb_requests\#(route404),http_response_status_code="404"} 3"#,
            #"hb_request_errors\#(route404),error_type="404"} 3"#,
            #"hb_requests\#(post201),http_response_status_code="201"} 1"#,
            #"http_server_request_duration_count\#(post201),http_response_status_code="201"} 1"#,
            #"hb_requests\#(get401),http_response_status_code="401"} 1"#,
            #"hb_request_errors\#(get401),error_type="401"} 1"#,
            #"http_server_active_requests{http_request_method="POST"} 0.0"#,
            // The scrape itself is the one request in progress.
            #"http_server_active_requests{http_request_method="GET"} 1.0"#,
        ] {
            let present = metrics.contains(expected)  // not in the expectation: it would print every line
            #expect(present, "missing \(expected)")
        }
        // A success is no kind of error: no `hb_request_errors{…,error_type="201"} 0` series.
        #expect(!metrics.contains { $0.hasPrefix("hb_request_errors\(post201)") })
        await gateway.stop()
        await downstream.stop()
    }

    /// A process of its own: the in-process gateways of other tests share one metrics registry.
    @Test("the outbox depth a scrape shows counts the queue even when nothing is being claimed")
    func outboxDepthWhilePaused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cg-depth-\(UUID().uuidString)")
        let config = try SampleConfigCopy(at: directory.appendingPathComponent("config"))
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try config.read("gateway.yaml").contains("\ndispatch:\n"))
        try config.edit("gateway.yaml") {
            $0.replacingOccurrences(of: "\ndispatch:\n", with: "\ndispatch:\n  paused: true\n")
        }

        let downstream = try await DownstreamServer.start()
        let gateway = try await GatewayProcess.start(
            downstream: downstream.baseURL, dataDirectory: directory.appendingPathComponent("data"),
            configDirectory: config.directory)
        for text in ["停水", "路灯不亮", "噪音扰民"] { #expect(try await gateway.post(#"{"text":"\#(text)"}"#) != nil) }
        let metrics = try await gateway.getBody("/metrics")
        #expect(metrics.status == 200)
        let depth = metrics.body.split(separator: "\n").filter { $0.hasPrefix("cg_outbox_depth") }
        #expect(depth == ["cg_outbox_depth 3.0"])
        #expect(downstream.requests.isEmpty)
        await gateway.stop()
        await downstream.stop()
    }
}
