import Foundation
import GatewayTestSupport
import Testing

@Suite("Hotline rows routed by the district their address names")
struct HotlineDistrictRoutingTests {
    @Test("a call log without a district column: the address's district reaches the record and a district rule")
    func districtRule() async throws {
        let running = try await ConfigCopyGateway.start()
        let gateway = running.gateway
        try await running.addDistrictRule()
        let file =
            HotlineUploadTests.header
            + "GD101,2026/11/3 8:15,13812345678,王先生,投诉,工地噪音很大,杭州市西湖区文三路1号,ZX1001,125\r\n"
            + "GD102,2026/11/3 8:20,13812345678,李女士,投诉,工地噪音很大,杭州市滨江区江南大道2号,ZX1002,60\r\n"
            + "GD103,2026/11/3 8:25,13812345678,赵女士,投诉,工地噪音很大,文三路1号,ZX1003,60\r\n"
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(file.utf8), headers: [("Content-Type", "text/csv")])
        #expect(reply.json["accepted"] as? Int == 3)
        let ids = try #require(reply.json["ids_by_line"] as? [String: String])
        var seen: [String] = []
        for line in ["2", "3", "4"] {
            let detail = try await gateway.request(.get, "/v1/complaints/\(try #require(ids[line]))").json
            let record = try #require(detail["record"] as? [String: Any])
            let location = record["location"] as? [String: Any]
            let routing = record["routing"] as? [String: Any]
            seen.append("\(location?["district"] as? String ?? "-") \(routing?["rule"] as? String ?? "-")")
        }
        #expect(seen == ["西湖区 xihu-noise", "滨江区 noise-night", "- noise-night"])
        try await running.stop()
    }
}
