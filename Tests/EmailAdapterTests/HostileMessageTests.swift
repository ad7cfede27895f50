import ComplaintCore
import EmailAdapter
import Foundation
import Testing

@Suite("Hostile and malformed messages stay bounded")
struct HostileMessageTests {
    @Test("10,000 nested multiparts: bounded depth, no crash")
    func deepNesting() {
        var message = "From: a@example.com\r\nSubject: deep\r\n"
        for level in 0..<10_000 {
            message += "Content-Type: multipart/mixed; boundary=\"b\(level)\"\r\n\r\n--b\(level)\r\n"
        }
        message += "Content-Type: text/plain\r\n\r\nbottom\r\n"
        let part = MIMEParser().parse(Array(message.utf8))
        var depth = 0
        var node: MIMEPart? = part
        while let current = node, let child = current.children.first {
            depth += 1
            node = child
        }
        #expect(depth <= MIMEParser.Limits().maxDepth)
        var defects: [String] = []
        part.walk { defects += $0.defects }
        #expect(defects.contains { $0.contains("nested deeper") })
    }

    @Test("10,000 sibling parts: capped, the message still parses")
    func manyParts() {
        var message = "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"s\"\r\n\r\n"
        for index in 0..<10_000 { message += "--s\r\nContent-Type: text/plain\r\n\r\npart \(index)\r\n" }
        message += "--s--\r\n"
        let part = MIMEParser().parse(Array(message.utf8))
        #expect(part.children.count < 10_000)
        #expect(part.children.first?.text.text == "part 0")
    }

    @Test("a 50 MB line without a break parses in bounded time")
    func hugeLine() {
        var bytes = Array("From: a@example.com\r\nSubject: long\r\nContent-Type: text/plain\r\n\r\n".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 50 * 1024 * 1024)
        let started = ContinuousClock.now
        let verdict = EmailComplaintBuilder().build(bytes, adapter: "inbox", receivedAt: Date())
        guard case .complaint(let draft) = verdict else {
            Issue.record("no record")
            return
        }
        #expect(draft.complaint.text.utf8.count == 50 * 1024 * 1024)
        // Not a timing test: a guard against quadratic behaviour (hours on 50 MB), far above the
        // expected second even on a machine loaded many times over.
        #expect(ContinuousClock.now - started < .seconds(180))
    }

    @Test(
        "garbage, empty and header-only inputs give a record, never a crash",
        arguments: [
            "", "\r\n", "no colon here\r\n\r\nbody", "Subject: only headers",
            "Content-Type: multipart/mixed\r\n\r\n--\r\n",
            "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\nx", "Subject: =?utf-8?B?====?= =?x?Q?=?=\r\n\r\n",
            "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!",
        ])
    func garbage(input: String) {
        let verdict = EmailComplaintBuilder().build(Array(input.utf8), adapter: "inbox", receivedAt: Date())
        guard case .complaint(let draft) = verdict else {
            Issue.record("garbage was taken as automatic")
            return
        }
        #expect(draft.complaint.source.externalID?.hasPrefix("sha256:") == true)
    }
}
