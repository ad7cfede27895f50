import ComplaintCore
import EmailAdapter
import Foundation
import Testing

/// A mail's `location.address` is the place the citizen labelled in their own words, so
/// `address_contains` rules route mail as they route hotline calls.
@Suite("Addresses labelled in an email body")
struct LabelledAddressMailTests {
    @Test("a contact block's address is the location; none is guessed from prose")
    func contactBlock() throws {
        let taken = try Corpus.complaint(
            body: "小区门口垃圾三天没人清理。\r\n\r\n事发地址：西湖区文三路12号\r\n联系电话：13812345678\r\n")
        #expect(taken.location.address == "西湖区文三路12号")
        #expect(taken.complainant.phone == "+8613812345678")
        let prose = try Corpus.complaint(body: "我住在西湖区，门口垃圾三天没人清理。\r\n")
        #expect(prose.location.address == nil)
    }

    @Test("an address in the quoted history is someone else's: not taken")
    func quotedHistory() throws {
        let body =
            "还是没人来处理。\r\n\r\n在 2026年11月30日 09:12，12345热线 写道：\r\n> 您好，请提供事发地址。\r\n"
            + "> 地址：上城区解放路3号（热线中心）\r\n"
        let reply = try Corpus.complaint(body: body, subject: "Re: 小区门口垃圾")
        #expect(reply.location.address == nil)
    }

    @Test(
        "a web form mailed as an HTML table (label cell, value cell) gives the address; so does a label on its own line"
    )
    func formMail() throws {
        let table = """
            <html><body><p>市民来信</p><table border="1">
            <tr><td>姓名</td><td>张三</td></tr>
            <tr><th>事发地址</th><td>西湖区文三路12号</td></tr>
            <tr><td>投诉内容</td><td>夜间施工噪音</td></tr>
            </table></body></html>
            """
        let html = try Corpus.complaint(body: table, contentType: "text/html; charset=utf-8")
        #expect(html.location.address == "西湖区文三路12号")
        let form = try Corpus.complaint(body: "投诉内容：\r\n夜间施工噪音\r\n\r\n事发地点：\r\n滨江区江南大道2号\r\n")
        #expect(form.location.address == "滨江区江南大道2号")
    }
}
