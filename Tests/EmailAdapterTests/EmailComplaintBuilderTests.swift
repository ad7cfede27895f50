import ComplaintCore
import EmailAdapter
import Foundation
import Testing

@Suite("Email messages to complaint records")
struct EmailComplaintBuilderTests {
    @Test("Outlook GBK under a gb2312 label: split encoded words, RFC 2231 filename, alternative body")
    func outlookGBK() throws {
        let draft = try Corpus.draft("gbk-outlook.eml")
        let record = draft.complaint
        #expect(record.channel == .email)
        #expect(record.subject == "小区噪音扰民投诉（镕）")
        #expect(record.complainant.name == "张三")
        #expect(record.complainant.email == "Zhang.San@example.cn")
        #expect(record.complainant.phone == "+8613812345678")
        #expect(record.source.externalID == "20261103081502.A1B2@example.cn")
        #expect(record.text == "您好：\n晚上11点后工地仍在打桩，噪音很大，请处理。\n联系电话：138-1234-5678")
        #expect(record.attachments.count == 1)
        let photo = try #require(record.attachments.first)
        #expect(photo.filename == "现场.jpg")
        #expect(photo.contentType == "image/jpeg")
        #expect(photo.size == 4 + 1024)
        #expect(draft.attachmentBytes.first??.count == 1028)
        #expect(record.source.extra["mailer"] == .string("Microsoft Outlook 16.0"))
        #expect(record.source.extra["defects"] == nil)
    }

    @Test("Foxmail reply: GB18030 quoted-printable, mixed Q and B words, quoted history trimmed, thread ids")
    func foxmailReply() throws {
        let draft = try Corpus.draft("foxmail-reply.eml")
        let record = draft.complaint
        #expect(record.subject == "回复：小区噪音扰民投诉")
        #expect(record.complainant.name == "李四")
        #expect(record.text == "补充一下：今天早上6点又开始施工了。")
        if case .number(let trimmed)? = record.source.extra["quoted_reply_trimmed_chars"] {
            #expect(trimmed > 20)
        } else {
            Issue.record("no quoted_reply_trimmed_chars")
        }
        #expect(record.thread.inReplyTo == "ack-001@hotline.example.gov.cn")
        #expect(record.thread.references == ["20261103081502.A1B2@example.cn", "ack-001@hotline.example.gov.cn"])
        #expect(draft.threadCandidates == ["ack-001@hotline.example.gov.cn", "20261103081502.A1B2@example.cn"])
    }

    @Test("HTML-only mail becomes readable text: scripts, styles and head dropped, entities decoded")
    func htmlOnly() throws {
        let record = try Corpus.draft("html-only.eml").complaint
        #expect(record.text == "The street light at Wenyi Road & Xueyuan Road\nhas been out for 3 days.\n\nThanks — 王五")
        #expect(record.source.extra["body_format"] == .string("html"))
        #expect(record.attachments.isEmpty)
    }

    @Test("Hotmail's XML declaration atop its HTML and inside a reply is no text")
    func xmlDeclaration() throws {
        let html =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<html><body><div>路灯不亮。<?xml version=\"1.0\"?>"
            + "<p>a &lt;? b</p></div></body></html>\r\n"
        let record = try Corpus.complaint(body: html, contentType: "text/html; charset=utf-8")
        #expect(record.text == "路灯不亮。\na <? b")
    }

    @Test(
        "auto-replies and bounces are recognised",
        arguments: [
            ("auto-reply.eml", "Auto-Submitted: auto-replied"),
            ("bounce.eml", "multipart/report (delivery-status)"),
        ])
    func automatic(name: String, reason: String) throws {
        let verdict = EmailComplaintBuilder().build(
            try Corpus.bytes(name), adapter: "inbox", receivedAt: Corpus.receivedAt)
        guard case .automatic(let found, _) = verdict else {
            Issue.record("\(name) became a complaint")
            return
        }
        #expect(found == reason)
    }

    @Test(
        "auto-reply headers other systems write are recognised",
        arguments: [
            ("X-Auto-Reply: yes", "X-Auto-Reply present"), ("X-Autoresponse: 1", "X-Autoresponse present"),
            ("X-Autoresponder: on", "X-Autoresponder present"), ("Precedence: auto_reply", "Precedence: auto_reply"),
            ("X-Precedence: bulk", "X-Precedence: bulk"),
        ])
    func otherAutoReplyHeaders(header: String, reason: String) throws {
        let raw =
            "From: =?utf-8?B?5byg5LiJ?= <zhang@example.cn>\r\nTo: complaints@hotline.example.gov.cn\r\n"
            + "Subject: =?utf-8?B?6Ieq5Yqo5Zue5aSN?=\r\nMessage-ID: <oof-1@example.cn>\r\n\(header)\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\n我正在休假，11月10日回来。\r\n"
        let verdict = EmailComplaintBuilder().build(Array(raw.utf8), adapter: "inbox", receivedAt: Corpus.receivedAt)
        guard case .automatic(let found, _) = verdict else {
            Issue.record("\(header): became a complaint")
            return
        }
        #expect(found == reason)
    }

    @Test("no false positives: X-Auto-Response-Suppress, a noreply sender, 自动回复 in the subject")
    func notAutomatic() throws {
        let record = try Corpus.draft("not-automatic.eml").complaint
        #expect(record.subject == "投诉：自动回复太多")
        #expect(record.complainant.phone == "+8613912345678")
        #expect(record.complainant.email == "noreply@form.example.gov.cn")
    }

    @Test("UTF-8 under a us-ascii label, raw 8-bit headers in UTF-8 and GBK, no Message-ID")
    func mislabelled() throws {
        let raw = try Corpus.bytes("mislabelled.eml")
        let record = try Corpus.draft("mislabelled.eml").complaint
        #expect(record.text == "文三路停水三天了，没有通知。")
        #expect(record.subject == "停水三天了")
        #expect(record.complainant.name == "钱七")
        // Without a Message-ID, the id is the content's fingerprint: the same mail read with
        // other line endings (a polled mailbox, a forwarder's POST) has the same one.
        guard case .string(let fingerprint)? = record.source.extra["content_sha256"] else {
            Issue.record("no content_sha256")
            return
        }
        #expect(record.source.externalID == "sha256:" + fingerprint)
        #expect(fingerprint != ContentHash.sha256Hex(raw))
    }

    @Test(
        "a UTF-8 body with a byte lost and cut short mid-character stays UTF-8 under any label: the damage replaced, the rest kept",
        arguments: ["utf-8", "gb2312", nil])
    func damagedUTF8(label: String?) throws {
        let sentence = Array("小区门口的垃圾桶三天没人清理，气味很大。联系电话13812345678\r\n谢谢".utf8)
        // The middle byte of 区 lost on the way, and the message cut inside its last character.
        let body = Array(sentence[..<4] + sentence[5..<(sentence.count - 1)])
        let contentType = label.map { "text/plain; charset=\($0)" } ?? "text/plain"
        let head = """
            From: citizen@example.cn\r
            To: complaints@hotline.example.gov.cn\r
            Subject: rubbish\r
            Message-ID: <damaged-\(label ?? "none")@example.cn>\r
            Content-Type: \(contentType)\r
            Content-Transfer-Encoding: 8bit\r
            \r

            """
        let verdict = EmailComplaintBuilder().build(Array(head.utf8) + body, adapter: "inbox", receivedAt: Date())
        guard case .complaint(let draft) = verdict else {
            Issue.record("not taken as a complaint: \(verdict)")
            return
        }
        let record = draft.complaint
        #expect(record.text == "小\u{FFFD}门口的垃圾桶三天没人清理，气味很大。联系电话13812345678\n谢\u{FFFD}")
        #expect(record.complainant.phone == "+8613812345678")
        #expect(record.source.extra["body_charset"] == .string("utf-8 (undecodable bytes replaced)"))
    }

    @Test("GNU mailutils `mail` in a GBK locale: no MIME headers, raw GBK in Subject and body")
    func noContentTypeGBK() throws {
        var raw = Array("From: citizen@example.cn\r\nTo: complaints@hotline.example.gov.cn\r\nSubject: ".utf8)
        raw += [0xC2, 0xB7, 0xB5, 0xC6]  // 路灯
        raw += Array("\r\nDate: Thu, 03 Dec 2026 09:00:00 +0800\r\n\r\n".utf8)
        raw += [0xC2, 0xB7, 0xB5, 0xC6, 0xB2, 0xBB, 0xC1, 0xC1, 0xA3, 0xAC]  // 路灯不亮，
        raw += [0xB5, 0xE7, 0xBB, 0xB0]  // 电话
        raw += Array("13812345678\r\n".utf8)
        let verdict = EmailComplaintBuilder().build(raw, adapter: "inbox", receivedAt: Date())
        guard case .complaint(let draft) = verdict else {
            Issue.record("not taken as a complaint: \(verdict)")
            return
        }
        #expect(draft.complaint.text == "路灯不亮，电话13812345678")
        #expect(draft.complaint.subject == "路灯")
        #expect(draft.complaint.complainant.phone == "+8613812345678")
    }

    @Test("a forwarded message/rfc822 is read into the text under the note, and listed as an attachment")
    func forwardAttached() throws {
        let record = try Corpus.draft("forward-attached.eml").complaint
        #expect(
            record.text == """
                See the attached complaint.

                ---------- Forwarded message ----------
                From: Citizen <citizen@example.com>
                Subject: Noise at night

                It is loud every night.
                """)
        #expect(record.source.extra["forwarded_messages"] == .number(1))
        #expect(record.attachments.map(\.contentType) == ["message/rfc822"])
        #expect(record.attachments.first?.filename == "Noise at night.eml")
    }

    @Test("Outlook's Forward as Attachment with no note: the citizen's GBK letter is the text, its phone found")
    func forwardAttachedWithoutNote() throws {
        let body = """
            --F\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \r
            --F\r
            Content-Type: message/rfc822\r
            Content-Disposition: attachment\r
            \r
            From: =?GBK?B?zfXO5Q==?= <wang@example.net>\r
            Date: Tue, 01 Dec 2026 09:00:00 +0800\r
            Subject: =?GBK?B?wre1xru1wcuhow==?=\r
            Content-Type: multipart/mixed; boundary="G"\r
            \r
            --G\r
            Content-Type: text/plain; charset=gb2312\r
            Content-Transfer-Encoding: base64\r
            \r
            zsTI/cK3tcTCt7XGu7XBy6Ostee7sKO6MTM4MTIzNDU2Nzg=\r
            --G\r
            Content-Type: message/rfc822\r
            \r
            From: a@example.org\r
            Subject: earlier\r
            \r
            first report\r
            --G--\r
            --F--\r

            """
        let complaint = try Corpus.complaint(body: body, contentType: "multipart/mixed; boundary=F")
        #expect(
            complaint.text == """
                ---------- Forwarded message ----------
                From: 王五 <wang@example.net>
                Date: Tue, 01 Dec 2026 09:00:00 +0800
                Subject: 路灯坏了。

                文三路的路灯坏了，电话：13812345678

                ---------- Forwarded message ----------
                From: a@example.org
                Subject: earlier

                first report
                """)
        #expect(complaint.complainant.phone == "+8613812345678")
        #expect(complaint.source.extra["forwarded_messages"] == .number(2))
        #expect(complaint.source.extra["text_from"] == nil)
    }

    @Test("broken MIME still gives a record, with the defects noted")
    func broken() throws {
        let record = try Corpus.draft("broken.eml").complaint
        #expect(record.text == "水单有问题")
        #expect(record.attachments.map(\.filename) == ["report.pdf"])
        guard case .array(let defects)? = record.source.extra["defects"] else {
            Issue.record("no defects recorded")
            return
        }
        #expect(defects.contains(.string("multipart without its closing boundary")))
    }

    @Test("an attachment over the size limit is listed, its bytes not kept apart")
    func oversized() throws {
        let draft = try Corpus.draft("gbk-outlook.eml", maxAttachmentBytes: 100)
        #expect(draft.complaint.attachments.count == 1)
        #expect(draft.attachmentBytes == [nil])
        #expect(draft.complaint.source.extra["oversized_attachments"] == .array([.string("现场.jpg")]))
    }

    @Test("a complaint written in the subject with an empty body: the subject is the text, and says so")
    func subjectOnly() throws {
        for body in ["", "\r\n\r\n", " \u{3000}\r\n"] {
            let complaint = try Corpus.complaint(body: body, subject: "小区门口路灯坏了，电话13812345678")
            #expect(complaint.text == "小区门口路灯坏了，电话13812345678", "\(body.debugDescription)")
            #expect(complaint.source.extra["text_from"] == .string("subject"))
            #expect(complaint.complainant.phone == "+8613812345678")
        }
        let withBody = try Corpus.complaint(body: "路灯三天没亮了", subject: "路灯")
        #expect(withBody.text == "路灯三天没亮了")
        #expect(withBody.source.extra["text_from"] == nil)
    }

    @Test("Apple Mail's text, picture, text: the texts are one body in order, the picture the one attachment")
    func textAroundPicture() throws {
        let body = """
            --Apple-Mail=_5F1C\r
            Content-Transfer-Encoding: quoted-printable\r
            Content-Type: text/plain;\r
            \tcharset=utf-8\r
            \r
            =E5=B0=8F=E5=8C=BA=E9=97=A8=E5=8F=A3=E7=9A=84=E8=B7=AF=E7=81=AF=E5=9D=8F=E4=BA=86=EF=BC=9A\r
            --Apple-Mail=_5F1C\r
            Content-Disposition: inline; filename=IMG_0412.jpeg\r
            Content-Type: image/jpeg; x-unix-mode=0644; name="IMG_0412.jpeg"\r
            Content-Transfer-Encoding: base64\r
            \r
            /9j/4AAQ\r
            --Apple-Mail=_5F1C\r
            Content-Transfer-Encoding: 7bit\r
            Content-Type: text/plain;\r
            \tcharset=us-ascii\r
            \r
            Tel 13812345678\r
            --Apple-Mail=_5F1C\r
            Content-Type: text/plain; charset=utf-8; name="notes.txt"\r
            Content-Disposition: attachment; filename="notes.txt"\r
            \r
            a file, not the message\r
            --Apple-Mail=_5F1C--\r

            """
        let complaint = try Corpus.complaint(body: body, contentType: "multipart/mixed; boundary=\"Apple-Mail=_5F1C\"")
        #expect(complaint.text == "小区门口的路灯坏了：\n\nTel 13812345678")
        #expect(complaint.complainant.phone == "+8613812345678")
        #expect(complaint.attachments.map(\.filename) == ["IMG_0412.jpeg", "notes.txt"])
    }

    @Test(
        "a body that only says 如题 or carries a phone's signature leaves the complaint in the subject",
        arguments: ["发自我的iPhone", "如题。", "\r\n\r\nSent from my iPhone", "如题\r\n\r\n来自我的华为手机"])
    func subjectIsTheComplaint(body: String) throws {
        let complaint = try Corpus.complaint(body: body + "\r\n", subject: "楼下烧烤店油烟扰民 电话13812345678")
        #expect(complaint.text == "楼下烧烤店油烟扰民 电话13812345678")
        #expect(complaint.source.extra["text_from"] == .string("subject"))
        #expect(complaint.complainant.phone == "+8613812345678")
        // A body with something of its own stays the text.
        let own = try Corpus.complaint(body: "晚上十点以后还在营业\r\n发自我的iPhone\r\n", subject: "油烟扰民")
        #expect(own.text.hasPrefix("晚上十点以后还在营业"))
    }

    @Test("an empty plain-text alternative does not hide the HTML letter")
    func emptyPlainAlternative() throws {
        let body = """
            --alt\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \r
            --alt\r
            Content-Type: text/html; charset=utf-8\r
            \r
            <div>楼下餐馆油烟很大。</div><div>电话：13812345678</div>\r
            --alt--\r

            """
        let complaint = try Corpus.complaint(body: body, contentType: "multipart/alternative; boundary=\"alt\"")
        #expect(complaint.text == "楼下餐馆油烟很大。\n\n电话：13812345678")
        #expect(complaint.complainant.phone == "+8613812345678")
        #expect(complaint.attachments.isEmpty)
    }

    @Test("Outlook's [cid:…] placeholders for inline pictures are not text")
    func imagePlaceholders() throws {
        let body =
            "井盖丢了，很危险：\r\n[cid:image001.png@01DA2C3B.5E6F7A80]\r\n在文三路口 [cid:image002.jpg@01DA2C3B.5E6F7A80]。[cid: 不是]\r\n"
        let complaint = try Corpus.complaint(body: body)
        #expect(complaint.text == "井盖丢了，很危险：\n\n在文三路口 。[cid: 不是]")
    }

    @Test("a link's address is kept after its text unless the text shows it")
    func linkAddresses() throws {
        let body =
            "<p>照片见<a href=\"https://pan.example.cn/s/abc?x=1&amp;y=2\">网盘链接</a>，"
            + "原文 <a href='https://news.example.cn/a'>https://news.example.cn/a</a> "
            + "<a href=\"mailto:wang@example.cn\">wang@example.cn</a> <a href=\"https://img.example.cn/1.jpg\"><img src=x></a> "
            + "<a name=top>顶部</a> <a href=\"javascript:void(0)\">点这里</a></p>\r\n"
        let complaint = try Corpus.complaint(body: body, contentType: "text/html; charset=utf-8")
        #expect(
            complaint.text
                == "照片见网盘链接 (https://pan.example.cn/s/abc?x=1&y=2)，原文 https://news.example.cn/a wang@example.cn "
                + "https://img.example.cn/1.jpg 顶部 点这里")
    }

    @Test("HTML 4's named character references read as their characters (Outlook and Word write them)")
    func namedCharacterReferences() throws {
        let body =
            "<p>Caf&eacute; &rarr; Stra&szlig;e &frac12; km, 5&nbsp;&deg;C &ne; &alpha;&hellip; &bogus; &amp;c</p>\r\n"
        let complaint = try Corpus.complaint(body: body, contentType: "text/html; charset=utf-8")
        #expect(complaint.text == "Café → Straße ½ km, 5 °C ≠ α… &bogus; &c")
    }

    @Test("MIME::Lite's HTML letter with a .txt attached inline: the letter is the body, the .txt a file")
    func htmlLetterWithNamedTextPart() throws {
        let body = """
            --_----------=_1\r
            Content-Type: text/html; charset="utf-8"\r
            Content-Disposition: inline\r
            \r
            <p>您好，楼下餐馆油烟很大。</p><p>电话：138 1234 5678</p>\r
            --_----------=_1\r
            Content-Disposition: inline; filename="=?gbk?B?083RzMqxvOS8x8K8LnR4dA==?="\r
            Content-Type: text/plain; charset=gbk; name="=?gbk?B?083RzMqxvOS8x8K8LnR4dA==?="\r
            \r
            11月1日 18:00-23:30\r
            --_----------=_1--\r

            """
        let complaint = try Corpus.complaint(body: body, contentType: "multipart/mixed; boundary=\"_----------=_1\"")
        #expect(complaint.text == "您好，楼下餐馆油烟很大。\n\n电话：138 1234 5678")
        #expect(complaint.complainant.phone == "+8613812345678")
        #expect(complaint.attachments.map(\.filename) == ["油烟时间记录.txt"])
        #expect(complaint.source.extra["body_format"] == .string("html"))
        // The named text part alone is still the body: nothing else is a letter.
        let only = try Corpus.complaint(
            body: "路灯坏了\r\n", contentType: "text/plain; charset=utf-8; name=\"note.txt\"")
        #expect(only.text == "路灯坏了")
    }

    @Test(
        "a phone's signature on the last line is not part of the complaint",
        arguments: [
            "发自我的iPhone", "Sent from my Galaxy", "Sent from my iPhone", "来自我的华为手机",
            "发送自 Windows 10 版邮件<https://go.microsoft.com/fwlink/?LinkId=550986>应用", "签名由 网易邮箱大师 定制",
        ])
    func deviceSignatureDropped(signature: String) throws {
        let complaint = try Corpus.complaint(body: "路边井盖丢失，很危险。\r\n\r\n\(signature)\r\n")
        #expect(complaint.text == "路边井盖丢失，很危险。")
        // Inside the text, such words stay.
        let inside = try Corpus.complaint(body: "\(signature)\r\n路边井盖丢失。\r\n")
        #expect(inside.text == "\(signature)\n路边井盖丢失。")
    }

    @Test("a plain-text version that only says to read the HTML gives way to the HTML")
    func placeholderPlainText() throws {
        let body = """
            --A\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            This is an HTML message. Please use an HTML capable mail program to read this message.\r
            --A\r
            Content-Type: text/html; charset=utf-8\r
            \r
            <div>路灯坏了一个月了。</div><div>联系电话：13866667777</div>\r
            --A--\r

            """
        let complaint = try Corpus.complaint(body: body, contentType: "multipart/alternative; boundary=A")
        #expect(complaint.text == "路灯坏了一个月了。\n\n联系电话：13866667777")
        #expect(complaint.complainant.phone == "+8613866667777")
        // A plain text that mentions HTML among other words is the letter.
        let letter = body.replacingOccurrences(
            of: "This is an HTML message. Please use an HTML capable mail program to read this message.",
            with: "网站的HTML页面打不开，路灯坏了一个月了。")
        #expect(
            try Corpus.complaint(body: letter, contentType: "multipart/alternative; boundary=A").text
                == "网站的HTML页面打不开，路灯坏了一个月了。")
    }

    @Test("a plain-text part marked attachment with no file name is the body when nothing else is")
    func unnamedTextAttachment() throws {
        let body = """
            --m\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Disposition: attachment\r
            \r
            路灯坏了。联系电话：13812345678\r
            --m\r
            Content-Type: image/jpeg; name="a.jpg"\r
            Content-Disposition: attachment; filename="a.jpg"\r
            Content-Transfer-Encoding: base64\r
            \r
            /9j/4AAQ\r
            --m--\r

            """
        let complaint = try Corpus.complaint(body: body, contentType: "multipart/mixed; boundary=m", subject: "路灯")
        #expect(complaint.text == "路灯坏了。联系电话：13812345678")
        #expect(complaint.complainant.phone == "+8613812345678")
        #expect(complaint.attachments.map(\.filename) == ["a.jpg"])
        // Beside a real body, it stays an attachment.
        let both = body.replacingOccurrences(
            of: "--m\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment",
            with:
                "--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n见附件。\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment"
        )
        let withBody = try Corpus.complaint(body: both, contentType: "multipart/mixed; boundary=m", subject: "路灯")
        #expect(withBody.text == "见附件。")
        #expect(withBody.attachments.count == 2)
    }

    @Test("a message whose only body is text/rtf: its text is read (GBK under \\ansicpg936), body_format rtf")
    func richTextBody() throws {
        let rtf =
            "{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0 x;}}\\f0 \\'c2\\'b7\\'b5\\'c6\\'bb\\'b5\\'c1\\'cb\\par Tel 13812345678}"
        let complaint = try Corpus.complaint(body: rtf, contentType: "text/rtf")
        #expect(complaint.text == "路灯坏了\nTel 13812345678")
        #expect(complaint.source.extra["body_format"] == .string("rtf"))
        #expect(complaint.complainant.phone == "+8613812345678")
        #expect(complaint.attachments.isEmpty)
    }

    @Test("an attachment sent as application/octet-stream gets the type its extension names; a declared type is kept")
    func octetStreamTypes() throws {
        let body = """
            --b1\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            见附件\r
            --b1\r
            Content-Type: application/octet-stream; name="IMG_2031.HEIC"\r
            Content-Disposition: attachment; filename="IMG_2031.HEIC"\r
            \r
            x\r
            --b1\r
            Content-Type: application/octet-stream; name="报告.docx"\r
            Content-Disposition: attachment\r
            \r
            x\r
            --b1\r
            Content-Type: image/jpeg; name="scan.pdf"\r
            \r
            x\r
            --b1\r
            Content-Type: application/octet-stream; name="README"\r
            \r
            x\r
            --b1\r
            Content-Type: application/octet-stream; name="情况说明.wps"\r
            \r
            x\r
            --b1\r
            Content-Type: application/octet-stream; name="电子发票.ofd"\r
            \r
            x\r
            --b1--\r

            """
        let complaint = try Corpus.complaint(body: body, contentType: "multipart/mixed; boundary=b1")
        #expect(
            complaint.attachments.map(\.contentType) == [
                "image/heic", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "image/jpeg",
                "application/octet-stream", "application/wps-office.wps", "application/ofd",
            ])
    }

    @Test("Apple Mail's AppleDouble file: the data is the attachment, the Mac metadata beside it is not")
    func appleDouble() throws {
        let body = """
            --b1\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            路灯坏了，照片见附件\r
            --b1\r
            Content-Type: multipart/appledouble; boundary=b2\r
            Content-Disposition: attachment\r
            \r
            --b2\r
            Content-Type: application/applefile; name="路灯.jpg"\r
            Content-Transfer-Encoding: base64\r
            Content-Disposition: attachment; filename="路灯.jpg"\r
            \r
            AAUWBwACAAA=\r
            --b2\r
            Content-Type: image/jpeg; name="路灯.jpg"\r
            Content-Transfer-Encoding: base64\r
            Content-Disposition: attachment; filename="路灯.jpg"\r
            \r
            /9j/4AAQ\r
            --b2--\r
            --b1\r
            Content-Type: application/applefile; name="note.bin"\r
            \r
            x\r
            --b1--\r

            """
        let complaint = try Corpus.complaint(body: body, contentType: "multipart/mixed; boundary=b1")
        #expect(complaint.text == "路灯坏了，照片见附件")
        // An AppleSingle file on its own (not inside an AppleDouble pair) is all there is of it: kept.
        #expect(complaint.attachments.map(\.filename) == ["路灯.jpg", "note.bin"])
        #expect(complaint.attachments.map(\.contentType) == ["image/jpeg", "application/applefile"])
        #expect(complaint.attachments.first?.size == 6)
    }

    @Test("hostile rich text: absurd code pages, Unicode values and fallback counts are ignored, not trusted")
    func hostileRichText() throws {
        let rtf =
            "{\\rtf1\\ansicpg99999 {\\uc99999999 \\u-99999?\\u99999999?\\u4294967296?}"
            + "{\\*\\unknown hidden}ok\\'zz\\'4\\}"
        let complaint = try Corpus.complaint(body: rtf, contentType: "text/rtf")
        #expect(complaint.text.hasPrefix("ok"))
        #expect(!complaint.text.contains("hidden"))
    }
}
