import ComplaintCore
import Foundation
import Testing

@Suite("complaint/v1 encoding")
struct ComplaintJSONTests {
    static let sample: Complaint = {
        let received = RFC3339.parse("2026-11-29T09:12:03Z")!
        return Complaint(
            id: "cmp_01JD8Q3W6T7Y2N4K9M0P5R8S1V", channel: .sms, receivedAt: received, ingestedAt: received,
            source: .init(
                adapter: "twilio", externalID: "SM1f0e", rawID: "raw_01JD8Q3W6T7Y2N4K9M0P5R8S1W",
                extra: ["NumMedia": .string("0"), "count": .number(2)]),
            complainant: .init(phone: "+8613812345678"),
            text: "晚上11点还在施工,噪音很大\n\"引号\"",
            attachments: [.init(filename: "photo.jpg", contentType: "image/jpeg", size: 48213, sha256: "ab")],
            routing: .init(
                department: "urban-management", priority: .normal,
                dueAt: RFC3339.parse("2026-12-02T09:12:03Z"), rule: "noise-night", table: "keywords"))
    }()

    @Test("fields, order, nulls and times exactly as documented")
    func exactBytes() {
        let json = String(decoding: ComplaintJSON.encode(Self.sample), as: UTF8.self)
        #expect(
            json == #"""
                {"schema":"complaint/v1","id":"cmp_01JD8Q3W6T7Y2N4K9M0P5R8S1V","channel":"sms","received_at":"2026-11-29T09:12:03Z","ingested_at":"2026-11-29T09:12:03Z","occurred_at":null,"source":{"adapter":"twilio","external_id":"SM1f0e","raw_id":"raw_01JD8Q3W6T7Y2N4K9M0P5R8S1W","extra":{"NumMedia":"0","count":2}},"complainant":{"name":null,"phone":"+8613812345678","email":null,"anonymous":false},"subject":null,"text":"晚上11点还在施工,噪音很大\n\"引号\"","category":null,"location":{"address":null,"district":null,"lat":null,"lon":null},"attachments":[{"filename":"photo.jpg","content_type":"image/jpeg","size":48213,"sha256":"ab"}],"thread":{"in_reply_to":null,"references":[]},"routing":{"department":"urban-management","priority":"normal","due_at":"2026-12-02T09:12:03Z","rule":"noise-night","table":"keywords"}}
                """#)
    }

    @Test("decoding what was encoded gives the same record")
    func roundTrip() throws {
        #expect(try ComplaintJSON.decode(ComplaintJSON.encode(Self.sample)) == Self.sample)
    }

    @Test("the writer escapes control characters and keeps non-ASCII text as UTF-8")
    func escaping() throws {
        var writer = JSONWriter()
        writer.value("a\u{01}b\\c/d\t中")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""a\u0001b\\c/d\t中""#)
        let parsed = try JSONSerialization.jsonObject(with: writer.data, options: .fragmentsAllowed) as? String
        #expect(parsed == "a\u{01}b\\c/d\t中")
    }

    @Test("escapes at the start, the end and side by side, between runs of plain text")
    func escapingRuns() throws {
        for text in ["\"", "\"\"", "\n中文\r", "引号\"在中间\"", "\u{1F}\u{00}x", "末尾\\", "", "纯文本没有转义"] {
            var writer = JSONWriter()
            writer.value(text)
            let parsed = try JSONSerialization.jsonObject(with: writer.data, options: .fragmentsAllowed) as? String
            #expect(parsed == text)
        }
    }

    @Test("every character that must be escaped is, at every offset of the eight-byte scan")
    func escapingAtEveryOffset() throws {
        let specials = (0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) } + ["\"", "\\"]
        let fillers = ["a", "中", "é", "😀", "~", "\u{7F}"]
        for special in specials {
            for filler in fillers {
                for offset in 0..<20 {
                    let text =
                        String(repeating: filler, count: offset) + String(special)
                        + String(repeating: filler, count: 19 - offset)
                    var writer = JSONWriter()
                    writer.value(text)
                    let parsed = try JSONSerialization.jsonObject(with: writer.data, options: .fragmentsAllowed)
                    #expect(
                        parsed as? String == text, "\(special.unicodeScalars.first!.value) after \(offset) × \(filler)")
                    #expect(!writer.bytes.contains { $0 < 0x20 })
                }
            }
        }
    }

    @Test("names from the code are written as they are; names from data are escaped")
    func keys() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("来电号码", "x")
        writer.key(escaping: "a\"b\n")
        writer.value(1)
        writer.key("z")
        writer.null()
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"来电号码":"x","a\"b\n":1,"z":null}"#)
        let parsed = try JSONSerialization.jsonObject(with: writer.data) as? [String: Any]
        #expect(parsed?["a\"b\n"] as? Int == 1)
    }

    @Test("members are separated by commas at every depth, including past 64 levels")
    func deepNesting() throws {
        var value = JSONValue.array([.number(1), .string("x")])
        for level in 0..<100 {
            value = level.isMultiple(of: 2) ? .object(["a": value, "b": .null]) : .array([value, .bool(true)])
        }
        var writer = JSONWriter()
        writer.beginArray()
        writer.value(value)
        writer.value(value)
        writer.endArray()
        let parsed = try JSONSerialization.jsonObject(with: writer.data) as? [Any]
        #expect(parsed?.count == 2)
        let one = Self.reference(value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[\(one),\(one)]")
    }

    /// The same serialization, written plainly.
    private static func reference(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): String(Int(number))
        case .string(let text): "\"\(text)\""
        case .array(let items): "[" + items.map(reference).joined(separator: ",") + "]"
        case .object(let fields):
            "{" + fields.keys.sorted().map { "\"\($0)\":" + reference(fields[$0]!) }.joined(separator: ",") + "}"
        }
    }
}
