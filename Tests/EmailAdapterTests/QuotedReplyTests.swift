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
}
