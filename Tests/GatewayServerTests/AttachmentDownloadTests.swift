import ComplaintCore
import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// `GET /v1/complaints/{id}/attachments/{n}`: the department fetches the files a complaint lists.
@Suite("A complaint's attachments, downloaded")
struct AttachmentDownloadTests {
    private static let photo = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x01, 0xFF])
    private static let large = Data(repeating: 0x41, count: 3000)

    private static func message() -> Data {
        func part(_ type: String, _ name: String, _ bytes: Data) -> String {
            "--b1\r\nContent-Type: \(type)\r\nContent-Disposition: attachment; filename*=UTF-8''\(name)\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n\(bytes.base64EncodedString(options: .lineLength76Characters))\r\n"
        }
        return Data(
            ("From: zhang@example.cn\r\nTo: complaints@hotline.example.gov.cn\r\nSubject: lamp\r\n"
                + "Message-ID: <files@example.cn>\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n路灯坏了，照片见附件\r\n"
                + part("image/png", "%E8%B7%AF%E7%81%AF%20100%25%3Ba.png", photo)
                + part("text/html", "page.html", Data("<script>alert(1)</script>".utf8))
                + part("application/pdf", "big.pdf", large)
                + "--b1--\r\n").utf8)
    }

    @Test("each file by its index, as a download, one over the size limit read from the raw message; precise 404s")
    func download() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) {
            $0.email.maxAttachmentBytes = 2048
        }
        let posted = try await gateway.request(
            .post, "/v1/email", body: Self.message(), headers: [("Content-Type", "message/rfc822")])
        #expect(posted.status == 201)
        let id = try #require(posted.json["id"] as? String)
        let header = { (reply: RunningGateway.Reply, name: String) in
            reply.headers.first { $0.0.lowercased() == name }?.1
        }

        let photo = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/0")
        #expect(photo.status == 200)
        #expect(photo.body == Self.photo)
        #expect(header(photo, "content-type") == "image/png")
        #expect(
            header(photo, "content-disposition")
                == "attachment; filename=\"__ 100_;a.png\"; filename*=UTF-8''%E8%B7%AF%E7%81%AF%20100%25%3Ba.png")
        #expect(header(photo, "content-security-policy") == "sandbox; default-src 'none'")
        #expect(header(photo, "etag") == "\"\(ContentHash.sha256Hex(Self.photo))\"")

        let page = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/1")
        #expect(page.status == 200)
        #expect(header(page, "content-type") == "application/octet-stream")

        // Over the size limit when it came: not kept apart, read again from the raw message.
        #expect(
            try await sqlite(gateway.databasePath, "SELECT data IS NULL FROM attachments WHERE position = 2") == "1")
        let large = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/2")
        #expect(large.status == 200)
        #expect(large.body == Self.large)
        #expect(header(large, "content-type") == "application/pdf")

        // A raw message that no longer holds the file as listed (altered outside the gateway): not served.
        _ = try await sqlite(
            gateway.databasePath, "UPDATE raw_payloads SET body = CAST('Subject: x' || char(13,10,13,10) AS BLOB)")
        let altered = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/2")
        #expect(altered.status == 404)
        #expect(altered.errorCode == "attachment_not_kept")
        #expect(altered.errorMessage?.contains("(3000 bytes) is not kept apart") == true)

        let beyond = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/3")
        #expect(beyond.status == 404)
        #expect(beyond.errorMessage == "complaint \(id) has 3 attachments, 0 to 2")
        let unknown = try await gateway.request(.get, "/v1/complaints/cmp_none/attachments/0")
        #expect(unknown.errorMessage == "no complaint with id cmp_none")
        for bad in ["01", "-1", "x"] {
            let reply = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/\(bad)")
            #expect(reply.status == 400, "\(bad)")
        }
        let anonymous = try await gateway.request(.get, "/v1/complaints/\(id)/attachments/0", token: nil)
        #expect(anonymous.status == 401)
        try await gateway.stop()
        await downstream.stop()
    }
}
