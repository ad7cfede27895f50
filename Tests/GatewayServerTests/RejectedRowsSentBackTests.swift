import Foundation
import GatewayTestSupport
import Testing

/// A row refused for its shape (too few or too many fields, a quote never closed) comes back in
/// the rejected-rows file as it was sent, and sent back unfixed is refused again: never taken
/// with its values under the wrong columns, never with a value lost.
@Suite("Rejected rows sent back: rows of the wrong width")
struct RejectedRowsSentBackTests {
    static let file =
        HotlineUploadTests.header
        // 姓名 left out: eight fields.
        + "GS01,2026/11/3 8:15,13812345678,投诉,楼上装修,西湖区文三路1号,ZX1,60\r\n"
        // An unquoted comma in the address: ten fields.
        + "GS02,2026/11/3 8:16,13812345679,李女士,投诉,噪音扰民,西湖区,文三路2号,ZX2,61\r\n"
        // A quote never closed.
        + "GS03,2026/11/3 8:17,13812345670,王先生,投诉,\"路灯不亮,上城区解放路3号,ZX3,62\r\n"
        + "GS04,2026/11/3 8:18,13812345671,赵先生,投诉,停水了,上城区解放路4号,ZX4,63\r\n"

    private func upload(_ gateway: RunningGateway, _ body: String) async throws -> RunningGateway.Reply {
        try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(body.utf8), headers: [("Content-Type", "text/csv")])
    }

    private func reasons(_ reply: RunningGateway.Reply) -> [String] {
        (reply.json["rejected"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
    }

    @Test("the download keeps each row's fields as sent; unfixed, even padded by a spreadsheet, they are refused again")
    func refusedAgainUntilFixed() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let first = try await upload(gateway, Self.file)
        #expect(first.json["accepted"] as? Int == 1)
        let original = reasons(first)
        #expect(original.count == 3)
        #expect(original[0] == "expected 9 columns, found 8")
        #expect(original[1] == "expected 9 columns, found 10")
        #expect(original[2].hasPrefix("unterminated quote"))

        let path = try #require(first.json["rejected_csv"] as? String)
        let download = String(decoding: try await gateway.request(.get, path).body, as: UTF8.self)
        let lines = download.replacingOccurrences(of: "\u{FEFF}", with: "").components(separatedBy: "\r\n")
        #expect(
            lines[1]
                == "GS01,2026/11/3 8:15,\"=\"\"13812345678\"\"\",投诉,楼上装修,西湖区文三路1号,ZX1,60,2,\"expected 9 columns, found 8\""
        )
        #expect(
            lines[2]
                == "GS02,2026/11/3 8:16,\"=\"\"13812345679\"\"\",李女士,投诉,噪音扰民,西湖区,文三路2号,ZX2,61,3,\"expected 9 columns, found 10\""
        )
        #expect(
            lines[3].hasPrefix("GS03,2026/11/3 8:17,\"=\"\"13812345670\"\"\",王先生,投诉,\"\"\"路灯不亮\",上城区解放路3号,ZX3,62,4,"))

        // Sent back as downloaded: the same verdicts. The row whose quote never closed was split
        // as staff read it, so it would now read whole, but with the stray quote in its text: it
        // is refused again until the quote is removed.
        let again = try await upload(gateway, download)
        #expect(again.json["accepted"] as? Int == 0)
        #expect(
            reasons(again) == [
                "expected 9 columns, found 8", "expected 9 columns, found 10",
                "unterminated quote (sent back unfixed: the quote at the start of 诉求内容 is still there; "
                    + "remove it, or close it where the field ends)",
            ])

        // Saved by a spreadsheet, which pads every row to the widest: still refused, not shifted.
        let padded = lines.enumerated().map { index, line in
            index == 0 || line.isEmpty ? line : line + String(repeating: ",", count: max(0, 12 - Self.fieldCount(line)))
        }.joined(separator: "\r\n")
        let paddedReply = try await upload(gateway, padded)
        #expect(paddedReply.json["accepted"] as? Int == 0)
        let paddedReasons = reasons(paddedReply)
        #expect(paddedReasons.first?.hasPrefix("expected 9 columns, found 8 (sent back unfixed") == true)

        // LibreOffice pads the header too, to the row an unquoted comma made wider: `line` and
        // `reason` are then followed by an empty header cell, and still recognised.
        let headerPadded = padded.components(separatedBy: "\r\n").enumerated().map { index, line in
            index == 0 ? line + "," : line
        }.joined(separator: "\r\n")
        let headerPaddedReply = try await upload(gateway, headerPadded)
        #expect(headerPaddedReply.json["accepted"] as? Int == 0)
        #expect(
            reasons(headerPaddedReply) == [
                "expected 9 columns, found 8 (sent back unfixed: its line and reason are not in their own columns)",
                "expected 9 columns, found 10 (sent back unfixed: its line and reason are not in their own columns)",
                "unterminated quote (sent back unfixed: the quote at the start of 诉求内容 is still there; "
                    + "remove it, or close it where the field ends)",
            ])

        // Fixed (the name typed in, the address merged, the quote removed): taken, every value in its column.
        let fixed =
            HotlineUploadTests.header.replacingOccurrences(of: "\r\n", with: ",line,reason\r\n")
            + "GS01,2026/11/3 8:15,13812345678,孙女士,投诉,楼上装修,西湖区文三路1号,ZX1,60,2,\"expected 9 columns, found 8\"\r\n"
            + "GS02,2026/11/3 8:16,13812345679,李女士,投诉,噪音扰民,\"西湖区,文三路2号\",ZX2,61,3,x\r\n"
            + "GS03,2026/11/3 8:17,13812345670,王先生,投诉,路灯不亮,上城区解放路3号,ZX3,62,4,x\r\n"
        let taken = try await upload(gateway, fixed)
        #expect(taken.json["accepted"] as? Int == 3, "\(reasons(taken))")
        #expect(taken.json["duplicates"] as? Int == 0)
        #expect(
            try await sqlite(
                gateway.databasePath,
                "SELECT json_extract(record, '$.text') || '|' || json_extract(record, '$.location.address') "
                    + "FROM complaints WHERE external_id = 'GS03'") == "路灯不亮|上城区解放路3号")
        let record = try await sqlite(
            gateway.databasePath,
            "SELECT json_extract(record, '$.complainant.name') || '|' || json_extract(record, '$.text') FROM complaints WHERE external_id = 'GS01'"
        )
        #expect(record == "孙女士|楼上装修")
        try await gateway.stop()
        await downstream.stop()
    }

    /// Fields of a line of this test's files (no field holds a quoted comma except as written).
    private static func fieldCount(_ line: String) -> Int {
        var count = 1
        var quoted = false
        for character in line {
            if character == "\"" { quoted.toggle() }
            if character == ",", !quoted { count += 1 }
        }
        return count
    }
}
