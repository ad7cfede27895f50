import Foundation
import GatewayTestSupport
import Testing

/// A department endpoint (or something in front of it) answering a redirect cannot send the
/// complaint elsewhere: the dispatcher does not follow it, and the delivery is a dead letter an
/// operator can see and replay once the endpoint is fixed.
@Suite("Outbound deliveries never follow redirects")
struct OutboundRedirectTests {
    @Test("a 302 to another host is not followed; the complaint goes to dead letters, the other host gets nothing")
    func redirectNotFollowed() async throws {
        let elsewhere = try await DownstreamServer.start()
        let downstream = try await DownstreamServer.start(
            defaultScript: .respond(status: 302, headers: ["Location": "\(elsewhere.baseURL)/collect"]))
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.post(#"{"text":"想咨询一下办事流程"}"#)
        let id = try #require(reply.json["id"] as? String)
        try await eventually("dead letter") {
            (try await gateway.request(.get, "/v1/complaints/\(id)").json["state"] as? String) == "dead"
        }
        // Each attempt's outcome and error, to tell why when there was more than one.
        let deliveries = try await gateway.request(.get, "/v1/complaints/\(id)").json["deliveries"] as? [[String: Any]]
        #expect(
            downstream.requests.count == 1,
            "\(deliveries?.map { "\($0["outcome"] ?? "") \($0["error"] ?? "")" } ?? [])")
        #expect(elsewhere.requests.isEmpty)
        try await gateway.stop()
        await downstream.stop()
        await elsewhere.stop()
    }
}
