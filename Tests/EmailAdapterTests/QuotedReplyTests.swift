import ComplaintCore
import EmailAdapter
import Foundation
import Testing

/// Quoted history under a reply is cut from the record's text; lines a citizen writes that only
/// look like its markers are not.
@Suite("Quoted history in a reply")
struct QuotedReplyTests {
    private func text(_ body: String) throws -> String {
        try Corpus.complaint(body: body.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n", subject: "Re: 投诉").text
    }

    @Test(
        "mail clients' attribution lines and header blocks start the history",
        arguments: [
            "在 2026年11月3日 08:15，\"12345热线\" <noreply@hotline.example.gov.cn> 写道：",
            "12345热线 <noreply@hotline.example.gov.cn> 于2026年11月3日周二 08:15写道：",
            "在 2026-11-03 08:15:02，noreply 写道：",
            "发件人: 12345热线 <noreply@hotline.example.gov.cn>\n发送时间: 2026年11月3日 8:15\n收件人: 王先生\n主题: 回复",
            "From: Hotline <noreply@hotline.example.gov.cn>\nSent: Tuesday, November 3, 2026 8:15 AM\nTo: Wang\nSubject: RE: complaint",
            "发件人: 12345热线\n主题: 回复：投诉\n日期: 2026年11月3日 08:15\n收件人: 王先生",
            "寄件者: 1999市民熱線 <noreply@hotline.example.gov.tw>\n寄件日期: 2026年11月3日 上午 08:15\n收件者: 王先生\n主旨: 回覆",
            "-----原始郵件-----\n寄件者: 1999市民熱線\n主旨: 回覆",
            "-----邮件原件-----\n发件人: 12345热线\n主题: 回复",
            "王小明 <wang@example.cn> 於 2026年11月2日 週一 下午3:20寫道：\n> 您的投诉已受理。",
            // Foxmail 3 to 6.
            "在 2002-02-19 22:09:00 you wrote：\n>您的投诉已受理。",
            // Coremail (163.com, 126.com) in English; Yahoo.
            "At 2026-11-03 08:15:02, \"12345热线\" <noreply@hotline.example.gov.cn> wrote:\n>您的投诉已受理。",
            "--- On Tue, 11/3/26, Hotline <noreply@hotline.example.gov.cn> wrote:\n> Received.",
        ])
    func cut(marker: String) throws {
        let kept = "补充一下：今天早上6点又开始施工了。"
        #expect(try text("\(kept)\n\n\(marker)\n\n您的投诉已受理。") == kept)
    }

    @Test(
        "a citizen's own lines that end in 写道 or quote a text message are kept",
        arguments: [
            "小区物业在公告栏的通知里写道：\n“本小区底商禁止经营产生油烟的餐饮项目。”\n可是餐馆还在营业。",
            "我在11月3日给你们的信中写道：\n“请尽快处理。”\n到现在还没有回音。",
            "收到过街道的短信答复：\n发件人：文新街道办事处\n时间：2026年10月20日\n内容：已转交城管处理。\n但是油烟依旧。",
        ])
    func kept(body: String) throws {
        let whole = "您好，我家楼下的餐馆每天晚上油烟很大。\n" + body
        #expect(try text(whole) == whole)
    }

    private func complaint(_ body: String, subject: String, headers: String = "") throws -> Complaint {
        try Corpus.complaint(
            body: body.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n", subject: subject, extraHeaders: headers)
    }

    @Test(
        "a first letter is not a reply: a pasted mail, a quoted notice or a landlord's words are the complaint",
        arguments: [
            "以下是我收到的诈骗邮件，请公安处理：\n\n-----Original Message-----\nFrom: 客服 <kefu@scam.example>\nSubject: 中奖通知\n\n点击领奖 http://scam.example/x",
            "物业今天在楼道贴出了下面的通知，完全不合理：\n\n> 即日起停车费每月上涨300元。\n> 不交者禁止入内。",
            "My landlord refuses to fix the heating.\n\nOn Monday, Nov 2, 2026 at 9:00 AM my landlord wrote:\n> Not my problem.",
        ])
    func firstLetterKept(body: String) throws {
        #expect(try complaint(body, subject: "物业问题").text == body)
    }

    @Test(
        "a forward keeps what it forwards, whatever its subject says",
        arguments: [
            (
                "物业强制收费",
                "请看下面物业的回复，太过分了。\n\n---------- Forwarded message ---------\nFrom: 物业 <wy@example.cn>\nDate: 2026年11月2日\nSubject: 收费\nTo: <me@example.cn>\n\n停车费必须交。"
            ),
            (
                "Re: Landlord",
                "See below.\n\nBegin forwarded message:\n\nFrom: Landlord <l@example.com>\nSubject: Heating\nDate: 2 November 2026\nTo: me@example.com\n\nNot my problem."
            ),
            ("回复：电梯", "见下面。\n\n-------- 转发邮件信息 --------\n发件人：物业\n主题：电梯\n收件人：我\n\n电梯下周修。"),
            ("轉寄: 電梯", "請看下面。\n\n-----原始郵件-----\n寄件者: 物業\n主旨: 電梯\n\n電梯下週修。"),
            (
                "WG: Heizung",
                "Siehe unten.\n\n-----Original Message-----\nFrom: Vermieter\nSubject: Heizung\nTo: mich\n\nNein."
            ),
        ])
    func forwardKept(subject: String, body: String) throws {
        #expect(try complaint(body, subject: subject, headers: "In-Reply-To: <a@example.cn>\r\n").text == body)
    }

    @Test("a threaded message is a reply whatever its subject")
    func threadedWithoutRe() throws {
        let body = "补充：今天又施工了。\n\n-----Original Message-----\nFrom: 12345热线\nSubject: 受理\nTo: 王先生\n\n已受理。"
        let record = try complaint(body, subject: "噪音", headers: "References: <ack-1@hotline.example.gov.cn>\r\n")
        #expect(record.text == "补充：今天又施工了。")
    }

    @Test("a reply with nothing typed above its history says nothing new: the subject is the text, not the quoted mail")
    func replyWithOnlyHistory() throws {
        let body =
            "------------------ 原始邮件 ------------------\n发件人: \"12345热线\"<noreply@hotline.example.gov.cn>\n发送时间: 2026年11月3日 08:15\n收件人: 王先生\n主题: 受理\n\n您的投诉已受理，经办人联系电话：0571-87650000。"
        let record = try complaint(body, subject: "回复：受理")
        #expect(record.text == "回复：受理")
        #expect(record.source.extra["text_from"] == .string("subject"))
        #expect(record.complainant.phone == nil)
    }

    @Test("a reply written below the quote keeps what is not quoted")
    func bottomPosted() throws {
        let body =
            "On Tue, Nov 3, 2026 at 8:15 AM Hotline <noreply@hotline.example.gov.cn> wrote:\n> Your complaint was received.\n> Phone 0571-87650000\n\nThe noise started again at 6 am."
        #expect(try complaint(body, subject: "Re: noise").text == "The noise started again at 6 am.")
    }

    @Test("a Coremail reply written between the quotes keeps the lines not quoted; a citizen's 'At … wrote:' is text")
    func coremailInterleaved() throws {
        let body =
            "At 2026-11-03 08:15:02, \"Hotline\" <noreply@hotline.example.gov.cn> wrote:\n>Which building?\n3号楼。\n>Since when?\n上周一开始。"
        #expect(try complaint(body, subject: "Re:Re: 噪音").text == "3号楼。\n上周一开始。")
        let own = "At the meeting the manager wrote:\n“停工三天”\n噪音还在。"
        #expect(try complaint(own, subject: "Re: 噪音").text == own)
    }

    /// Exchange and mutt users answer below a quote that holds the attribution line itself.
    @Test("a reply that opens with a quote, its attribution quoted too, keeps the lines not quoted")
    func openingQuoteWithQuotedAttribution() throws {
        let body =
            ">\n> On Fri, Apr 18, 2025, Hotline wrote:\n> > Your complaint was received.\n> Please tell us the address.\n\n文三路100号，晚上十点以后。\n王"
        #expect(try complaint(body, subject: "答复: 噪音").text == "文三路100号，晚上十点以后。\n王")
        // Not a reply: the quote is what the citizen forwards as the complaint.
        let first = "> 即日起停车费每月上涨300元。\n\n物业这个通知不合理。"
        #expect(try complaint(first, subject: "物业问题").text == first)
    }
}
