import ComplaintCore
import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// `POST /v1/complaints` with files: a web form's photos, in base64, kept and listed as email's are.
@Suite("Files sent with a complaint by API")
struct APIAttachmentTests {
    private static let photo = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x0A])

    @Test("each file is listed in the record with its size and SHA-256, delivered, and downloadable byte for byte")
    func filesTaken() async throws {
        let downstream = try await DownstreamServer.start()
        // The photo (13 bytes) over the limit: kept in the raw body only, read from it again.
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) {
            $0.email.maxAttachmentBytes = 12
        }
        // As a browser's FileReader gives it: base64 broken into lines; no type for the photo.
        let encoded = Self.photo.base64EncodedString(options: .lineLength64Characters)
        let body =
            #"{"text":"路灯坏了，照片见附件","attachments":[{"filename":"../现场 照片.JPG","content":"\#(encoded)"},"#
            + #"{"filename":"说明.txt","content_type":"Text/Plain","content":"\#(Data("灯杆编号 A-17".utf8).base64EncodedString())","#
            + #""size":17,"sha256":"\#(ContentHash.sha256Hex(Data("灯杆编号 A-17".utf8)).uppercased())"}]}"#
        let reply = try await gateway.post(body)
        #expect(reply.status == 201, "\(reply.errorMessage ?? "")")
        // A web form's FileReader gives a data: URL; URL-safe base64 without padding is read too.
        let dataURL = try await gateway.post(
            #"{"text":"路灯坏了","attachments":[{"filename":"a","content":"data:image/png;base64,\#(Self.photo.base64EncodedString())"},"#
                + #"{"filename":"b.jpg","content":"\#(Self.photo.base64EncodedString().replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: ""))"}]}"#
        )
        #expect(dataURL.status == 201, "\(dataURL.errorMessage ?? "")")
        let dataURLID = try #require(dataURL.json["id"] as? String)
        let types = try await sqlite(
            gateway.databasePath,
            "SELECT content_type || ' ' || size FROM attachments WHERE complaint_id = '\(dataURLID)'")
        #expect(types == "image/png 13\nimage/jpeg 13")
        let id = try #require(reply.json["id"] as? String)
        try await eventually("delivered") { downstream.requests.count >= 1 }
        let record = try ComplaintJSON.decode(try #require(downstream.requests.first).body)
        #expect(record.attachments.map(\.filename) == ["现场 照片.JPG", "说明.txt"])
        #expect(record.attachments.map(\.contentType) == ["image/jpeg", "text/plain"])
        #expect(record.attachments.map(\.size) == [13, 17])
        #expect(record.attachments.first?.sha256 == ContentHash.sha256Hex(Self.photo))
        #expect(
            record.source.extra["attachment_original_filenames"]
                == .array([.object(["position": .number(0), "filename": .string("../现场 照片.JPG")])]))
        let file = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/0")
        #expect(file.body == Self.photo)
        let keptApart = try await sqlite(
            gateway.databasePath,
            "SELECT group_concat(kept) FROM (SELECT data IS NOT NULL AS kept FROM attachments "
                + "WHERE complaint_id = '\(id)' ORDER BY position)")
        #expect(keptApart == "0,0")
        // The record as read back, files and all, sent again under the same key: the same complaint.
        let again = try await gateway.request(
            .post, "/v1/complaints", body: Data(body.utf8),
            headers: [("Content-Type", "application/json"), ("Idempotency-Key", "form-1")])
        let repeated = try await gateway.request(
            .post, "/v1/complaints", body: Data(body.utf8),
            headers: [("Content-Type", "application/json"), ("Idempotency-Key", "form-1")])
        #expect(again.status == 201)
        #expect(repeated.json["id"] as? String == again.json["id"] as? String)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a file cut short, not base64, or listed without its bytes is refused with the field named, nothing stored")
    func filesRefused() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let content = Self.photo.base64EncodedString()
        let cases: [(String, String)] = [
            (
                #"{"text":"x","attachments":[{"content":"\#(content)","size":14}]}"#,
                "attachments[0].size: is not the content's size (13 bytes): was the file cut short?"
            ),
            (
                #"{"text":"x","attachments":[{"content":"\#(content)","sha256":"00"}]}"#,
                "attachments[0].sha256: is not the content's SHA-256 (\(ContentHash.sha256Hex(Self.photo)))"
            ),
            (
                #"{"text":"x","attachments":[{"content":"not base64!"}]}"#,
                "attachments[0].content: not base64 (standard or URL-safe alphabet, or a data: URL as a browser's "
                    + "FileReader gives)"
            ),
            (
                #"{"text":"x","attachments":[{"content":"\#(content)","size":"13"}]}"#,
                "attachments[0].size: expected a number, found a string"
            ),
            (
                #"{"text":"x","attachments":[{"content":"\#(content)","data":"x"}]}"#,
                "attachments[0].data: unknown field (accepted: content, content_type, filename, sha256, size)"
            ),
            (#"{"text":"x","attachments":{"content":"\#(content)"}}"#, "attachments: expected a list, found an object"),
        ]
        for (body, message) in cases {
            let reply = try await gateway.post(body)
            #expect(reply.status == 422)
            #expect(reply.errorMessage == message)
        }
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM attachments") == "0")
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints") == "0")
        try await gateway.stop()
        await downstream.stop()
    }
}
