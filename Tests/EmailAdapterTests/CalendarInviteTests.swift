import ComplaintCore
import EmailAdapter
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
