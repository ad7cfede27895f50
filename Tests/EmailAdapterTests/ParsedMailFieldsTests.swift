import ComplaintCore
import EmailAdapter
import Foundation
import Testing

/// A forwarding service's parsed mail rebuilt into a message: its values cannot add header fields
/// or parts of their own, and the message reads as the original did.
@Suite("Parsed mail rebuilt into a message")
struct ParsedMailFieldsTests {
    private static let builder = EmailComplaintBuilder(maxAttachmentBytes: 1 << 20)

    private static func draft(_ message: [UInt8]) throws -> EmailDraft {
        guard case .complaint(let draft) = builder.build(message, adapter: "t", receivedAt: Date()) else {
            Issue.record("not a complaint: \(String(decoding: message, as: UTF8.self))")
            throw CancellationError()
        }
        return draft
    }

    @Test("line breaks in a JSON header value or file type neither end the headers nor add a field or a part")
    func injectedLineBreaks() throws {
        let webhook: [String: Any] = [
            "FromFull": ["Email": "citizen@example.cn", "Name": "王"],
            "Subject": "投诉\r\n\r\n--=_cg-form-mixed\r\nContent-Type: text/plain\r\n\r\n伪造",
            "TextBody": "井盖丢失",
            "Headers": [["Name": "X-Note", "Value": "a\nBcc: someone@example.com"]],
            "Attachments": [
                [
                    "Name": "a.jpg", "Content": Data("JFIF".utf8).base64EncodedString(),
                    "ContentType": "image/jpeg\r\nX-Evil: 1", "ContentID": "<i1>\r\nX-Evil: 2",
                ]
            ],
        ]
        let json = Array(try JSONSerialization.data(withJSONObject: webhook))
        let (message, rebuilt) = try #require(ParsedMailFields.message(fromPostmark: json))
        #expect(rebuilt)
        let parsed = MIMEParser().parse(message)
        #expect(parsed.headers.all("Bcc").isEmpty)
        #expect(parsed.headers.all("X-Evil").isEmpty)
        var evil = 0
        parsed.walk { part in evil += part.headers.all("X-Evil").count }
        #expect(evil == 0)
        let draft = try Self.draft(message)
        #expect(draft.complaint.text == "井盖丢失")
        #expect(draft.complaint.subject?.hasPrefix("投诉") == true)
        #expect(draft.complaint.attachments.map(\.contentType) == ["image/jpeg"])
        #expect(draft.complaint.attachments.count == 1)
    }

    @Test("SendGrid's folded header lines stay folded; the original structure's fields are dropped")
    func sendGridHeaders() throws {
        let headers =
            "From: a@example.cn\nSubject: =?utf-8?B?\(Data("噪音扰民".utf8).base64EncodedString())?=\n"
            + "Message-ID:\n <folded@example.cn>\nContent-Type: multipart/alternative;\n\tboundary=\"x\"\n"
        let fields = [
            ParsedMailFields.Field(name: "headers", value: Array(headers.utf8)),
            ParsedMailFields.Field(name: "envelope", value: Array(#"{"to":["c@x"]}"#.utf8)),
            ParsedMailFields.Field(name: "text", value: Array("晚上施工".utf8)),
        ]
        let (message, service) = try #require(ParsedMailFields.message(from: fields))
        #expect(service == .sendGrid)
        let draft = try Self.draft(message)
        #expect(draft.complaint.source.externalID == "folded@example.cn")
        #expect(draft.complaint.subject == "噪音扰民")
        #expect(draft.complaint.text == "晚上施工")
        #expect(MIMEParser().parse(message).headers.all("Content-Type").count == 1)
    }

    @Test("fields of no known service are not a message")
    func unknownFields() {
        #expect(ParsedMailFields.message(from: [ParsedMailFields.Field(name: "text", value: Array("x".utf8))]) == nil)
        #expect(ParsedMailFields.message(fromPostmark: Array(#"{"text":"x"}"#.utf8)) == nil)
    }
}
