import ComplaintCore
import EmailAdapter
import Foundation
import Testing

/// Outlook's TNEF parts (`winmail.dat`): their files become the complaint's attachments, and the
/// body they hold becomes its text when the message has no other. Checked against streams
/// Outlook and Exchange wrote (Corpus/tnef, read independently by Python's `tnefparse`) and
/// against streams built here byte by byte, in GBK, as a Chinese Outlook writes them.
@Suite("TNEF (winmail.dat)")
struct TNEFTests {
    struct Expected: Decodable {
        struct File: Decodable {
            var name: String
            var size: Int
            var sha256: String
        }
        var files: [File]
        var body: String?
        var hasHTML: Bool

        enum CodingKeys: String, CodingKey {
            case files, body
            case hasHTML = "has_html"
        }
    }

    static func corpus() throws -> (URL, [String: Expected]) {
        let root = try #require(Bundle.module.url(forResource: "Corpus", withExtension: nil))
            .appendingPathComponent("tnef")
        let data = try Data(contentsOf: root.appendingPathComponent("expected.json"))
        return (root, try JSONDecoder().decode([String: Expected].self, from: data))
    }

    /// A message with `text` as its plain body and `tnef` attached as Outlook sends it.
    static func message(text: String, tnef: [UInt8], id: String) -> [UInt8] {
        let encoded = Data(tnef).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn])
            .replacingOccurrences(of: "\r", with: "\r\n")
        let raw = """
            From: citizen@example.cn\r
            To: complaints@hotline.example.gov.cn\r
            Subject: complaint\r
            Message-ID: <\(id)@example.cn>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="b1"\r
            \r
            --b1\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \(text)\r
            --b1\r
            Content-Type: application/ms-tnef; name="winmail.dat"\r
            Content-Disposition: attachment; filename="winmail.dat"\r
            Content-Transfer-Encoding: base64\r
            \r
            \(encoded)\r
            --b1--\r

            """
        return Array(raw.utf8)
    }

    static func complaint(text: String = "See the attachment.", tnef: [UInt8], id: String = "tnef") throws -> Complaint
    {
        let verdict = EmailComplaintBuilder().build(
            message(text: text, tnef: tnef, id: id), adapter: "inbox", receivedAt: Date())
        guard case .complaint(let draft) = verdict else { throw TNEFTestError.notAComplaint("\(verdict)") }
        return draft.complaint
    }

    enum TNEFTestError: Error { case notAComplaint(String) }

    @Test("Outlook's streams give the files tnefparse reads, byte for byte")
    func corpusFiles() throws {
        let (root, expected) = try Self.corpus()
        #expect(expected.count == 12)
        for (name, want) in expected.sorted(by: { $0.key < $1.key }) {
            let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent(name)))
            let complaint = try Self.complaint(tnef: bytes, id: name)
            if want.files.isEmpty {
                // Nothing to take out: the part stays as it came (its body is not needed, the message has one).
                #expect(complaint.attachments.map(\.filename) == ["winmail.dat"], "\(name)")
                continue
            }
            #expect(complaint.attachments.map(\.filename) == want.files.map(\.name), "\(name)")
            #expect(complaint.attachments.map(\.size) == want.files.map(\.size), "\(name)")
            #expect(complaint.attachments.map(\.sha256) == want.files.map(\.sha256), "\(name)")
            #expect(complaint.source.extra["tnef_opened"] == .array([.string("winmail.dat")]), "\(name)")
            #expect(complaint.text == "See the attachment.", "\(name)")
        }
    }

    @Test("a MIME type the stream names is kept; an unnamed one is guessed from the file's extension")
    func mediaTypes() throws {
        let (root, _) = try Self.corpus()
        let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent("umlaut.tnef")))
        let complaint = try Self.complaint(tnef: bytes)
        #expect(complaint.attachments.map(\.contentType) == ["image/jpeg", "image/jpeg", "text/plain"])
        let unnamed = try [UInt8](Data(contentsOf: root.appendingPathComponent("one-file.tnef")))
        #expect(
            try Self.complaint(tnef: unnamed, id: "one").attachments.map(\.contentType) == ["application/octet-stream"])
    }

    @Test("with no body of its own, the message's text is the one the stream holds (plain, else HTML)")
    func bodyFromStream() throws {
        let (root, expected) = try Self.corpus()
        let triples = try [UInt8](Data(contentsOf: root.appendingPathComponent("triples.tnef")))
        let plain = try Self.complaint(text: "", tnef: triples, id: "triples")
        #expect(plain.text == TextNormalizer.normalize(try #require(expected["triples.tnef"]?.body)))
        #expect(plain.source.extra["text_from"] == .string("tnef"))
        #expect(plain.attachments.isEmpty)

        let body = try [UInt8](Data(contentsOf: root.appendingPathComponent("body.tnef")))
        let html = try Self.complaint(text: "", tnef: body, id: "body")
        #expect(expected["body.tnef"]?.hasHTML == true)
        #expect(html.text.hasPrefix("THE BILL OF RIGHTS"))
        #expect(!html.text.contains("<"))
    }

    @Test("a Chinese Outlook's stream: GBK names (code page 936), a UTF-16 long name, a GBK body")
    func chineseOutlook() throws {
        var stream = TNEFStream()
        stream.message(0x0006_9007, [0xA8, 0x03, 0, 0, 0, 0, 0, 0])  // attOemCodepage 936
        stream.message(0x0002_800C, Self.gbkBody + [0])  // attBody
        stream.attachment(0x0006_9002, [UInt8](repeating: 0, count: 14))  // attAttachRendData
        stream.attachment(0x0001_8010, Self.gbkName + [0])  // attAttachTitle
        stream.attachment(0x0006_800F, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3])  // attAttachData
        stream.attachment(0x0006_9002, [UInt8](repeating: 0, count: 14))
        stream.attachment(0x0001_8010, Array("SITE~1.PNG".utf8) + [0])
        stream.attachment(0x0006_800F, [0x89, 0x50, 0x4E, 0x47])
        var properties = MAPIProperties()
        properties.unicode(0x3707, "现场位置图（东门）.png")  // PR_ATTACH_LONG_FILENAME
        properties.string8(0x370E, Array("image/png".utf8))  // PR_ATTACH_MIME_TAG
        stream.attachment(0x0006_9005, properties.bytes)  // attAttachment

        let complaint = try Self.complaint(text: "", tnef: stream.bytes)
        #expect(complaint.text == "小区门口的路灯坏了一个月。")
        #expect(complaint.attachments.map(\.filename) == ["路灯照片.jpg", "现场位置图（东门）.png"])
        #expect(complaint.attachments.map(\.contentType) == ["image/jpeg", "image/png"])
        #expect(complaint.attachments.map(\.size) == [7, 4])
        #expect(complaint.source.extra["defects"] == nil)
    }

    @Test("an Outlook item attached to the message: its text becomes a .txt named for it, then its own files")
    func attachedMessage() throws {
        let text = "楼下工地每晚施工到凌晨两点，请尽快处理。联系电话 13812345678"
        var inner = TNEFStream()
        var innerProperties = MAPIProperties()
        innerProperties.unicode(0x0037, "楼下噪音投诉")  // PR_SUBJECT
        innerProperties.unicode(0x1000, text)  // PR_BODY
        inner.message(0x0006_9003, innerProperties.bytes)  // attMsgProps
        inner.attachment(0x0006_9002, [UInt8](repeating: 0, count: 14))
        inner.attachment(0x0001_8010, Array("SITE.JPG".utf8) + [0])
        inner.attachment(0x0006_800F, [0xFF, 0xD8, 0xFF, 0xE0, 9])

        func outer(displayName: String?) -> [UInt8] {
            var stream = TNEFStream()
            stream.attachment(0x0006_9002, [UInt8](repeating: 0, count: 14))
            var properties = MAPIProperties()
            if let displayName { properties.unicode(0x3001, displayName) }  // PR_DISPLAY_NAME
            properties.object(0x3701, Self.messageInterface + inner.bytes)  // PR_ATTACH_DATA_OBJ
            stream.attachment(0x0006_9005, properties.bytes)
            return stream.bytes
        }

        let named = try Self.complaint(tnef: outer(displayName: "转发：楼下噪音"))
        #expect(named.attachments.map(\.filename) == ["转发：楼下噪音.txt", "SITE.JPG"])
        #expect(named.attachments.map(\.contentType) == ["text/plain", "image/jpeg"])
        #expect(named.attachments.first?.size == text.utf8.count)
        #expect(named.attachments.first?.sha256 == ContentHash.sha256Hex(Array(text.utf8)))
        #expect(named.text == "See the attachment.")
        #expect(named.source.extra["defects"] == nil)

        // Unnamed: the attached message's own subject names the file.
        let unnamed = try Self.complaint(tnef: outer(displayName: nil))
        #expect(unnamed.attachments.map(\.filename) == ["楼下噪音投诉.txt", "SITE.JPG"])
    }

    /// IID_IMessage as TNEF stores it, before an attached message's stream.
    static let messageInterface: [UInt8] = [
        0x07, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46,
    ]

    @Test("a stream cut short keeps the files before the cut and says so; a part that is not TNEF stays whole")
    func damaged() throws {
        var stream = TNEFStream()
        stream.attachment(0x0006_9002, [UInt8](repeating: 0, count: 14))
        stream.attachment(0x0001_8010, Array("a.txt".utf8) + [0])
        stream.attachment(0x0006_800F, Array("first".utf8))
        stream.attachment(0x0006_9002, [UInt8](repeating: 0, count: 14))
        stream.attachment(0x0001_8010, Array("b.txt".utf8) + [0])
        stream.attachment(0x0006_800F, Array("second file".utf8))
        let cut = Array(stream.bytes.dropLast(8))
        let complaint = try Self.complaint(tnef: cut, id: "cut")
        #expect(complaint.attachments.map(\.filename) == ["a.txt"])
        let defects = try #require(complaint.source.extra["defects"])
        #expect("\(defects)".contains("not a whole attribute"))

        // The signature is wrong: not TNEF, whatever the label says.
        var notTNEF = stream.bytes
        notTNEF[0] = 0
        let kept = try Self.complaint(tnef: notTNEF, id: "not-tnef")
        #expect(kept.attachments.map(\.filename) == ["winmail.dat"])
        #expect(kept.attachments.first?.size == notTNEF.count)
    }

    @Test("a body only in compressed RTF (Outlook's Rich Text mail): plain RTF, and HTML wrapped in RTF")
    func bodyFromRTF() throws {
        let (root, _) = try Self.corpus()
        let cases = [
            ("rtf.tnef", "Greg Allen\nSenior Engineer"),  // plain RTF
            ("long-filename.tnef", "I've attached a temp. license for QARun 4.7."),  // \fromtext
            ("IPM-DistList.tnef", "Comcast allows only up to 100 email"),  // \fromhtml1
            ("umlaut.tnef", "TEST äöü +-*/~"),  // \fromhtml1, \'hh in code page 1252
            ("multi-value-attribute.tnef", "You received a voice mail from Curie Conf Room at 208225."),
        ]
        for (name, phrase) in cases {
            let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent(name)))
            let complaint = try Self.complaint(text: "", tnef: bytes, id: "rtf-" + name)
            #expect(complaint.text.contains(phrase), "\(name): \(complaint.text.prefix(200))")
            #expect(!complaint.text.contains("\\rtf") && !complaint.text.contains("<"), "\(name)")
            #expect(complaint.source.extra["text_from"] == .string("tnef"), "\(name)")
        }
    }

    @Test("a Chinese Outlook's RTF body: GBK bytes under \\ansicpg936 and \\u characters, a phone number in it")
    func chineseRTF() throws {
        // {\rtf1…\ansicpg936…{\fonttbl{\f0 宋体;}} 路灯坏了\par 电话13812345678\par}
        let rtf = Array(
            ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil \\'cb\\'ce\\'cc\\'e5;}}"
                + "{\\colortbl;\\red0\\green0\\blue0;}\\f0\\fs20 \\'c2\\'b7\\'b5\\'c6\\'bb\\'b5\\'c1\\'cb\\par "
                + "\\uc1\\u30005?\\u35805?13812345678\\par}").utf8)
        var properties = MAPIProperties()
        properties.binary(0x1009, Self.literalLZFu(rtf))  // PR_RTF_COMPRESSED
        var stream = TNEFStream()
        stream.message(0x0006_9003, properties.bytes)  // attMsgProps
        let complaint = try Self.complaint(text: "", tnef: stream.bytes)
        #expect(complaint.text == "路灯坏了\n电话13812345678")
        #expect(complaint.complainant.phone == "+8613812345678")
    }

    /// Compressed RTF (MS-OXRTFCP) made of literals only, then the end marker: a reference to
    /// the ring buffer's write position (207, the prefix's length, plus the bytes written).
    static func literalLZFu(_ raw: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        var tokens: [[UInt8]] = raw.map { [$0] }
        let end = (207 + raw.count) & 0xFFF
        tokens.append([UInt8(end >> 4), UInt8((end & 0xF) << 4)])
        for start in stride(from: 0, to: tokens.count, by: 8) {
            let group = tokens[start..<min(start + 8, tokens.count)]
            let control = start + group.count == tokens.count ? UInt8(1 << (group.count - 1)) : 0
            body.append(control)
            for token in group { body += token }
        }
        let header =
            TNEFStream.littleEndian(UInt32(body.count + 12)) + TNEFStream.littleEndian(UInt32(raw.count))
            + TNEFStream.littleEndian(0x7546_5A4C) + TNEFStream.littleEndian(0)
        return header + body
    }

    /// GBK bytes, written out as hex (made with Python's `str.encode('gbk')`).
    static func hex(_ digits: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = digits.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(UInt8(String([high, low]), radix: 16)!)
        }
        return bytes
    }

    /// 小区门口的路灯坏了一个月。
    static let gbkBody = hex("d0a1c7f8c3c5bfdab5c4c2b7b5c6bbb5c1cbd2bbb8f6d4c2a1a3")
    /// 路灯照片.jpg
    static let gbkName = hex("c2b7b5c6d5d5c6ac2e6a7067")
}

/// Writes a TNEF stream as MS-OXTNEF describes it: signature, key, then attributes with their
/// level, id, length, data and checksum (the sum of the data's bytes).
struct TNEFStream {
    private(set) var bytes: [UInt8] = [0x78, 0x9F, 0x3E, 0x22, 0x01, 0x00]

    mutating func message(_ id: UInt32, _ data: [UInt8]) { add(level: 1, id: id, data: data) }
    mutating func attachment(_ id: UInt32, _ data: [UInt8]) { add(level: 2, id: id, data: data) }

    private mutating func add(level: UInt8, id: UInt32, data: [UInt8]) {
        bytes.append(level)
        bytes += Self.littleEndian(id) + Self.littleEndian(UInt32(data.count)) + data
        let checksum = data.reduce(UInt32(0)) { $0 &+ UInt32($1) } & 0xFFFF
        bytes += [UInt8(checksum & 0xFF), UInt8(checksum >> 8)]
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
}

/// A MAPI property list (`attAttachment`, `attMsgProps`): count, then tag, value count, size, padded data.
struct MAPIProperties {
    private var count: UInt32 = 0
    private var body: [UInt8] = []

    var bytes: [UInt8] { TNEFStream.littleEndian(count) + body }

    mutating func unicode(_ id: UInt16, _ text: String) {
        add(id, type: 0x001F, text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } + [0, 0])
    }

    mutating func string8(_ id: UInt16, _ bytes: [UInt8]) { add(id, type: 0x001E, bytes + [0]) }

    mutating func binary(_ id: UInt16, _ bytes: [UInt8]) { add(id, type: 0x0102, bytes) }

    /// `PT_OBJECT`: the interface identifier, then the object's bytes.
    mutating func object(_ id: UInt16, _ bytes: [UInt8]) { add(id, type: 0x000D, bytes) }

    private mutating func add(_ id: UInt16, type: UInt16, _ value: [UInt8]) {
        count += 1
        body += TNEFStream.littleEndian(UInt32(id) << 16 | UInt32(type)) + TNEFStream.littleEndian(1)
        body += TNEFStream.littleEndian(UInt32(value.count)) + value
        body += [UInt8](repeating: 0, count: (4 - value.count % 4) % 4)
    }
}
