import Foundation
import GatewayTestSupport
import Testing

/// HTTP/1.1 lets a client send its next request before the answer to the last one: a call-centre
/// tool that queues its uploads on one connection does. The large body waiting behind an import
/// in progress is read only after that import's answer, and is not lost or cut.
@Suite("Uploads pipelined on one connection")
struct PipelinedUploadTests {
    @Test("a large upload sent behind one still importing is answered after it, in order, whole")
    func largeBodyBehindSlowAnswer() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let rows = 20_000
        let upload = { (prefix: String) -> String in
            let file = HotlineImportFailureTests.callLog(ticketPrefix: prefix, rows: rows)
            return "POST /v1/hotline/calls?profile=12345 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer \(RunningGateway.token)\r\nContent-Type: text/csv\r\n"
                + "Content-Length: \(file.utf8.count)\r\n\r\n\(file)"
        }
        let connection = try RawConnection(port: gateway.port, receiveTimeout: 120)
        // One write of both files and a last request: the second file (2 MB) sits in the socket,
        // and the server stops reading it, while the first imports.
        let sent = await connection.send(
            upload("GD-P1-") + upload("GD-P2-")
                + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(sent)
        let (bytes, closed) = await connection.readUntilClosed()
        #expect(closed, "the connection was not closed after the last answer")
        let text = String(decoding: bytes, as: UTF8.self)
        let answers = text.components(separatedBy: "HTTP/1.1 ").dropFirst()
        #expect(answers.map { $0.prefix(3) } == ["200", "200", "200"], "\(text.prefix(800))")
        // Each report is its own file's: its rows, all taken. (Sent chunked, in one chunk.)
        let reports = answers.prefix(2).compactMap { answer -> [String: Any]? in
            guard let json = answer.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("{") }) else {
                return nil
            }
            return try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        }
        #expect(reports.count == 2, "\(text.prefix(1500))")
        for report in reports {
            #expect(report["rows"] as? Int == rows && report["accepted"] as? Int == rows, "\(report)")
        }
        #expect(reports.compactMap { $0["file_sha256"] as? String }.count == 2)
        #expect(Set(reports.compactMap { $0["file_sha256"] as? String }).count == 2)
        let stored = try await sqlite(
            gateway.databasePath,
            "SELECT count(*), count(DISTINCT external_id) FROM complaints WHERE external_id LIKE 'GD-P_-%'")
        #expect(stored == "\(2 * rows)|\(2 * rows)")
        try await gateway.stop()
        await downstream.stop()
    }
}
