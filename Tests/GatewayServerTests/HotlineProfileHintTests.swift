import Foundation
import GatewayServer
import GatewayTestSupport
import HotlineCSVAdapter
import Testing

/// What a refused upload tells staff about the profile to use instead.
@Suite("Hotline profile hints")
struct HotlineProfileHintTests {
    static let file =
        HotlineUploadTests.header
        + "GD001,2026/11/3 8:15,13812345678,王先生,投诉,路灯不亮,西湖区文三路1号,ZX1001,125\r\n"

    /// A profile that requires only the 12345 export's ticket id and call time (and text): it
    /// fits the file, knowing 3 of its 9 columns.
    static func thin(_ name: String) -> HotlineProfile {
        HotlineProfile(
            name: name, timeZone: TimeZone(identifier: "Asia/Shanghai")!,
            dateFormats: HotlineProfileLoader.defaultDateFormats.compactMap { try? CallTimeFormat.compile($0).get() },
            columns: [
                HotlineColumn(field: .ticketID, headers: ["工单编号"], required: true),
                HotlineColumn(field: .callTime, headers: ["来电时间"], required: true),
                HotlineColumn(field: .text, headers: ["诉求内容"]),
            ])
    }

    @Test("when several profiles fit, the one that knows most columns is named first, as the best")
    func bestFitFirst() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) { configuration in
            // Alphabetically before 12345's rival names, as the thin profile of the report was.
            configuration.hotlineProfiles["000thin"] = Self.thin("000thin")
        }
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=311", body: Data(Self.file.utf8), headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 422)
        #expect(
            reply.errorMessage?.hasSuffix(
                "; the header at line 1 fits profile \"12345\" best (it knows 9 of 9 columns; also fit: \"000thin\" (3)): "
                    + "import the file with that profile") == true, "\(reply.errorMessage ?? "")")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "when the best fits tie, none is named as the one: staff choose, for a file stored under two profiles is stored twice"
    )
    func tiedFits() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) { configuration in
            configuration.hotlineProfiles["12345"] = nil
            configuration.hotlineProfiles["thin-a"] = Self.thin("thin-a")
            configuration.hotlineProfiles["thin-b"] = Self.thin("thin-b")
        }
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=311", body: Data(Self.file.utf8), headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 422)
        let message = reply.errorMessage ?? ""
        #expect(
            message.hasSuffix(
                "; the header at line 1 fits profiles \"thin-a\" and \"thin-b\" equally (each knows 3 of 9 columns): choose the "
                    + "profile made for this export; the same file imported under two profiles is stored twice"),
            "\(message)")
        // The upload page selects a profile only on `fits profile "NAME"`: not here.
        #expect(!message.contains("fits profile \""))
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a profile file not in force is named, with the reload it needs")
    func addedAfterStart() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) { configuration in
            configuration.hotlineProfiles["311"] = nil
        }
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=311", body: Data(Self.file.utf8), headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 422)
        #expect(reply.errorCode == "unknown_profile")
        #expect(
            reply.errorMessage
                == "no hotline profile \"311\" (known: 12345); hotline/311.yaml was added or changed after the profiles "
                + "in force were read: reload them (POST /v1/routing/reload or SIGHUP, which refuse a profile with errors "
                + "and say why)")
        let unknown = try await gateway.request(
            .post, "/v1/hotline/calls?profile=nope", body: Data(Self.file.utf8), headers: [("Content-Type", "text/csv")]
        )
        #expect(unknown.errorMessage == "no hotline profile \"nope\" (known: 12345)")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a reload puts a new profile in force, and refuses a broken one with its error while the running ones stay")
    func reloadedProfiles() async throws {
        let running = try await ConfigCopyGateway.start()
        let gateway = running.gateway
        let csv = "编号,时间,内容\r\nV1,2026/11/3 8:15,路灯不亮\r\n"
        let before = try await gateway.request(
            .post, "/v1/hotline/calls?profile=vendor", body: Data(csv.utf8), headers: [("Content-Type", "text/csv")])
        #expect(before.errorCode == "unknown_profile")

        try Data("description: 供应商导出\ncolumns: { ticket_id: 编号, call_time: 时间, text: 内容 }\n".utf8)
            .write(to: running.directory.appendingPathComponent("hotline/vendor.yaml"))
        let reload = try await gateway.request(.post, "/v1/routing/reload")
        #expect(reload.status == 200)
        #expect(reload.json["hotline_profiles"] as? [String] == ["12345", "311", "vendor"])
        let after = try await gateway.request(
            .post, "/v1/hotline/calls?profile=vendor", body: Data(csv.utf8), headers: [("Content-Type", "text/csv")])
        #expect(after.status == 200)
        #expect(after.json["accepted"] as? Int == 1)
        let page = String(decoding: try await gateway.request(.get, "/", token: nil, headers: []).body, as: UTF8.self)
        #expect(page.contains("<option value=\"vendor\">vendor · 供应商导出</option>"))

        try Data("time_zone: CST\ncolumns: { ticket_id: 编号, call_time: 时间, text: 内容 }\n".utf8)
            .write(to: running.directory.appendingPathComponent("hotline/vendor.yaml"))
        let refused = try await gateway.request(.post, "/v1/routing/reload")
        #expect(refused.status == 422)
        let issues = (refused.json["error"] as? [String: Any])?["issues"] as? [String] ?? []
        #expect(
            issues.contains { $0.hasPrefix("hotline/vendor.yaml:1: time_zone: \"CST\" is an abbreviation") },
            "\(issues)")
        // The profile in force stays: the same upload is a duplicate, not refused.
        let again = try await gateway.request(
            .post, "/v1/hotline/calls?profile=vendor", body: Data(csv.utf8), headers: [("Content-Type", "text/csv")])
        #expect(again.json["duplicates"] as? Int == 1)
        try await running.stop()
    }
}
