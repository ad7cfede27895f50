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
        ])
    func notTaken(body: String) throws {
        #expect(try phone(inBody: body) == nil, "\(body)")
    }
}
