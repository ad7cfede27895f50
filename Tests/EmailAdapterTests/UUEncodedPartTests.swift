import ComplaintCore
import EmailAdapter
import Foundation
import Testing

/// Parts uuencoded, as older mailers and scripts send them (`Content-Transfer-Encoding:
/// x-uuencode`): decoded like base64 parts, as Python's `email` and mail readers do.
@Suite("uuencoded parts")
struct UUEncodedPartTests {
    /// Made with Python's `binascii.b2a_uu`, 45 bytes a line; the last line lost its two
    /// trailing spaces (encoded zeros), as mail relays strip them.
    static let photo = """
        From: citizen@example.cn\r
        To: complaints@hotline.example.gov.cn\r
        Subject: =?UTF-8?B?5pa95bel5Zmq6Z+z?=\r
        Message-ID: <uu-1@example.cn>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="b1"\r
        \r
        --b1\r
        Content-Type: text/plain; charset=utf-8\r
        Content-Transfer-Encoding: x-uuencode\r
        \r
        begin 644 complaint.txt\r
        BYIF:Y+B*Y;>EY9RPYI:]Y;>EY9FJZ9^SY;Z(Y:2GXX\"\"\"@  \r
        `\r
        end\r
        --b1\r
        Content-Type: image/png; name="site.png"\r
        Content-Disposition: attachment; filename="site.png"\r
        Content-Transfer-Encoding: x-uuencode\r
        \r
        begin 644 site.png\r
        MB5!.1PT*&@H  0(#! 4&!P@)\"@L,#0X/$!$2$Q05%A<8&1H;'!T>'R A(B,D\r
        M)28G*\"DJ*RPM+B\\P,3(S-#4V-S@Y.CL\\/3X_0$%\"0T1%1D=(24I+3$U.3U!1\r
        M4E-455976%E:6UQ=7E]@86)C9&5F9VAI:FML;6YO<'%R<W1U=G=X>7I[?'U^\r
        M?X\"!@H.$A8:'B(F*BXR-CH^0D9*3E)66EYB9FIN<G9Z?H*&BHZ2EIJ>HJ:JK\r
        <K*VNK[\"QLK.TM;:WN+FZN[R]OK_ P<+#Q,7&QP\r
        `\r
        end\r
        --b1--\r

        """

    @Test("a uuencoded text part is the body, a uuencoded attachment keeps its bytes")
    func decoded() throws {
        let verdict = EmailComplaintBuilder().build(Array(Self.photo.utf8), adapter: "inbox", receivedAt: Date())
        guard case .complaint(let draft) = verdict else {
            Issue.record("not taken as a complaint: \(verdict)")
            return
        }
        #expect(draft.complaint.text == "晚上工地施工噪音很大。")
        let photo = try #require(draft.complaint.attachments.first)
        #expect(photo.filename == "site.png")
        #expect(photo.size == 208)
        #expect(photo.sha256 == "895a900e696d61e565f1a0eba727040f01e180a75daa8cb681a4564607e6b96e")
    }

    @Test("without a begin line the body is kept as it is")
    func noBeginLine() {
        let raw = """
            Content-Type: application/octet-stream\r
            Content-Transfer-Encoding: uuencode\r
            \r
            M86)C\r

            """
        let part = MIMEParser().parse(Array(raw.utf8))
        #expect(part.decodedBody == Array("M86)C\r\n".utf8))
    }

    @Test("what the transfer decoding found wrong is in source.extra.defects")
    func defectsReported() throws {
        let raw = """
            From: citizen@example.cn\r
            Subject: noise\r
            Message-ID: <uu-2@example.cn>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="b1"\r
            \r
            --b1\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: base64\r
            \r
            5pma5LiK5pa95bel!!5Zmq6Z+z\r
            --b1\r
            Content-Type: application/octet-stream; name="a.bin"\r
            Content-Transfer-Encoding: x-uuencode\r
            \r
            begin 644 a.bin\r
            #86)C\r
            --b1--\r

            """
        let verdict = EmailComplaintBuilder().build(Array(raw.utf8), adapter: "inbox", receivedAt: Date())
        guard case .complaint(let draft) = verdict else {
            Issue.record("not taken as a complaint: \(verdict)")
            return
        }
        #expect(draft.complaint.text == "晚上施工噪音")
        #expect(draft.complaint.attachments.first?.size == 3)
        #expect(
            draft.complaint.source.extra["defects"]
                == .array([
                    .string("body: base64 body had 2 characters outside the alphabet (ignored)"),
                    .string("attachment a.bin: uuencoded body without its end line"),
                ]))
    }

    @Test("a file uuencoded into a plain-text body is taken out as an attachment")
    func inlineBlock() throws {
        let lines = Self.photo.components(separatedBy: "\r\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("begin 644 site.png") })
        let block = lines[start...].prefix { !$0.hasPrefix("--b1") }.joined(separator: "\r\n")
        let complaint = try Corpus.complaint(
            body: "工地噪音，照片见附件：\r\n\r\n\(block)\r\n请尽快处理。\r\n")
        #expect(complaint.text == "工地噪音，照片见附件：\n\n请尽快处理。")
        let photo = try #require(complaint.attachments.first)
        #expect(complaint.attachments.count == 1)
        #expect(photo.filename == "site.png")
        #expect(photo.contentType == "image/png")  // from its name: uuencoding carries no type
        #expect(photo.sha256 == "895a900e696d61e565f1a0eba727040f01e180a75daa8cb681a4564607e6b96e")
    }

    @Test(
        "text that only looks like the start of a block stays text",
        arguments: [
            "begin 644 report.txt\r\n请看附件\r\nend\r\n",  // not data lines
            "begin 644 report.txt\r\nM86)C\r\n",  // no end line
            "我们明天 begin 644 施工\r\nend\r\n",  // begin not at the line's start, and no data
        ])
    func notABlock(body: String) throws {
        let complaint = try Corpus.complaint(body: body)
        #expect(complaint.attachments.isEmpty)
        #expect(complaint.text.contains("begin 644"))
    }

    @Test("lines of nothing but a length decode to no more than the body's size")
    func bounded() {
        let raw =
            "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
            + "begin 644 x\r\n" + String(repeating: "M\r\n", count: 10_000) + "end\r\n"
        let part = MIMEParser().parse(Array(raw.utf8))
        #expect(part.decodedBody.count <= part.encodedBody.count)
        #expect(part.decodedBody.count >= 29_000)
    }
}
