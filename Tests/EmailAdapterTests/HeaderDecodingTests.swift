import ComplaintCore
import EmailAdapter
import Testing

@Suite("Header decoding: RFC 2047 words, RFC 2231 parameters, addresses, message ids")
struct HeaderDecodingTests {
    private func decoded(_ header: String) -> String? {
        MIMEParser().parse(Array("X-Test: \(header)\r\n\r\n".utf8)).headers["X-Test"]
    }

    @Test("adjacent encoded words join without the whitespace between them; text around them keeps its spaces")
    func adjacentWords() {
        #expect(decoded("=?utf-8?B?5oqV?= =?utf-8?B?6K+J?=") == "投诉")
        #expect(decoded("Re: =?utf-8?Q?caf=C3=A9?= now") == "Re: café now")
        #expect(decoded("=?UTF-8?Q?a_b?=") == "a b")
        #expect(decoded("=?utf-8*zh?B?5oqV6K+J?=") == "投诉")
    }

    @Test("a multi-byte character split across two B words is joined before decoding")
    func splitCharacter() {
        // 投 = E6 8A 95: the first word carries E6 8A, the second 95 + 诉.
        #expect(decoded("=?utf-8?B?5oo=?=\r\n =?utf-8?B?leiviQ==?=") == "投诉")
    }

    @Test("folded headers unfold")
    func folding() {
        let part = MIMEParser().parse(Array("Subject: one\r\n two\r\n\tthree\r\n\r\n".utf8))
        #expect(part.headers["Subject"] == "one two\tthree")
    }

    @Test("RFC 2231 continuations with a charset; plain and quoted parameters")
    func rfc2231() {
        let parameters = HeaderParameters.parse(
            Array("attachment; filename*0*=gbk''%CD%B6; filename*1*=%CB%DF.txt; size=12".utf8))
        #expect(parameters.value == "attachment")
        #expect(parameters["filename"] == "投诉.txt")
        #expect(parameters["size"] == "12")
        let quoted = HeaderParameters.parse(Array("text/plain; charset=\"GB2312\"; name=\"a \\\"b\\\".txt\"".utf8))
        #expect(quoted["charset"] == "GB2312")
        #expect(quoted["name"] == "a \"b\".txt")
    }

    @Test(
        "addresses",
        arguments: [
            ("\"Zhang, San\" <zs@Example.COM>", "Zhang, San", "zs@example.com"),
            ("Li Si <LS@qq.com>", "Li Si", "LS@qq.com"),
            ("ww@example.cn (Wang Wu)", "Wang Wu", "ww@example.cn"),
            ("plain@example.org", nil, "plain@example.org"),
            ("\"张三\" <zs@x.cn>, \"李四\" <ls@x.cn>", "张三", "zs@x.cn"),
            ("Zhang, San <zs@x.cn>", "Zhang, San", "zs@x.cn"),
            ("a@x.cn (Wang, Wu), b@x.cn", "Wang, Wu", "a@x.cn"),
            ("\"Li <boss>, Si\" <ls@x.cn>", "Li <boss>, Si", "ls@x.cn"),
        ])
    func addresses(header: String, name: String?, address: String) {
        let parsed = MailAddress.parse(header)
        #expect(parsed?.name == name)
        #expect(parsed?.address == address)
    }

    @Test("message id lists")
    func messageIDs() {
        #expect(MessageIDs.parse("<a@b> <c@d>\r\n <a@b>") == ["a@b", "c@d"])
        #expect(MessageIDs.parse("bare@id") == ["bare@id"])
    }

    @Test("charset rule: mislabels resolve to what the bytes are")
    func charsetRule() {
        let gbk: [UInt8] = [0xCD, 0xB6, 0xCB, 0xDF]  // 投诉
        #expect(CharsetDecoder.decode(gbk, declared: "gb2312").text == "投诉")
        #expect(CharsetDecoder.decode(gbk, declared: nil).charset == "gb18030")
        #expect(CharsetDecoder.decode(gbk, declared: "x-unknown-charset").text == "投诉")
        #expect(CharsetDecoder.decode(Array("投诉".utf8), declared: "gb2312").text == "投诉")
        #expect(CharsetDecoder.decode([0x63, 0x61, 0x66, 0xE9], declared: "iso-8859-1").text == "café")
        let big5: [UInt8] = [0xA7, 0xEB, 0xB6, 0x44]  // 投訴
        #expect(CharsetDecoder.decode(big5, declared: "big5").text == "投訴")
        let broken = CharsetDecoder.decode([0xCD, 0xB6, 0xFF], declared: "gbk")
        #expect(broken.lossy)
        #expect(broken.text.hasPrefix("投"))
    }

    @Test("charset rule: the byte 0x80 under a GBK label is €, as code page 936 and the WHATWG decoders have it")
    func gbkEuroByte() {
        let price: [UInt8] = [0xB7, 0xD1, 0xD3, 0xC3, 0x20, 0x80, 0x35, 0x30]  // 费用 €50
        #expect(CharsetDecoder.decodeStrictly(price, as: "GBK") == "费用 €50")
        let decoded = CharsetDecoder.decode(price, declared: "gb2312")
        #expect(decoded.text == "费用 €50")
        #expect(!decoded.lossy)
        // Only a lone 0x80: as a trail byte it is part of a character (0x81 0x80 is 亐).
        #expect(CharsetDecoder.decodeStrictly([0x81, 0x80], as: "GBK") == "亐")
    }

    @Test("charset rule: a short GB2312 name that passes for UTF-8 keeps its label; UTF-8 Chinese under it does not")
    func shortDoubleByteNames() {
        // 郑梅 D6 A3 C3 B7 and 图片 CD BC C6 AC are valid UTF-8 (֣÷, ͼƬ).
        #expect(CharsetDecoder.decode([0xD6, 0xA3, 0xC3, 0xB7], declared: "gb2312").text == "郑梅")
        #expect(CharsetDecoder.decode([0xCD, 0xBC, 0xC6, 0xAC], declared: "GBK").text == "图片")
        #expect(decoded("=?GB2312?B?zbzGrC5qcGc=?=") == "图片.jpg")
        #expect(decoded("=?GB2312?B?1qPDtw==?= <zhengmei@example.com>") == "郑梅 <zhengmei@example.com>")
        // Without a label, valid UTF-8 wins unless it reads as marks and symbols no one writes
        // (֣÷) where GB18030 reads Chinese; letters (José, ͼƬ) stay UTF-8, as under a Latin label.
        #expect(CharsetDecoder.decode([0xD6, 0xA3, 0xC3, 0xB7], declared: nil).text == "郑梅")
        #expect(CharsetDecoder.decode([0xD6, 0xA3, 0xC3, 0xB7], declared: "us-ascii").text == "郑梅")
        #expect(CharsetDecoder.decode([0xCD, 0xBC, 0xC6, 0xAC], declared: nil).charset == "utf-8")
        #expect(CharsetDecoder.decode(Array("José Müller ÷ 2".utf8), declared: nil).text == "José Müller ÷ 2")
        // Letters of several scripts in one word (Cyrillic, Greek, IPA) are GBK read wrongly:
        // 一为要时同也 is valid UTF-8 as `һΪҪʱͬҲ`. One script alone is a language.
        let gbk: [UInt8] = [0xD2, 0xBB, 0xCE, 0xAA, 0xD2, 0xAA, 0xCA, 0xB1, 0xCD, 0xAC, 0xD2, 0xB2]
        #expect(CharsetDecoder.decode(gbk, declared: nil).text == "一为要时同也")
        #expect(CharsetDecoder.decode(Array("Привет мир".utf8), declared: nil).text == "Привет мир")
        #expect(CharsetDecoder.decode(Array("Ελληνικά".utf8), declared: nil).text == "Ελληνικά")
        #expect(CharsetDecoder.decode(Array("José".utf8), declared: "iso-8859-1").text == "José")
        #expect(CharsetDecoder.decode(Array("迈克尔·杰克逊投诉".utf8), declared: "gb2312").text == "迈克尔·杰克逊投诉")
    }

    @Test("charset rule: short UTF-8 cut mid-character under a UTF-8 label stays UTF-8, the cut part replaced")
    func cutShortUTF8() {
        // mikel/mail's multi_charset/quoted-printable.eml: `Valid: =E6=98=AF Invalid: =E6`.
        let mikel = CharsetDecoder.decode(Array("Valid: 是 Invalid: ".utf8) + [0xE6, 0x0A], declared: "utf-8")
        #expect(mikel.text == "Valid: 是 Invalid: \u{FFFD}\n")
        #expect(mikel.charset == "utf-8")
        #expect(mikel.lossy)
        // 楼下噪音太 with its last byte cut, as a byte-limited relay sends it: GB18030 reads it strictly.
        let cut = Array(Array("楼下噪音太".utf8).dropLast())
        #expect(CharsetDecoder.decode(cut, declared: "UTF-8").text == "楼下噪音\u{FFFD}")
        #expect(decoded("=?UTF-8?B?5qW85LiL5Zmq6Z8=?=") == "楼下噪\u{FFFD}")
        // Without the label, or with GBK under a UTF-8 label, the old rule holds.
        #expect(CharsetDecoder.decode(cut, declared: nil).charset == "gb18030")
        let gbk: [UInt8] = [0xC2, 0xB7, 0xB5, 0xC6, 0xB2, 0xBB, 0xC1, 0xC1]  // 路灯不亮
        #expect(CharsetDecoder.decode(gbk, declared: "utf-8").text == "路灯不亮")
        // A lone cut lead byte, no whole character: not enough to trust the label over GB18030.
        #expect(CharsetDecoder.decode([0xCD, 0xB6, 0xCB, 0xDF], declared: "utf-8").text == "投诉")
    }

    @Test("charset rule: 8-bit bytes under a us-ascii label are read as if unlabelled")
    func eightBitUnderASCII() {
        // `mail` in a zh_CN.GBK locale sends GBK with no Content-Type: RFC 2045 defaults it to us-ascii.
        let gbk: [UInt8] = [0xC2, 0xB7, 0xB5, 0xC6, 0xB2, 0xBB, 0xC1, 0xC1]  // 路灯不亮
        let decoded = CharsetDecoder.decode(gbk, declared: "us-ascii")
        #expect(decoded.text == "路灯不亮")
        #expect(decoded.charset == "gb18030")
        #expect(CharsetDecoder.decode(gbk, declared: "ASCII").text == "路灯不亮")
        // Latin text that is not GB18030 still reads as windows-1252, and a Latin-1 label still holds.
        #expect(CharsetDecoder.decode(Array("caf".utf8) + [0xE9, 0x20, 0x21], declared: "us-ascii").text == "café !")
        #expect(CharsetDecoder.decode(gbk, declared: "iso-8859-1").charset == "windows-1252")
    }

    @Test(
        "charset rule: unlabelled Big5 from Taiwan or Hong Kong reads as Big5; unlabelled GBK stays GBK",
        arguments: [
            ("噪音擾民，請儘快處理。", "beb8adb5c25aa5c1a141bdd0bea8a7d6b342b27aa143"),
            ("我家樓下餐廳油煙很大", "a7daae61bcd3a455c05cc655aa6fb7cfabdca46a"),
            ("路燈壞了一個月", "b8f4bf4fc361a446a440add3a4eb"),
        ])
    func unlabelledBig5(text: String, hex: String) throws {
        let big5 = stride(from: 0, to: hex.utf8.count, by: 2).map { offset in
            UInt8(hex.dropFirst(offset).prefix(2), radix: 16)!
        }
        let decoded = CharsetDecoder.decode(big5, declared: nil)
        #expect(decoded.text == text)
        #expect(decoded.charset == "big5-hkscs")
    }

    @Test("charset rule: Big5 under a GB2312 label reads as Big5; GBK under it stays GBK; a GBK label is believed")
    func big5LabelledGB2312() {
        // 路燈不亮已經一週了，請儘快派人修理。 in Big5, as a Taiwan mailer set to a mainland label sends it.
        let big5: [UInt8] = [
            0xB8, 0xF4, 0xBF, 0x4F, 0xA4, 0xA3, 0xAB, 0x47, 0xA4, 0x77, 0xB8, 0x67, 0xA4, 0x40, 0xB6, 0x67, 0xA4, 0x46,
            0xA1, 0x41, 0xBD, 0xD0, 0xBE, 0xA8, 0xA7, 0xD6, 0xAC, 0xA3, 0xA4, 0x48, 0xAD, 0xD7, 0xB2, 0x7A, 0xA1, 0x43,
        ]
        let body = CharsetDecoder.decode(big5, declared: "GB2312")
        #expect(body.text == "路燈不亮已經一週了，請儘快派人修理。")
        #expect(body.charset == "big5-hkscs")
        // Its first seven characters as a subject's encoded word.
        #expect(decoded("=?gb2312?B?uPS/T6Sjq0ekd7hnpEA=?=") == "路燈不亮已經一")
        // The same bytes under a GBK or GB18030 label: the label is believed (they are valid GBK).
        #expect(CharsetDecoder.decode(big5, declared: "gbk").charset == "gb18030")
        // GBK text under GB2312, Outlook's habit, is GBK.
        let gbk: [UInt8] = [
            0xC2, 0xB7, 0xB5, 0xC6, 0xB2, 0xBB, 0xC1, 0xC1, 0xD2, 0xD1, 0xBE, 0xAD, 0xD2, 0xBB, 0xD6, 0xDC, 0xC1, 0xCB,
            0xA3, 0xAC, 0xC7, 0xEB, 0xBE, 0xA1, 0xBF, 0xEC, 0xC5, 0xC9, 0xC8, 0xCB, 0xD0, 0xDE, 0xC0, 0xED, 0xA1, 0xA3,
        ]
        #expect(CharsetDecoder.decode(gbk, declared: "gb2312").text == "路灯不亮已经一周了，请尽快派人修理。")
    }

    @Test("charset rule: GBK text is never taken for Big5")
    func gbkNotBig5() {
        // 你们好，楼下烧烤店每天油烟很大 in GBK: every second byte is 0xA1 or above.
        let gbk: [UInt8] = [
            0xC4, 0xE3, 0xC3, 0xC7, 0xBA, 0xC3, 0xA3, 0xAC, 0xC2, 0xA5, 0xCF, 0xC2, 0xC9, 0xD5, 0xBF, 0xBE, 0xB5, 0xEA,
            0xC3, 0xBF, 0xCC, 0xEC, 0xD3, 0xCD, 0xD1, 0xCC, 0xBA, 0xDC, 0xB4, 0xF3,
        ]
        let decoded = CharsetDecoder.decode(gbk, declared: nil)
        #expect(decoded.text == "你们好，楼下烧烤店每天油烟很大")
        #expect(decoded.charset == "gb18030")
    }

    @Test("charset labels Python's email package writes: big5_tw, eucgb2312_cn")
    func pythonCodecLabels() {
        // Subject: 投訴 in Big5 under Python's codec name; 投诉 in GB2312 under its.
        #expect(decoded("=?big5_tw?b?p+u2RA==?=") == "投訴")
        #expect(decoded("=?eucgb2312_cn?b?zbbL3w==?=") == "投诉")
        #expect(CharsetDecoder.canonicalName(forLabel: "cp950") == "big5-hkscs")
    }

    @Test("charset rule: UTF-8 with a little damage stays UTF-8; GBK with damage does not become UTF-8")
    func damagedUTF8() {
        let utf8 = Array("噪音扰民严重请处理".utf8)
        let cut = Array(utf8.dropLast())  // cut inside 理
        for label in ["utf-8", "gb2312", "big5", nil] as [String?] {
            let decoded = CharsetDecoder.decode(cut, declared: label)
            #expect(decoded.text == "噪音扰民严重请处\u{FFFD}" && decoded.charset == "utf-8" && decoded.lossy)
        }
        // A byte lost in the middle: one replacement, the characters around it intact.
        let lost = Array(utf8[..<4] + utf8[5...])
        #expect(CharsetDecoder.decode(lost, declared: "utf-8").text == "噪\u{FFFD}扰民严重请处理")
        // Too little UTF-8 to tell (fewer than four whole characters): the older steps decide, but
        // for the UTF-8 label, which a text cut at its end keeps (see `cutShortUTF8`).
        #expect(CharsetDecoder.decode(Array("噪音".utf8.dropLast()), declared: nil).charset == "gb18030")
        #expect(CharsetDecoder.decode(Array("噪音".utf8.dropLast()), declared: "gbk").charset == "gb18030")
        #expect(CharsetDecoder.decode(Array("噪音".utf8.dropLast()), declared: "utf-8").text == "噪\u{FFFD}")
        // GBK text with a broken byte is not close to UTF-8: read as GB18030, its damage replaced.
        let gbk: [UInt8] = [0xD4, 0xEB, 0xD2, 0xF4, 0xC8, 0xC5, 0xC3, 0xF1, 0xD1, 0xCF, 0xD6, 0xD8, 0xFF]  // 噪音扰民严重
        let damagedGBK = CharsetDecoder.decode(gbk, declared: "gbk")
        #expect(damagedGBK.charset == "gb18030" && damagedGBK.lossy)
        #expect(damagedGBK.text.hasPrefix("噪音扰民严重"))
    }

    @Test("7-bit charsets: ISO-2022-JP and HZ-GB-2312 bytes are all ASCII but not ASCII text")
    func sevenBitCharsets() {
        // 騒音 in ISO-2022-JP: ESC $ B, the JIS X 0208 pairs, ESC ( B.
        let jis: [UInt8] = [0x1B, 0x24, 0x42, 0x41, 0x7B, 0x32, 0x3B, 0x1B, 0x28, 0x42]
        let japanese = CharsetDecoder.decode(jis, declared: "ISO-2022-JP")
        #expect(japanese.text == "騒音" && japanese.charset == "iso-2022-jp" && !japanese.lossy)
        // 路灯 ~ in HZ: the GB2312 bytes with their high bits cleared between ~{ and ~}, ~~ for ~.
        let hz = Array("~{B75F~} ~~".utf8)
        let chinese = CharsetDecoder.decode(hz, declared: "HZ-GB-2312")
        #expect(chinese.text == "路灯 ~" && chinese.charset == "hz-gb-2312" && !chinese.lossy)
        #expect(decoded("=?hz-gb-2312?Q?~{B75F~}?=") == "路灯")
        // The same bytes without such a label, or a label whose rules they break, stay ASCII.
        #expect(CharsetDecoder.decode(hz, declared: "us-ascii").text == "~{B75F~} ~~")
        #expect(CharsetDecoder.decode(Array("~{B75".utf8), declared: "hz-gb-2312").text == "~{B75")
        #expect(CharsetDecoder.decode(Array("plain".utf8), declared: "iso-2022-jp").charset == "us-ascii")
    }

    @Test("UTF-7 (Outlook's unicode-1-1-utf-7): base64 UTF-16 runs between + and -, in bodies and words")
    func utf7() {
        // 您好，噪音 in UTF-7, as Python's utf-7 codec and old Outlook write it; +- is a plus sign.
        let body = Array("+YKhZff8MVmqX8w- a+-b".utf8)
        let text = CharsetDecoder.decode(body, declared: "\"unicode-1-1-utf-7\"")
        #expect(text.text == "您好，噪音 a+b" && text.charset == "utf-7" && !text.lossy)
        #expect(CharsetDecoder.decode(body, declared: "UTF-7").text == "您好，噪音 a+b")
        #expect(decoded("=?unicode-1-1-utf-7?Q?+VmqX8w-?=") == "噪音")
        #expect(decoded("=?utf-7?B?K1h5Qk9DUS0=?=") == "张三")
        // Text with no + run is plain ASCII.
        #expect(CharsetDecoder.decode(Array("plain".utf8), declared: "utf-7").charset == "us-ascii")
    }
}
