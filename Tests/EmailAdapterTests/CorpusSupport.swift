import ComplaintCore
import EmailAdapter
import Foundation
import Testing

/// Messages from Corpus/ (written by make_corpus.py), and the verdict the builder gives them.
enum Corpus {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Corpus/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    static let receivedAt = Date(timeIntervalSince1970: 1_793_000_000)

    static func draft(_ name: String, maxAttachmentBytes: Int = 1 << 20) throws -> EmailDraft {
        let verdict = EmailComplaintBuilder(maxAttachmentBytes: maxAttachmentBytes)
            .build(try bytes(name), adapter: "inbox", receivedAt: receivedAt)
        guard case .complaint(let draft) = verdict else {
            Issue.record("\(name) was not taken as a complaint: \(verdict)")
            throw CancellationError()
        }
        return draft
    }

    /// A one-part message from a citizen with `body` (CRLF line ends, as sent) under
    /// `contentType` (and `extraHeaders`, each line ending CRLF), as the builder takes it; throws when it is not taken as a complaint.
    static func complaint(
        body: String, contentType: String = "text/plain; charset=utf-8", subject: String = "test",
        extraHeaders: String = ""
    ) throws -> Complaint {
        let raw = """
            From: citizen@example.cn\r
            To: complaints@hotline.example.gov.cn\r
            Subject: \(subject)\r
            Message-ID: <\(UUID().uuidString)@example.cn>\r
            \(extraHeaders)MIME-Version: 1.0\r
            Content-Type: \(contentType)\r
            Content-Transfer-Encoding: 8bit\r
            \r
            \(body)
            """
        let verdict = EmailComplaintBuilder().build(Array(raw.utf8), adapter: "inbox", receivedAt: Date())
        guard case .complaint(let draft) = verdict else {
            Issue.record("not taken as a complaint: \(verdict)")
            throw CancellationError()
        }
        return draft.complaint
    }
}
