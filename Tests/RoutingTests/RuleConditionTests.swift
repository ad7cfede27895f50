import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("Every condition: holds when it should, fails with a reason when not")
struct RuleConditionTests {
    /// One table with one rule whose `when` is `condition`; returns whether `record` is routed by it.
    func matches(_ condition: String, _ record: Complaint) throws -> Bool {
        let table = """
            rules:
              - id: r
                when: { \(condition) }
                then: { department: water-supply }
            """
        let routed = try router(table: table)
        let decision = routed.decide(record)
        let explained = routed.decide(record, withTrace: true)
        // The fast path and the explaining path must agree on every input.
        #expect(decision.rule == explained.rule)
        #expect(decision.department == explained.department)
        if explained.rule != "r" {
            #expect(explained.trace.first?.failed?.isEmpty == false)
        }
        return decision.rule == "r"
    }

    static func with(_ text: String = "路灯坏了", _ change: (inout Complaint) -> Void) -> Complaint {
        var record = complaint(text)
        change(&record)
        return record
    }

    @Test("channel")
    func channel() throws {
        #expect(try matches("channel: [sms, hotline]", Self.with { $0.channel = .sms }))
        #expect(try !matches("channel: [sms, hotline]", Self.with { $0.channel = .email }))
    }

    @Test("adapter (case-insensitive)")
    func adapter() throws {
        #expect(try matches("adapter: [Twilio]", Self.with { $0.source.adapter = "twilio" }))
        #expect(try !matches("adapter: [twilio]", Self.with { $0.source.adapter = "12345" }))
    }

    @Test("category")
    func category() throws {
        #expect(try matches("category: [投诉, 举报]", Self.with { $0.category = "举报" }))
        #expect(try !matches("category: [投诉]", Self.with { $0.category = "咨询" }))
        #expect(try !matches("category: [投诉]", Self.with { $0.category = nil }))
    }

    @Test("keywords any / all / none, case- and width-insensitive substrings")
    func keywords() throws {
        #expect(try matches("keywords_any: [停水, 没水]", complaint("小区没水了")))
        #expect(try !matches("keywords_any: [停水, 没水]", complaint("路灯坏了")))
        #expect(try matches("keywords_any: [ABC123]", complaint("发现ａｂｃ１２３违法")))
        #expect(try matches("keywords_any: [ＷＩＦＩ]", complaint("wifi 断了")))
        #expect(try matches("keywords_all: [噪音, 夜间]", complaint("夜间施工噪音很大")))
        #expect(try !matches("keywords_all: [噪音, 夜间]", complaint("白天噪音很大")))
        #expect(try matches("keywords_none: [咨询]", complaint("噪音")))
        #expect(try !matches("keywords_none: [咨询]", complaint("咨询噪音标准")))
        #expect(try matches("keywords_any: [没水]", Self.with("请处理") { $0.subject = "三天没水" }))
    }

    @Test("regular expression on subject and text")
    func regex() throws {
        #expect(try matches(#"regex: "工单号[0-9]{6}""#, complaint("关于工单号123456的催办")))
        #expect(try !matches(#"regex: "工单号[0-9]{6}""#, complaint("关于工单号12的催办")))
        #expect(try matches(#"regex: "(?i)^urgent""#, Self.with("x") { $0.subject = "URGENT: gas" }))
    }

    @Test("district in, address contains")
    func location() throws {
        #expect(try matches("district: [西湖区]", Self.with { $0.location.district = "西湖区" }))
        #expect(try !matches("district: [西湖区]", Self.with { $0.location.district = "滨江区" }))
        #expect(try !matches("district: [西湖区]", Self.with { $0.location.district = nil }))
        // Districts compare as strings do (canonical equivalence), whether found by bytes or not.
        #expect(try matches("district: [西湖区, Café区]", Self.with { $0.location.district = "Cafe\u{301}区" }))
        #expect(try matches("district: [西湖区, Café区]", Self.with { $0.location.district = "Café区" }))
        #expect(try !matches("district: [西湖区, Café区]", Self.with { $0.location.district = "拱墅区" }))
        #expect(try matches("district: [\"Cafe\\u0301区\"]", Self.with { $0.location.district = "Café区" }))
        #expect(try matches("address_contains: [文三路]", Self.with { $0.location.address = "西湖区文三路100号" }))
        #expect(try !matches("address_contains: [文三路]", Self.with { $0.location.address = "滨盛路1号" }))
    }

    @Test("phone prefix, email domain (and subdomains)")
    func sender() throws {
        #expect(try matches("phone_prefix: [\"+86571\"]", Self.with { $0.complainant.phone = "+8657187654321" }))
        #expect(try !matches("phone_prefix: [\"+86571\"]", Self.with { $0.complainant.phone = "+8613812345678" }))
        #expect(try matches("email_domain: [example.com]", Self.with { $0.complainant.email = "a@mail.Example.com" }))
        #expect(try !matches("email_domain: [example.com]", Self.with { $0.complainant.email = "a@notexample.com" }))
        #expect(try !matches("email_domain: [example.com]", Self.with { $0.complainant.email = nil }))
    }

    @Test("time of day and weekday in the hotline's time zone (Asia/Shanghai by default)")
    func time() throws {
        // 2026-11-29 is a Sunday; 15:30Z is 23:30 in Shanghai.
        let lateSunday = complaint("x", received: "2026-11-29T15:30:00Z")
        #expect(try matches(#"time_of_day: "22:00-06:00""#, lateSunday))
        #expect(try !matches(#"time_of_day: "08:00-18:00""#, lateSunday))
        #expect(try matches("weekday: [sat, sun]", lateSunday))
        // 16:30Z on Sunday is 00:30 Monday in Shanghai.
        #expect(try matches("weekday: [mon]", complaint("x", received: "2026-11-29T16:30:00Z")))
        #expect(try matches("workday: false", lateSunday))
        #expect(try matches("workday: true", complaint("x", received: "2026-11-30T02:00:00Z")))
    }

    @Test("has attachments")
    func attachments() throws {
        let photo = Complaint.Attachment(filename: "a.jpg", contentType: "image/jpeg", size: 1, sha256: "00")
        #expect(try matches("has_attachments: true", Self.with { $0.attachments = [photo] }))
        #expect(try !matches("has_attachments: true", Self.with { $0.attachments = [] }))
        #expect(try matches("has_attachments: false", Self.with { $0.attachments = [] }))
    }

    @Test("all conditions of a rule must hold")
    func conjunction() throws {
        let rule = "channel: sms, keywords_any: [噪音], district: [西湖区]"
        #expect(
            try matches(
                rule,
                Self.with("噪音") {
                    $0.channel = .sms
                    $0.location.district = "西湖区"
                }))
        #expect(
            try !matches(
                rule,
                Self.with("噪音") {
                    $0.channel = .sms
                    $0.location.district = "滨江区"
                }))
    }
}
