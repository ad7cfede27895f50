import ComplaintCore
import EmailAdapter
import Testing

/// Inline PGP in a plain-text body: the signed text is the complaint, the encrypted one cannot be read.
@Suite("Inline PGP")
struct InlinePGPTests {
    @Test("a clear-signed text without its armor and signature, its dash-escaping undone")
    func clearSigned() throws {
        let record = try Corpus.draft("pgp/inline-clearsigned.eml").complaint
        #expect(record.text == "投诉事项：\n- 晚上十一点以后工地还在施工\n- 噪音很大\n联系电话：13812345678")
        #expect(record.complainant.phone == "+8613812345678")
        #expect(record.source.extra["defects"] == nil)
    }

    @Test("an encrypted body is no text: the subject stands in and a defect says why")
    func encrypted() throws {
        let record = try Corpus.draft("pgp/inline-encrypted.eml").complaint
        #expect(record.text == "夜间施工噪音")
        #expect(record.source.extra["text_from"] == .string("subject"))
        #expect(
            record.source.extra["defects"] == .array([.string("encrypted (inline PGP): the content cannot be read")]))
    }

    @Test("a citizen's text that only mentions the armor is text; what follows a signature is kept")
    func notArmor() throws {
        let mention = "我收到的邮件开头是 -----BEGIN PGP MESSAGE----- 看不懂。"
        #expect(try Corpus.complaint(body: mention).text == mention)
        let footer =
            "-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA256\r\n\r\n路灯坏了。\r\n-----BEGIN PGP SIGNATURE-----\r\n\r\n"
            + "iQEz\r\n-----END PGP SIGNATURE-----\r\n\r\n-- \r\n街道邮件列表\r\n"
        let text = try Corpus.complaint(body: footer).text
        #expect(text == "路灯坏了。\n\n-- \n街道邮件列表", "\(text.debugDescription)")
    }
}
