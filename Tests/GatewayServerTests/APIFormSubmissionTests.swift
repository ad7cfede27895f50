import ComplaintCore
import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// `POST /v1/complaints` as `multipart/form-data`: the record in the field `complaint`, the photos
/// as file fields, the way `curl -F`, a web form or an app's upload library sends them.
@Suite("A complaint sent as a form with its files")
struct APIFormSubmissionTests {
    private static let photo = Data((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })

    /// Runs curl, the real sender, against the gateway; its answer's status and body.
    private static func curl(_ gateway: RunningGateway, _ arguments: [String]) async throws -> (Int, [String: Any]) {
        let result = try await spawnCapturingOutput(
            "/usr/bin/curl",
            [
                "-sS", "-o", "-", "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(RunningGateway.token)",
                "http://127.0.0.1:\(gateway.port)/v1/complaints",
            ] + arguments)
        let text = String(decoding: result.output, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        let body = lines.dropLast().joined(separator: "\n")
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        return (status, json)
    }

    @Test(
        "curl -F: the record and two files, one over max_body_bytes, listed in order and downloadable; a retry is the same complaint"
    )
    func curlForm() async throws {
        let downstream = try await DownstreamServer.start()
        // The photo over the limit is not stored a second time: the form in the raw payload holds it.
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) {
            $0.email.maxAttachmentBytes = 1 << 20
        }
        let directory = gateway.dataDirectory.deletingLastPathComponent()
            .appendingPathComponent("form-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let photoFile = directory.appendingPathComponent("现场照片.jpg")
        try Self.photo.write(to: photoFile)
        let note = directory.appendingPathComponent("note.txt")
        try Data("灯杆编号 A-17".utf8).write(to: note)
        let record =
            #"{"text":"路灯坏了，照片见附件","complainant":{"phone":"13812345678"},"#
            + #""attachments":[{"filename":"a.png","content":"\#(Data([0x89, 0x50]).base64EncodedString())"}]}"#
        let form = [
            "-H", "Idempotency-Key: form-retry-1",
            "-F", "complaint=\(record);type=application/json",
            "-F", "photo=@\(photoFile.path)",
            "-F", "note=@\(note.path);type=text/plain",
        ]
        let (status, reply) = try await Self.curl(gateway, form)
        #expect(status == 201, "\(reply)")
        let id = try #require(reply["id"] as? String)
        try await eventually("delivered") { downstream.requests.count >= 1 }
        let delivered = try ComplaintJSON.decode(try #require(downstream.requests.first).body)
        #expect(delivered.attachments.map(\.filename) == ["a.png", "现场照片.jpg", "note.txt"])
        #expect(delivered.attachments.map(\.contentType) == ["image/png", "image/jpeg", "text/plain"])
        #expect(delivered.attachments.map(\.size) == [2, Self.photo.count, 17])
        #expect(delivered.attachments[1].sha256 == ContentHash.sha256Hex(Self.photo))
        #expect(delivered.complainant.phone == "+8613812345678")
        let file = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/1")
        #expect(file.status == 200)
        #expect(file.body == Self.photo)
        let keptApart = try await sqlite(
            gateway.databasePath,
            "SELECT group_concat(kept) FROM (SELECT data IS NOT NULL AS kept FROM attachments ORDER BY position)")
        #expect(keptApart == "1,0,1")
        // curl draws a new boundary: the body differs, the complaint does not.
        let (again, repeated) = try await Self.curl(gateway, form)
        #expect(again == 200)
        #expect(repeated["id"] as? String == id)
        #expect(repeated["duplicate"] as? Bool == true)
        let count = try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints")
        #expect(count == "1")
        try await gateway.stop()
        await downstream.stop()
    }

    private static func form(_ parts: [String], boundary: String = "----cgForm7MA4YWxk", close: Bool = true) -> Data {
        var body = ""
        for part in parts { body += "--\(boundary)\r\n\(part)\r\n" }
        if close { body += "--\(boundary)--\r\n" }
        return Data(body.utf8)
    }

    private static func post(_ gateway: RunningGateway, _ body: Data, boundary: String = "----cgForm7MA4YWxk")
        async throws -> RunningGateway.Reply
    {
        try await gateway.request(
            .post, "/v1/complaints", body: body,
            headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
    }

    @Test(
        "a browser's form: an empty file input is skipped, RFC 2231 and raw UTF-8 names read, the record in GBK taken")
    func browserForm() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        var body = Data("------cgForm7MA4YWxk\r\nContent-Disposition: form-data; name=\"complaint\"\r\n".utf8)
        body += Data("Content-Type: application/json; charset=GBK\r\n\r\n".utf8)
        // {"text":"噪音扰民"} in GBK.
        body += Data(#"{"text":""#.utf8) + Data([0xD4, 0xEB, 0xD2, 0xF4, 0xC8, 0xC5, 0xC3, 0xF1]) + Data(#""}"#.utf8)
        body += Data("\r\n".utf8)
        // An old Windows client's name: raw GBK bytes (投诉.txt), no charset said anywhere.
        body += Data("------cgForm7MA4YWxk\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"".utf8)
        body += Data([0xCD, 0xB6, 0xCB, 0xDF]) + Data(".txt\"\r\n\r\nabc\r\n".utf8)
        body += Self.form(
            [
                "Content-Disposition: form-data; name=\"photos\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n",
                "Content-Disposition: form-data; name=\"photos\"; filename*=UTF-8''%E5%BD%95%E9%9F%B3.m4a\r\n\r\nRIFF",
                "Content-Disposition: form-data; name=\"photos\"; filename=\"夜间 施工.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJFIF",
            ])
        let reply = try await Self.post(gateway, body)
        #expect(reply.status == 201, "\(reply.errorMessage ?? "")")
        let id = try #require(reply.json["id"] as? String)
        let stored = try await gateway.request(.get, "/v1/complaints/\(id)")
        let record = try #require(stored.json["record"] as? [String: Any])
        #expect(record["text"] as? String == "噪音扰民")
        let files = try #require(record["attachments"] as? [[String: Any]])
        #expect(files.map { $0["filename"] as? String } == ["投诉.txt", "录音.m4a", "夜间 施工.jpg"])
        #expect(files.map { $0["content_type"] as? String } == ["text/plain", "audio/mp4", "image/jpeg"])
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(".NET HttpClient's form: quoted boundary, unquoted field names, filename and filename* both")
    func dotNetForm() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let boundary = "e1c3a7b2-55d4-4f0e-9a61-2b7f0c8d9e11"
        let body = Self.form(
            [
                "Content-Type: text/plain; charset=utf-8\r\nContent-Disposition: form-data; name=complaint\r\n\r\n"
                    + #"{"text":"井盖丢失","location":{"address":"文三路 100 号"}}"#,
                "Content-Type: image/jpeg\r\nContent-Disposition: form-data; name=photo; filename=\"____.jpg\"; "
                    + "filename*=utf-8''%E4%BA%95%E7%9B%96.jpg\r\n\r\nJFIF",
            ], boundary: boundary)
        let reply = try await gateway.request(
            .post, "/v1/complaints", body: body,
            headers: [("Content-Type", "multipart/form-data; boundary=\"\(boundary)\"")])
        #expect(reply.status == 201, "\(reply.errorMessage ?? "")")
        let id = try #require(reply.json["id"] as? String)
        let stored = try await gateway.request(.get, "/v1/complaints/\(id)")
        let record = try #require(stored.json["record"] as? [String: Any])
        #expect(record["text"] as? String == "井盖丢失")
        let files = try #require(record["attachments"] as? [[String: Any]])
        #expect(files.map { $0["filename"] as? String } == ["井盖.jpg"])
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a form without the record, with a field not taken, or cut short is refused with why, and kept in quarantine")
    func formsRefused() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let record = "Content-Disposition: form-data; name=\"complaint\"\r\n\r\n{\"text\":\"x\"}"
        let cases: [(Data, String)] = [
            (
                Self.form(["Content-Disposition: form-data; name=\"f\"; filename=\"a.jpg\"\r\n\r\nJFIF"]),
                "the form has no field named complaint: send the record as JSON in it, the files beside it"
            ),
            (
                Self.form([record, "Content-Disposition: form-data; name=\"phone\"\r\n\r\n13812345678"]),
                "form field \"phone\" is not taken: send the record as JSON in a field named complaint, and each "
                    + "file as a file field"
            ),
            (
                Self.form([record, record]),
                "the form has two fields named complaint"
            ),
            (
                Self.form([record], close: false),
                "malformed multipart/form-data body: it ends without its closing boundary (cut short?)"
            ),
            (
                Self.form(["Content-Disposition: form-data; name=\"complaint\"\r\n\r\n{\"text\":\"\"}"]),
                "text: must not be empty"
            ),
        ]
        for (body, message) in cases {
            let reply = try await Self.post(gateway, body)
            #expect(reply.status == 400 || reply.status == 422, "\(message)")
            #expect(reply.errorMessage == message)
            let rawID = try #require((reply.json["error"] as? [String: Any])?["raw_id"] as? String, "\(message)")
            let kept = try await sqlite(
                gateway.databasePath, "SELECT length(body) FROM raw_payloads WHERE id = '\(rawID)'")
            #expect(kept == String(body.count))
        }
        let noBoundary = try await gateway.request(
            .post, "/v1/complaints", body: Self.form([record]), headers: [("Content-Type", "multipart/form-data")])
        #expect(noBoundary.status == 400)
        #expect(noBoundary.errorMessage == "multipart Content-Type without a boundary")
        let count = try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints")
        #expect(count == "0")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("JSON over max_body_bytes is told of the form; a form over max_form_bytes gets 413")
    func limits() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) {
            $0.server.maxFormBytes = 2 << 20
        }
        let big = Data(repeating: 0x41, count: 1_600_000).base64EncodedString()
        let json = try await gateway.post(#"{"text":"x","attachments":[{"filename":"a.jpg","content":"\#(big)"}]}"#)
        #expect(json.status == 413)
        #expect(
            json.errorMessage
                == "request body exceeds the limit of 1048576 bytes; a complaint with files can be sent as "
                + "multipart/form-data (the record in a field named complaint, the files beside it), up to 2097152 bytes"
        )
        let record = "Content-Disposition: form-data; name=\"complaint\"\r\n\r\n{\"text\":\"x\"}"
        let file = "Content-Disposition: form-data; name=\"f\"; filename=\"a.jpg\"\r\n\r\n"
        let fits = try await Self.post(gateway, Self.form([record, file + String(repeating: "A", count: 1_600_000)]))
        #expect(fits.status == 201, "\(fits.errorMessage ?? "")")
        let over = try await Self.post(gateway, Self.form([record, file + String(repeating: "A", count: 2_200_000)]))
        #expect(over.status == 413)
        #expect(over.errorMessage == "request body exceeds the limit of 2097152 bytes")
        try await gateway.stop()
        await downstream.stop()
    }
}
