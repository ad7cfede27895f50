import ComplaintCore
import EmailAdapter
import Foundation
import Testing

/// A complainant's phone number is taken from the body only right after a label, written the
/// ways people write it; a digit run without a label, or an invalid number, is never taken.
@Suite("Phone numbers labelled in an email body")
struct LabelledPhoneTests {
    private func phone(inBody body: String) throws -> String? {
        try Corpus.complaint(body: body + "\r\n").complainant.phone
    }

    @Test(
        "labelled numbers are taken",
        arguments: [
            ("联系电话：138-1234-5678", "+8613812345678"),
            ("电话13812345678，请尽快回电。", "+8613812345678"),
            ("电话：13812345678。", "+8613812345678"),
            ("我的电话是13812345678", "+8613812345678"),
            ("手机 138 1234 5678（白天）", "+8613812345678"),
            ("联系电话 0571-87654321转8001", "+8657187654321"),
            ("电话号码：(0571) 8765 4321", "+8657187654321"),
            ("手机：１３８１２３４５６７８", "+8613812345678"),
            ("Tel: +86 138 1234 5678", "+8613812345678"),
            ("Mobile:13812345678", "+8613812345678"),
            ("手机：138\u{3000}1234\u{3000}5678", "+8613812345678"),
            ("电话：0571–87654321", "+8657187654321"),
            ("Tel: 138\u{00A0}1234\u{00A0}5678", "+8613812345678"),
            // Spelled in Chinese numerals, one per digit.
            ("我的手机号是一三八一二三四五六七八", "+8613812345678"),
            ("电话：幺三八 一二三四 五六七八", "+8613812345678"),
        ])
    func taken(body: String, expected: String) throws {
        #expect(try phone(inBody: body) == expected, "\(body)")
    }

    @Test(
        "an extension after the number is kept beside it",
        arguments: [
            ("联系电话 0571-87654321转8001", "8001"),
            ("电话：0571-87654321 分机 66，白天在。", "66"),
            ("Tel: +86 571 8765 4321 ext. 12", "12"),
            ("电话：0571-87654321-8001", "8001"),
            ("电话：0571-87654321，转账的事", nil),
            ("电话 0571-87654321分机：8001。", "8001"),
            ("Phone: 0571-87654321 ext: 12, text me", "12"),
            ("电话 0571-87654321 text me", nil),
            ("手机 13812345678", nil),
            ("手机 13812345678 x 3天没人管", nil),
        ] as [(String, String?)])
    func extensionKept(body: String, phoneExtension: String?) throws {
        let complaint = try Corpus.complaint(body: body + "\r\n")
        #expect(complaint.complainant.phone != nil, "\(body)")
        #expect(
            complaint.source.extra["complainant_phone_extension"] == phoneExtension.map(JSONValue.string), "\(body)")
    }

    @Test(
        "unlabelled or invalid numbers are not",
        arguments: [
            "订单号13812345678，已经一周没有处理。",
            "电话：12345",
            "Hotel 13812345678 is noisy every night",
            "iPhone 13812345678",
            "电话：请回邮件",
            "电话一直打不通，打了三四次。",
            // Taipei, not Tianjin: two-digit area codes have eight-digit numbers.
            "聯絡電話：02-2345-6789",
            // Someone the citizen speaks of, named before or after the number.
            "我邻居李阿姨（电话：13600000000）家漏水到我家，她不在家。",
            "邻居说物业的人太差了，联系电话：13999999999（物业经理李某）",
            // Quoted, pasted or forwarded: other people's words.
            "物业在楼道贴了通知：\r\n> 有事请拨打联系电话：13999999999\r\n太不合理了。",
            "以下是我收到的诈骗邮件：\r\n\r\n-----Original Message-----\r\nFrom: 客服 <kf@scam.example>\r\nSubject: 中奖\r\nTo: me\r\n\r\n领奖联系电话：13999999999",
            "请看下面。\r\n\r\n---------- Forwarded message ---------\r\nFrom: 物业 <wy@example.cn>\r\n\r\n电梯下周修。联系电话：13999999999",
        ])
    func notTaken(body: String) throws {
        #expect(try phone(inBody: body) == nil, "\(body)")
    }

    @Test(
        "a number labelled as someone else's is passed over for the citizen's own",
        arguments: [
            "物业电话：0571-87654321，打了没人接。\r\n\r\n张三\r\n手机：13812345678",
            "楼上邻居的手机 13900001111，他不接。\r\n我的手机：13812345678",
            "商家联系方式：13900001111\r\n联系电话：13812345678",
            "你们好，楼下烧烤店油烟很大，物业联系电话0571-86001234打了也没人管。\r\n\r\n王芳\r\n手机：138 1234 5678",
            "My landlord's phone: 13900001111\r\nMobile: 13812345678",
            // A signature's switchboard, then the person's mobile.
            "王芳\r\nTel: +86 10 8888 6666\r\nMobile: +86 138-1234-5678",
        ])
    func someoneElses(body: String) throws {
        #expect(try phone(inBody: body) == "+8613812345678", "\(body)")
    }
}

/// The subject is searched when the body has no number, unless others wrote it.
@Suite("Phone numbers in the subject")
struct SubjectPhoneTests {
    private func phone(subject: String, headers: String = "") throws -> String? {
        try Corpus.complaint(body: "路灯坏了一周了，请尽快修。\r\n", subject: subject, extraHeaders: headers).complainant.phone
    }

    @Test("a first letter's subject gives the number its body lacks")
    func firstLetter() throws {
        #expect(try phone(subject: "东湖路12号路灯坏了，联系电话13900001111") == "+8613900001111")
    }

    @Test("a reply's or a forward's subject is not the citizen's")
    func conversation() throws {
        #expect(try phone(subject: "回复：您的投诉已受理（经办人电话：0571-87650000）") == nil)
        #expect(try phone(subject: "Fwd: 物业通知 联系电话13900001111") == nil)
        #expect(
            try phone(subject: "受理通知 电话0571-87650000", headers: "In-Reply-To: <ack@hotline.example.gov.cn>\r\n") == nil)
    }
}

/// The ways citizens label their number that were missed before, and numbers in a paragraph.
@Suite("Phone numbers labelled in prose and with qualifiers")
struct LabelledPhoneProseTests {
    private func phone(inBody body: String) throws -> String? {
        try Corpus.complaint(body: body + "\r\n").complainant.phone
    }

    private static let longSentence =
        "您好，我家楼下的餐馆每天晚上油烟很大，从傍晚五点一直到深夜十一点，窗户都不能开，家里老人孩子都受不了，"
        + "找过物业好几次都说管不了，我住在杭州市西湖区文三路100号3幢2单元501室，"

    @Test(
        "labels the way people write them",
        arguments: [
            ("电话号：138-1234-5678", "+8613812345678"),
            ("手机/微信：13812345678", "+8613812345678"),
            ("手机（微信同号）：13812345678", "+8613812345678"),
            ("座机：0571-87654321", "+8657187654321"),
            ("联系人：王先生 13812345678", "+8613812345678"),
            ("有问题请联系我：13812345678", "+8613812345678"),
            ("聯絡電話：+852 9123 4567", "+85291234567"),
            // A paragraph longer than a contact line: the citizen's own number.
            (longSentence + "我的电话：13812345678，请相关部门尽快处理，谢谢！", "+8613812345678"),
            (longSentence + "请尽快处理。联系电话：13812345678", "+8613812345678"),
        ])
    func taken(body: String, expected: String) throws {
        #expect(try phone(inBody: body) == expected, "\(body)")
    }

    @Test("in a paragraph, a number labelled as someone else's is not the citizen's")
    func someoneElses() throws {
        #expect(try phone(inBody: Self.longSentence + "物业电话0571-88888888打了没人接，物业联系电话：0571-88888889也一样。") == nil)
        // On a contact line of its own, the citizen's number is found even after such a paragraph.
        #expect(
            try phone(inBody: Self.longSentence + "物业电话0571-88888888打了没人接。\r\n电话：13812345678")
                == "+8613812345678")
    }
}
