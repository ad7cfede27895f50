import ComplaintCore
import EmailAdapter
import Foundation
import Testing

/// A message that is only an invitation: the event is its text.
@Suite("Calendar invitations")
struct CalendarInviteTests {
    private static let invite = """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        METHOD:REQUEST\r
        BEGIN:VTIMEZONE\r
        TZID:China Standard Time\r
        END:VTIMEZONE\r
        BEGIN:VEVENT\r
        SUMMARY;LANGUAGE=zh-CN:约谈：小区违建问题\r
        LOCATION:街道办三楼会议室\r
        DESCRIPTION:小区里有人私搭乱建\\，占用消防通道。\\n请街道派人现场查看。联系电话：1383333\r
         4444\r
        DTSTART;TZID=China Standard Time:20261110T090000\r
        END:VEVENT\r
        END:VCALENDAR\r

        """

    @Test("an invitation alone: summary, place and description are the text, the phone found")
    func inviteOnly() throws {
        let record = try Corpus.complaint(
            body: Self.invite, contentType: "text/calendar; method=REQUEST; charset=utf-8", subject: "约谈")
        #expect(record.text == "约谈：小区违建问题\n街道办三楼会议室\n\n小区里有人私搭乱建，占用消防通道。\n请街道派人现场查看。联系电话：13833334444")
        #expect(record.source.extra["body_format"] == .string("calendar"))
        #expect(record.complainant.phone == "+8613833334444")
    }

    /// RFC 5545 section 3.1: a simple writer folds every 75 bytes, inside a character too.
    @Test("an invitation folded inside a character's bytes reads whole")
    func foldedInsideACharacter() throws {
        var message = Array(
            ("From: citizen@example.cn\r\nSubject: invite\r\nMessage-ID: <fold@example.cn>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDESCRIPTION:晚上一片漆").utf8)
        let black = Array("黑".utf8)
        message +=
            [black[0]] + Array("\r\n ".utf8) + black[1...] + Array("，很危险。\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".utf8)
        guard case .complaint(let draft) = EmailComplaintBuilder().build(message, adapter: "inbox", receivedAt: Date())
        else {
            Issue.record("not taken")
            return
        }
        #expect(draft.complaint.text == "晚上一片漆黑，很危险。")
        #expect(draft.complaint.source.extra["body_charset"] == nil)
    }

    @Test("beside a plain-text version, the plain text is the body")
    func plainWins() throws {
        let body = """
            --alt\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            请准时参加。\r
            --alt\r
            Content-Type: text/calendar; method=REQUEST; charset=utf-8\r
            \r
            \(Self.invite)\r
            --alt--\r

            """
        let record = try Corpus.complaint(body: body, contentType: "multipart/alternative; boundary=alt")
        #expect(record.text == "请准时参加。")
    }
}
