import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

@Suite("Reloading departments.yaml with the rule tables, without a restart")
struct DepartmentReloadTests {
    @Test("a department added with a table naming it delivers at once; a changed endpoint URL takes effect")
    func addedAndChanged() async throws {
        let running = try await ConfigCopyGateway.start()
        let (gateway, downstream) = (running.gateway, running.downstream)
        try running.edit("departments.yaml") {
            // `${DOWNSTREAM_URL}` is read from the environment the gateway started with.
            $0.replacingOccurrences(
                of: "url: ${DOWNSTREAM_URL:-http://127.0.0.1:9009}/housing",
                with: "url: ${DOWNSTREAM_URL:-http://127.0.0.1:9009}/housing-v2")
                    + """

                      - id: water-emergency
                        name: 供水抢修中心
                        endpoint:
                          url: ${DOWNSTREAM_URL}/water-emergency

                    """
        }
        try running.edit("routing/keywords.yaml") {
            $0.replacingOccurrences(
                of: "department: water-supply, priority: high", with: "department: water-emergency, priority: high")
        }
        let reply = try await gateway.request(.post, "/v1/routing/reload")
        #expect(reply.status == 200)
        let count = try #require(reply.json["departments"] as? Int)
        #expect(count >= 2)

        let water = try await gateway.post(#"{"text":"小区停水三天了"}"#)
        #expect((water.json["routing"] as? [String: Any])?["department"] as? String == "water-emergency")
        try await eventually(timeout: .seconds(20), "delivered to the new department") {
            downstream.requests(to: "/water-emergency").count == 1
        }
        let housing = try await gateway.post(#"{"text":"电梯坏了一个月物业不修"}"#)
        #expect((housing.json["routing"] as? [String: Any])?["department"] as? String == "housing")
        try await eventually(timeout: .seconds(20), "delivered to the changed URL") {
            downstream.requests(to: "/housing-v2").count == 1
        }
        #expect(downstream.requests(to: "/housing").isEmpty)
        try await running.stop()
    }

    @Test("a department pointed at a new URL gets its next delivery there")
    func changedURL() async throws {
        let running = try await ConfigCopyGateway.start()
        let (gateway, downstream) = (running.gateway, running.downstream)
        #expect(try await gateway.post(#"{"text":"停水了"}"#).status == 201)
        try await eventually(timeout: .seconds(20), "first delivery") {
            downstream.requests(to: "/water-supply").count == 1
        }
        try running.edit("departments.yaml") {
            $0.replacingOccurrences(
                of: "url: ${DOWNSTREAM_URL:-http://127.0.0.1:9009}/water-supply",
                with: "url: ${DOWNSTREAM_URL:-http://127.0.0.1:9009}/water-supply-v2")
        }
        #expect(try await gateway.request(.post, "/v1/routing/reload").status == 200)
        #expect(try await gateway.post(#"{"text":"又停水了"}"#).status == 201)
        try await eventually(timeout: .seconds(20), "second delivery at the new URL") {
            downstream.requests(to: "/water-supply-v2").count == 1
        }
        #expect(downstream.requests(to: "/water-supply").count == 1)
        try await running.stop()
    }

    @Test("an error in departments.yaml refuses the whole reload: tables and departments stay as they run")
    func refused() async throws {
        let running = try await ConfigCopyGateway.start()
        let (gateway, downstream) = (running.gateway, running.downstream)
        let version = try await explainVersion(gateway)
        try running.edit("departments.yaml") {
            $0 + """

                  - id: water-emergency
                    endpoint:
                      url: ftp://127.0.0.1/water-emergency

                """
        }
        try running.edit("routing/keywords.yaml") {
            $0.replacingOccurrences(
                of: "department: water-supply, priority: high", with: "department: water-emergency, priority: high")
        }
        let reply = try await gateway.request(.post, "/v1/routing/reload")
        #expect(reply.status == 422)
        #expect(reply.errorCode == "routing_invalid")
        let issues = try #require((reply.json["error"] as? [String: Any])?["issues"] as? [String])
        #expect(issues.contains { $0.hasPrefix("departments.yaml:") && $0.contains("url") }, "\(issues)")
        // Errors only: warnings are listed apart, as a reload that is taken lists them.
        #expect(!issues.contains { $0.contains(": warning: ") }, "\(issues)")
        #expect((reply.json["error"] as? [String: Any])?["warnings"] as? [String] != nil)
        #expect(try await explainVersion(gateway) == version)
        let routed = try await gateway.post(#"{"text":"停水了"}"#)
        #expect((routed.json["routing"] as? [String: Any])?["department"] as? String == "water-supply")
        try await eventually(timeout: .seconds(20), "delivered as before") {
            downstream.requests(to: "/water-supply").count == 1
        }
        try await running.stop()
    }

    @Test("a department removed by a reload leaves /metrics; one added appears there")
    func metricsFollowTheDepartments() async throws {
        let running = try await ConfigCopyGateway.start()
        let gateway = running.gateway
        let original = try String(
            contentsOf: running.directory.appendingPathComponent("departments.yaml"), encoding: .utf8)
        try running.edit("departments.yaml") {
            $0 + """

                  - id: reload-metrics-probe
                    endpoint:
                      url: ${DOWNSTREAM_URL}/reload-metrics-probe

                """
        }
        let series = #"cg_dispatch_breaker_state{department="reload-metrics-probe"}"#
        #expect(try await gateway.request(.post, "/v1/routing/reload").status == 200)
        #expect(try await metrics(gateway).contains(series))
        try running.edit("departments.yaml") { _ in original }
        #expect(try await gateway.request(.post, "/v1/routing/reload").status == 200)
        #expect(!(try await metrics(gateway).contains(series)))
        try await running.stop()
    }

    private func metrics(_ gateway: RunningGateway) async throws -> String {
        String(decoding: try await gateway.request(.get, "/metrics", token: nil).body, as: UTF8.self)
    }

    private func explainVersion(_ gateway: RunningGateway) async throws -> String? {
        let reply = try await gateway.request(.post, "/v1/routing/explain", body: Data(#"{"text":"x"}"#.utf8))
        return (reply.json["decision"] as? [String: Any])?["tables_version"] as? String
    }
}
