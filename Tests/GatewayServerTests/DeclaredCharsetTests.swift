import ComplaintCore
import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// JSON posted by systems that write GBK and say so in `Content-Type`.
@Suite struct DeclaredCharsetTests {
    /// `{"text":"路灯不亮，噪音扰民"}` in GBK.
    static let gbkBody: Data = {
        var bytes = Array(#"{"text":""#.utf8)
        // 路 灯 不 亮 ， 噪 音 扰 民 in GBK.
        bytes += [
            0xC2, 0xB7, 0xB5, 0xC6, 0xB2, 0xBB, 0xC1, 0xC1, 0xA3, 0xAC, 0xD4, 0xEB, 0xD2, 0xF4, 0xC8, 0xC5, 0xC3, 0xF1,
        ]
        bytes += Array(#""}"#.utf8)
        return Data(bytes)
    }()

    @Test func aGBKBodyLabelledSoIsReadInGBKAndKeptAsSent() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        for label in ["GBK", "\"gb2312\"", "GB18030"] {
            let reply = try await gateway.request(
                .post, "/v1/complaints", body: Self.gbkBody,
                headers: [("Content-Type", "application/json; charset=\(label)")])
            #expect(reply.status == 201, "\(label): \(String(decoding: reply.body, as: UTF8.self))")
        }
        let texts = try await sqlite(
            gateway.databasePath, "SELECT DISTINCT json_extract(record, '$.text') FROM complaints")
        #expect(texts == "路灯不亮，噪音扰民")
        // The raw payload is the bytes as sent.
        let raw = try await sqlite(gateway.databasePath, "SELECT DISTINCT hex(body) FROM raw_payloads")
        #expect(raw == Self.gbkBody.map { String(format: "%02X", $0) }.joined())
        try await gateway.stop()
        await downstream.stop()
    }

    @Test func unlabelledOrMislabelledGBKIsMalformedAndAnUnknownCharsetIsRefused() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        for type in ["application/json", "application/json; charset=utf-8"] {
            let reply = try await gateway.request(
                .post, "/v1/complaints", body: Self.gbkBody, headers: [("Content-Type", type)])
            #expect(reply.status == 400, "\(type)")
            #expect(reply.errorCode == "malformed_json")
            // Without a label the sender is told how to send it; with utf-8 declared, the label was wrong.
            #expect(reply.errorMessage?.contains("charset=GBK") == (type == "application/json"), "\(type)")
        }
        let unknown = try await gateway.request(
            .post, "/v1/complaints", body: Self.gbkBody,
            headers: [("Content-Type", "application/json; charset=klingon")])
        #expect(unknown.status == 415)
        #expect(unknown.errorCode == "unsupported_charset")
        // UTF-8 labelled GBK is a mislabel: taken as the UTF-8 it is.
        let utf8 = try await gateway.request(
            .post, "/v1/complaints", body: Data(#"{"text":"路灯不亮"}"#.utf8),
            headers: [("Content-Type", "application/json; charset=GBK")])
        #expect(utf8.status == 201)
        #expect(
            try await sqlite(gateway.databasePath, "SELECT json_extract(record, '$.text') FROM complaints") == "路灯不亮")
        // The two malformed bodies are kept in quarantine; the refused one is not stored.
        #expect(
            try await sqlite(
                gateway.databasePath, "SELECT count(*) FROM raw_payloads WHERE disposition = 'quarantined'")
                == "2")
        try await gateway.stop()
        await downstream.stop()
    }
}
