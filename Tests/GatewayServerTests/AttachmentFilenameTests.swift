import ComplaintCore
import Foundation
import GatewayTestSupport
import Testing

/// Email attachments named to attack whoever saves or shows them: the record and the attachments
/// table carry a plain base name; the original is kept in `source.extra` for audit.
@Suite("Hostile attachment filenames")
struct AttachmentFilenameTests {
    /// (Content-Disposition filename parameter as sent, the name the record must carry)
    static let names: [(String, String?)] = [
        (#"filename="../../etc/passwd""#, "passwd"),
        (#"filename="..\\..\\windows\\win.ini""#, "win.ini"),
        (#"filename="/var/lib/complaint-gateway/gateway.sqlite""#, "gateway.sqlite"),
        (#"filename*=utf-8''evil%00.pdf.exe"#, "evil.pdf.exe"),
        (#"filename*=utf-8''a%0D%0AX-Injected%3A%201.txt"#, "aX-Injected_ 1.txt"),
        (#"filename*=utf-8''photo%E2%80%AEgpj.exe"#, "photogpj.exe"),
        (#"filename="..""#, nil),
        (#"filename="\#(String(repeating: "长", count: 300)).jpg""#, String(repeating: "长", count: 83) + ".jpg"),
    ]

    static func message() -> Data {
        var text = """
            From: citizen@example.cn\r
            Subject: attachments\r
            Message-ID: <hostile-names@example.cn>\r
            Content-Type: multipart/mixed; boundary="b"\r
            \r
            --b\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            附件见下\r

            """
        for (parameter, _) in names {
            text += "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; \(parameter)\r\n"
            text += "Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n"
        }
        text += "--b--\r\n"
        return Data(text.utf8)
    }

    @Test("paths, NUL, CR/LF, bidi overrides and 900-byte names become safe base names; originals kept for audit")
    func sanitized() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let reply = try await gateway.request(
            .post, "/v1/email", body: Self.message(), headers: [("Content-Type", "message/rfc822")])
        #expect(reply.status == 201)
        let id = try #require(reply.json["id"] as? String)
        let detail = try await gateway.request(.get, "/v1/complaints/\(id)")
        let record = try #require(detail.json["record"] as? [String: Any])
        let attachments = try #require(record["attachments"] as? [[String: Any]])
        #expect(attachments.map { $0["filename"] as? String } == Self.names.map(\.1))
        for case let name? in attachments.map({ $0["filename"] as? String }) {
            #expect(!name.contains("/") && !name.contains("\\") && !name.hasPrefix("."))
            #expect(!name.unicodeScalars.contains { $0.value < 0x20 || (0x202A...0x202E).contains($0.value) })
            #expect(name.utf8.count <= 255)
        }
        let stored = try await sqlite(gateway.databasePath, "SELECT filename FROM attachments ORDER BY position")
        #expect(!stored.contains("/") && !stored.contains(".."))
        let extra = try #require((record["source"] as? [String: Any])?["extra"] as? [String: Any])
        let originals = try #require(extra["attachment_original_filenames"] as? [[String: Any]])
        #expect(originals.first?["filename"] as? String == "../../etc/passwd")
        #expect(originals.count == Self.names.count)
        // Nothing was written outside the data directory (the gateway keeps attachments in the database only).
        #expect(!FileManager.default.fileExists(atPath: gateway.dataDirectory.appendingPathComponent("passwd").path))
        try await gateway.stop()
        await downstream.stop()
    }
}
