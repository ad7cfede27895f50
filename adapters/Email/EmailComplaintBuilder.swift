import ComplaintCore
import Foundation

/// Turns one raw RFC 5322 message into a ``EmailVerdict``.
///
/// Mapping: `subject` from `Subject`; complainant name and email from `From` (`Reply-To` is not
/// used: it often names a list or a helpdesk); `source.external_id` is the Message-ID without
/// angle brackets, or `sha256:` + the raw message's hash when there is none; `thread` from
/// `In-Reply-To` and `References`; text from ``BodySelector``'s body (HTML converted by
/// ``HTMLText``), with quoted history trimmed by ``QuotedReply``. A phone number is taken only
/// right after a label (电话/手机/联系电话/联系方式/Tel/Phone/Mobile, with or without `：`),
/// and only when it is a valid number: a bare digit run in a signature could be anything (an
/// order number, a date).
/// Messages forwarded as attachments follow the text (``ForwardedMessages``).
/// `source.extra` keeps `to`, `cc`, `date`, `mailer`, the body's charset when a fallback was
/// needed, parser defects, the count of trimmed quoted characters, and of forwarded messages read,
/// and ``ContentFingerprint``'s `content_sha256`. Attachment filenames are
/// reduced by ``SafeFilename`` (no paths, no control characters, capped length); an original that
/// differed is kept in `attachment_original_filenames` for audit.
public struct EmailComplaintBuilder: Sendable {
    /// Attachments larger than this are listed in the record but their bytes are not kept apart
    /// from the raw message (they are still inside it).
    public var maxAttachmentBytes: Int
    public var parser: MIMEParser
    public var phones: PhoneNormalizer

    public init(
        maxAttachmentBytes: Int = 25 * 1024 * 1024, parser: MIMEParser = MIMEParser(),
        phones: PhoneNormalizer = PhoneNormalizer()
    ) {
        self.maxAttachmentBytes = maxAttachmentBytes
        self.parser = parser
        self.phones = phones
    }

    public func build(_ raw: [UInt8], adapter: String, receivedAt: Date) -> EmailVerdict {
        let message = parser.parse(raw)
        let headers = message.headers
        let messageID = headers["Message-ID"].flatMap { MessageIDs.parse($0).first }
        if let reason = AutoReplyDetector.reason(message) {
            return .automatic(reason: reason, messageID: messageID)
        }
        var extra: [String: JSONValue] = [:]
        let subject = headers["Subject"].flatMap { TextNormalizer.normalizeOptional(Self.singleLine($0)) }
        let from = headers["From"].flatMap(MailAddress.parse)

        let body = BodySelector.body(of: message)
        let read = MessageText(of: message, body: body)
        var text = read.text
        // What the transfer decoding of the body and the attachments found wrong, for `defects`.
        var encodingDefects = read.defects
        if let note = read.charsetNote { extra["body_charset"] = .string(note) }
        if let format = read.format { extra["body_format"] = .string(format) }
        let bodyIsEmpty = TextNormalizer.normalize(text).isEmpty
        var attachments = EmailAttachments(maxBytes: maxAttachmentBytes)
        attachments.addParts(of: message, body: body, bodyIsEmpty: bodyIsEmpty)
        attachments.addInline(read.inlineFiles)
        attachments.write(to: &extra)
        encodingDefects += attachments.defects
        // Outlook's TNEF can carry the only body there is (a message sent as rich text alone).
        if let tnefBody = attachments.tnefBody, bodyIsEmpty {
            text = tnefBody
            extra["text_from"] = .string("tnef")
        }
        let trimmed = QuotedReply.trim(
            TextNormalizer.normalize(text), subject: subject, threaded: QuotedReply.isThreaded(headers))
        if trimmed.trimmedCharacters > 0 {
            extra["quoted_reply_trimmed_chars"] = .number(Double(trimmed.trimmedCharacters))
        }

        let fingerprints = ContentFingerprint.all(raw, headers: headers)
        extra["content_sha256"] = .string(fingerprints[0])
        for (key, header) in [("to", "To"), ("cc", "Cc"), ("date", "Date"), ("mailer", "X-Mailer")] {
            if let value = headers[header].flatMap({ TextNormalizer.normalizeOptional(Self.singleLine($0)) }) {
                extra[key] = .string(value)
            }
        }
        var defects: [String] = []
        message.walk { defects += $0.defects }
        defects += encodingDefects
        if !defects.isEmpty { extra["defects"] = .array(defects.prefix(20).map(JSONValue.string)) }

        // People often write the whole complaint in the subject and send an empty body (or
        // only a photo): the subject is then the text, so the department gets something to read.
        var complaintText = Self.withoutDeviceSignature(trimmed.text)
        let forwarded = ForwardedMessages.text(of: message, body: body)
        if forwarded.count > 0 {
            complaintText += (complaintText.isEmpty ? "" : "\n\n") + forwarded.text
            extra["forwarded_messages"] = .number(Double(forwarded.count))
        }
        if complaintText.isEmpty || Self.saysNothing(complaintText), let subject, !subject.isEmpty {
            complaintText = subject
            extra["text_from"] = .string("subject")
        }

        let inReplyTo = headers["In-Reply-To"].flatMap { MessageIDs.parse($0).first }
        let references = headers["References"].map(MessageIDs.parse) ?? []
        var candidates: [String] = []
        for id in [inReplyTo].compactMap({ $0 }) + references.reversed() where !candidates.contains(id) {
            candidates.append(id)
        }

        // The citizen's own words only: the numbers in what they quote or forward (a landlord's
        // notice, a pasted mail, the hotline's reply) are other people's. The subject is searched
        // when the body has none, unless it is a reply's or a forward's, which others wrote.
        let textFromSubject = extra["text_from"] == .string("subject")
        // A message forwarded as an attachment with nothing written above it (a colleague passing on
        // a citizen's letter) is the complaint: its number is the one to call.
        let ownText =
            trimmed.text.isEmpty && forwarded.count > 0 ? forwarded.text : QuotedReply.ownPart(of: trimmed.text)
        var phone = textFromSubject ? nil : labelledPhone(in: ownText)
        if phone == nil, let subject,
            textFromSubject || !QuotedReply.isConversation(subject: subject, threaded: QuotedReply.isThreaded(headers))
        {
            phone = labelledPhone(in: subject)
        }
        if let phoneExtension = phone?.extension { extra["complainant_phone_extension"] = .string(phoneExtension) }

        let complaint = Complaint(
            id: "", channel: .email, receivedAt: receivedAt, ingestedAt: receivedAt,
            source: Complaint.Source(
                adapter: adapter, externalID: messageID ?? "sha256:" + fingerprints[0], extra: extra),
            complainant: Complaint.Complainant(
                name: from?.name.flatMap { TextNormalizer.normalizeOptional($0) },
                phone: phone?.number,
                email: from?.address),
            subject: subject,
            text: complaintText,
            // Where the citizen wrote it down, in their own words (not a quoted reply's).
            location: Complaint.Location(address: LabelledAddress.find(in: ownText)),
            attachments: attachments.records,
            thread: Complaint.Thread(inReplyTo: inReplyTo, references: references))
        return .complaint(
            EmailDraft(
                complaint: complaint, attachmentBytes: attachments.bytes, threadCandidates: candidates,
                contentFingerprints: fingerprints))
    }

    private static let phoneLabels = [
        "联系电话", "电话号码", "手机号码", "手机号", "电话号", "电话", "手机", "座机", "联系方式", "联系我", "联系人",
        // Traditional characters (Hong Kong, Macao, Taiwan).
        "聯絡電話", "聯繫電話", "電話號碼", "手機號碼", "電話", "手機", "聯絡方式",
        "tel", "phone", "mobile",
    ]
    /// What people put between a label and its colon: `手机/微信：`, `手机（微信同号）：`.
    private static let labelQualifiers = [
        "/微信", "／微信", "(微信同号)", "（微信同号）", "(同微信)", "（同微信）", "/wechat", "(wechat)",
    ]
    /// Between a label and its number: what people write there ("电话：", "电话是", "Tel: ").
    private static let labelConnectors: Set<Character> = [" ", "\t", ":", "：", "是", "为"]
    /// What a written phone number is made of: digits (also full-width), and the spaces, dashes,
    /// dots and brackets people group them with.
    /// (No-break, ideographic and thin spaces, and the Unicode dashes, group digits as typed
    /// in Word or with a Chinese input method: `138\u{3000}1234\u{3000}5678`, `0571–87654321`.)
    private static let phoneCharacters = Set(
        "0123456789０１２３４５６７８９+＋-－ .()（）\u{00A0}\u{3000}\u{2009}\u{202F}\u{2010}\u{2011}\u{2012}\u{2013}\u{2014}\u{2212}"
    )

    /// A number with what may follow it as its extension: the extension markers the phone
    /// normalizer reads (`转8001`, `分机：66`, `ext. 12`, `x 12`) are made of these.
    private static let extendedPhoneCharacters = phoneCharacters.union("转分机ext:：")

    /// A line longer than this is a paragraph of prose, where a label may introduce someone
    /// else's number ("物业电话0571…"); see ``labelledPhone(in:)``.
    private static let shortLineBytes = 200
    /// Of a longer line, this much is searched (a body can be one line of megabytes).
    private static let longLineSearchBytes = 16_384
    /// What may stand right before a label that opens a clause of prose.
    private static let clauseOpeners: Set<Character> = ["。", "，", ",", "；", ";", "！", "!", "：", ":", "、", " ", "\t"]

    /// The first valid number after a label: the label, then at most a few connectors (`电话：`,
    /// `电话是`, `电话 `, or none: `电话13812345678`), then the number, with its extension if one
    /// follows (kept beside the E.164 number, which has no place for it). Short lines (a contact
    /// line, a signature) are searched first. In a paragraph, a label counts only where it is the
    /// citizen's: after `我`/`我的`/`本人` (`我的电话：…`), or opening a clause (`…，联系电话：…`,
    /// not `物业电话…`).
    private func labelledPhone(in text: String) -> (number: String, extension: String?)? {
        let lines = text.utf8.split(separator: 0x0A)
        // A signature's `Tel:` is often the office switchboard and its `Mobile:` the person: a
        // mobile on a later line is preferred to a landline found first.
        var landline: (number: String, extension: String?)?
        for bytes in lines where bytes.count <= Self.shortLineBytes {
            guard let found = labelledPhone(onLine: Substring(bytes).lowercased(), inProse: false) else { continue }
            if Self.isChineseMobile(found.number) { return found }
            if landline == nil { landline = found }
        }
        if let landline { return landline }
        for bytes in lines where bytes.count > Self.shortLineBytes {
            let line = Substring(bytes.prefix(Self.longLineSearchBytes)).lowercased()
            if let found = labelledPhone(onLine: line, inProse: true) { return found }
        }
        return nil
    }

    private func labelledPhone(onLine lowered: String, inProse: Bool) -> (number: String, extension: String?)? {
        for label in Self.phoneLabels {
            var searchFrom = lowered.startIndex
            while let range = lowered.range(of: label, range: searchFrom..<lowered.endIndex) {
                searchFrom = range.upperBound
                let before = lowered[..<range.lowerBound]
                // A Latin label inside a word ("hotel") is not a label.
                if label.first!.isASCII, let previous = before.last, previous.isLetter { continue }
                if inProse ? !Self.isCitizensOwn(before) : Self.isSomeoneElses(before) { continue }
                var rest = lowered[range.upperBound...]
                if let qualifier = Self.labelQualifiers.first(where: { rest.hasPrefix($0) }) {
                    rest = rest.dropFirst(qualifier.count)
                }
                var afterConnectors = rest.prefix(4).drop { Self.labelConnectors.contains($0) }
                // `联系人：王先生 138…`: the contact's name, then the number.
                if label == "联系人" {
                    let name = lowered[afterConnectors.startIndex...].prefix(8).prefix { $0.isLetter }
                    afterConnectors = lowered[name.endIndex...].prefix(3).drop {
                        Self.labelConnectors.contains($0) || $0 == "，" || $0 == ","
                    }
                }
                let start = afterConnectors.startIndex
                guard start < lowered.endIndex, lowered[start].isNumber || "+＋(（".contains(lowered[start])
                else { continue }
                if let spelled = Self.spelledDigits(lowered[start...]) {
                    if case .e164(let number) = phones.parse(spelled).result { return (number, nil) }
                    continue
                }
                let candidate = Self.trimmedToDigit(lowered[start...].prefix { Self.phoneCharacters.contains($0) })
                // With what looks like its extension, else alone (a mobile has none: `13812345678 x 3天`).
                let withExtension = Self.trimmedToDigit(
                    lowered[start...].prefix(40).prefix { Self.extendedPhoneCharacters.contains($0) })
                for written in withExtension == candidate ? [candidate] : [withExtension, candidate] {
                    let (parsed, phoneExtension) = phones.parse(written)
                    guard case .e164(let number) = parsed else { continue }
                    let end = lowered.index(start, offsetBy: written.count)
                    if Self.namesSomeoneElse(after: lowered[end...]) { break }
                    return (number, phoneExtension)
                }
            }
        }
        return nil
    }

    /// `一三八一二三四五六七八`: a number written in Chinese numerals, one per digit (7 or more,
    /// spaces allowed between), as ASCII digits; nil when the text does not start with one.
    private static func spelledDigits(_ text: Substring) -> String? {
        var digits = ""
        for character in text {
            if let digit = chineseDigits[character] {
                digits.append(digit)
            } else if character != " " && character != "\u{3000}" {
                break
            }
        }
        return digits.count >= 7 ? digits : nil
    }

    private static let chineseDigits: [Character: Character] = [
        "〇": "0", "零": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5",
        "六": "6", "七": "7", "八": "8", "九": "9",
    ]

    private static func isChineseMobile(_ number: String) -> Bool {
        number.utf8.count == 14 && number.hasPrefix("+861")
    }

    /// In prose: the label follows `我`, `我的`, `本人`, `my `, or opens the line or a clause.
    private static func isCitizensOwn(_ before: Substring) -> Bool {
        guard let previous = before.last else { return true }
        if clauseOpeners.contains(previous) { return true }
        let tail = before.suffix(3)
        return tail.hasSuffix("我") || tail.hasSuffix("我的") || tail.hasSuffix("本人") || tail.hasSuffix("本人的")
            || tail.hasSuffix("my ")
    }

    /// A body that only points at the subject or carries a phone's signature (`如题`, `Sent from
    /// my iPhone`, `发自我的iPhone`): the complaint is in the subject.
    static func saysNothing(_ text: String) -> Bool {
        guard text.utf8.count <= 200 else { return false }
        return text.split(whereSeparator: \.isNewline).allSatisfy { line in
            let lowered = line.trimmingCharacters(in: .whitespaces).lowercased()
            return lowered.isEmpty || pointersToSubject.contains(lowered.trimmingCharacters(in: .punctuationCharacters))
                || deviceSignatures.contains { lowered.hasPrefix($0) }
        }
    }

    /// The text without a phone's signature on its last line (`发自我的iPhone`, `Sent from my
    /// Galaxy`): the mail app's, not the citizen's words. A text that is only that is kept, for
    /// ``saysNothing(_:)`` to see.
    static func withoutDeviceSignature(_ text: String) -> String {
        guard let lastBreak = text.lastIndex(of: "\n") else { return text }
        let last = withoutBracketedLinks(
            text[text.index(after: lastBreak)...].trimmingCharacters(in: .whitespaces).lowercased())
        guard last.utf8.count <= 60, deviceSignatures.contains(where: { last.hasPrefix($0) }) else { return text }
        return String(text[..<lastBreak]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static let pointersToSubject: Set<String> = [
        "如题", "见标题", "详见标题", "同标题", "内容见标题", "see subject", "as subject", "as per subject",
    ]
    private static let deviceSignatures = [
        "sent from my ", "sent from mail for windows", "get outlook for ", "发自我的", "来自我的", "从我的", "发送自我的",
        // Windows 10 Mail in Chinese (`发送自 Windows 10 版邮件<https://go.microsoft.com/…>应用`) and
        // NetEase Mail Master's footer (`签名由 网易邮箱大师 定制`).
        "发送自 windows 10 版邮件", "发送自 windows 版邮件", "签名由 网易邮箱大师", "签名由网易邮箱大师",
    ]

    /// `line` without `<http…>` links, which a signature line carries in full: its length is
    /// then the words'.
    private static func withoutBracketedLinks(_ line: String) -> String {
        guard line.contains("<http") else { return line }
        var kept = ""
        var rest = Substring(line)
        while let open = rest.range(of: "<http") {
            kept += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: ">") else { return line }
            rest = rest[rest.index(after: close)...]
        }
        return kept + rest
    }

    /// On a short line: the label follows whose number it is, and that is someone else
    /// (`物业电话`, `邻居的手机`, `商家联系方式`, `landlord's phone`): a citizen names the
    /// people they complain about with their numbers.
    private static func isSomeoneElses(_ before: Substring) -> Bool {
        var owner = before
        // `物业联系电话` is also found as `电话` after `物业联系`.
        for prefix in ["联系", "聯絡", "聯繫"] where owner.hasSuffix(prefix) { owner = owner.dropLast(prefix.count) }
        while let last = owner.last,
            last == " " || last == "的" || last == "'" || last == "’" || last == "s" && owner.hasSuffix("'s")
        {
            owner = owner.dropLast()
        }
        // `我邻居李阿姨（电话：136…）`: the person the parenthesis belongs to.
        if let last = owner.last, last == "（" || last == "(" { owner = owner.dropLast() }
        return otherOwners.contains { owner.hasSuffix($0) }
    }

    /// `13999999999（物业经理李某）`: a parenthesis after the number says whose it is.
    private static func namesSomeoneElse(after number: Substring) -> Bool {
        let rest = number.drop { $0 == " " }
        guard let open = rest.first, open == "（" || open == "(" else { return false }
        let inside = rest.dropFirst().prefix(12).prefix { $0 != "）" && $0 != ")" }
        return otherOwners.contains { inside.contains($0) }
    }

    /// Whose number a citizen's complaint quotes besides their own.
    private static let otherOwners = [
        "物业", "物业公司", "物业管理处", "邻居", "房东", "中介", "商家", "店家", "店铺", "饭店", "餐馆", "商户", "卖家", "客服",
        "对方", "他", "她", "他们", "楼上", "楼下", "开发商", "施工方", "施工队", "工地", "业委会", "居委会", "村委会",
        "办事处", "派出所", "社区", "经理", "老板", "司机", "快递员", "保安", "landlord", "neighbor", "neighbour",
        "seller", "shop", "store", "restaurant", "company", "contractor", "manager", "driver",
        // People a citizen speaks of by how they know them.
        "阿姨", "叔叔", "大爷", "大妈", "大娘", "奶奶", "爷爷", "师傅", "同事", "朋友",
    ]

    /// `text` up to its last digit: what follows a number (`。`, `-`, `转账`) is not part of it.
    private static func trimmedToDigit(_ text: Substring) -> String {
        var trimmed = text
        while let last = trimmed.last, !last.isNumber { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// Header text on one line: folding whitespace and stray line breaks become single spaces.
    static func singleLine(_ value: String) -> String {
        value.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
    }
}
