import ComplaintCore
import Foundation
import Routing
import Testing

@Suite("CSV rule tables: the same language as YAML, one rule per row")
struct CSVRuleTableTests {
    static let section = """
        routing:
          tables: [t]
          default: { department: citizen-services }
        """

    func load(_ csv: Data) throws -> (RoutingConfiguration?, ConfigDiagnostics) {
        let fixture = try RoutingFixture(tables: [:], files: ["routing/t.csv": csv])
        defer { fixture.remove() }
        return fixture.load(section: Self.section)
    }

    func router(_ csv: String) throws -> RuleRouter {
        let (configuration, diagnostics) = try load(Data(csv.utf8))
        #expect(diagnostics.issues.isEmpty, "\(diagnostics.issues)")
        return RuleRouter(configuration: try #require(configuration))
    }

    @Test("a CSV table decides exactly like the YAML table it transcribes")
    func sameAsYAML() throws {
        let csv = """
            id,description,channel,category,keywords_any,keywords_all,keywords_none,regex,district,address_contains,phone_prefix,email_domain,time_of_day,weekday,has_attachments,department,priority,due,tags
            night,"夜间噪音, 含施工",sms|hotline,,噪音|施工,,咨询,,,,,,22:00-06:00,,,urban-management,high,3 workdays,夜间|噪音
            west-water,,,,停水|没水,,,,西湖区,,+86571,,,,,district-west,,24h,
            order,,,投诉,,催办|工单,,工单号[0-9]{6}|GD[0-9]+,,,,,,,,water-supply,urgent,,
            mail,,email,,,,,,,文三路,,example.com,,mon|tue|wed|thu|fri,true,water-supply,,,邮件
            """
        let yaml = """
            rules:
              - id: night
                when:
                  channel: [sms, hotline]
                  keywords_any: [噪音, 施工]
                  keywords_none: [咨询]
                  time_of_day: "22:00-06:00"
                then: { department: urban-management, priority: high, due: 3 workdays, tags: [夜间, 噪音] }
              - id: west-water
                when: { keywords_any: [停水, 没水], district: [西湖区], phone_prefix: ["+86571"] }
                then: { department: district-west, due: 24h }
              - id: order
                when: { category: [投诉], keywords_all: [催办, 工单], regex: "工单号[0-9]{6}|GD[0-9]+" }
                then: { department: water-supply, priority: urgent }
              - id: mail
                when:
                  channel: email
                  address_contains: [文三路]
                  email_domain: [example.com]
                  weekday: [mon, tue, wed, thu, fri]
                  has_attachments: true
                then: { department: water-supply, tags: [邮件] }
            """
        let fromCSV = try router(csv)
        let fromYAML = try RoutingTests.router(table: yaml)
        let photo = Complaint.Attachment(filename: nil, contentType: "image/png", size: 1, sha256: "00")
        var samples: [Complaint] = []
        for channel in Channel.allCases {
            for text in ["晚上施工噪音", "咨询噪音", "停水三天", "催办工单号123456", "催办工单GD9", "路灯"] {
                for received in ["2026-11-30T15:00:00Z", "2026-11-30T03:00:00Z"] {
                    var record = complaint(text, channel: channel, category: "投诉", received: received)
                    record.location = .init(address: "西湖区文三路1号", district: "西湖区")
                    record.complainant = .init(phone: "+8657187654321", email: "a@example.com")
                    record.attachments = [photo]
                    samples.append(record)
                }
            }
        }
        var routedByRule: Set<String> = []
        for sample in samples {
            let a = fromCSV.decide(sample)
            let b = fromYAML.decide(sample)
            #expect(a.department == b.department && a.rule == b.rule && a.priority == b.priority)
            #expect(a.dueAt == b.dueAt && a.tags == b.tags)
            routedByRule.insert(a.rule)
        }
        #expect(routedByRule == ["night", "west-water", "order", "mail", "default"])
    }

    @Test("GBK files (as Excel saves them) are read; so is UTF-8 with a BOM")
    func encodings() throws {
        // "id,keywords_any,department\nw,停水|自来水,water-supply\n" in GBK.
        let gbk: [UInt8] =
            Array("id,keywords_any,department\nw,".utf8) + [205, 163, 203, 174, 124, 215, 212, 192, 180, 203, 174]
            + Array(",water-supply\n".utf8)
        let (gbkConfiguration, gbkDiagnostics) = try load(Data(gbk))
        #expect(gbkDiagnostics.issues.isEmpty)
        let routed = RuleRouter(configuration: try #require(gbkConfiguration))
        #expect(routed.decide(complaint("家里自来水发黄")).department == "water-supply")

        let bom = Data([0xEF, 0xBB, 0xBF] + Array("id,keywords_any,department\nw,停水,water-supply\n".utf8))
        let (bomConfiguration, _) = try load(bom)
        #expect(try #require(bomConfiguration).tables[0].rules[0].id == "w")
    }

    @Test("empty columns Excel writes right of the table are not columns; a value in one still is an error")
    func trailingEmptyColumns() throws {
        let routed = try router(
            "id,keywords_any,department,,\r\nw,停水,water-supply,,\r\nn,噪音,urban-management\r\n")
        #expect(routed.decide(complaint("家里停水了")).department == "water-supply")
        #expect(routed.decide(complaint("楼上噪音")).department == "urban-management")
        let (configuration, diagnostics) = try load(Data("id,keywords_any,department,\nw,停水,water-supply,x\n".utf8))
        #expect(configuration == nil)
        #expect(diagnostics.errors.contains { $0.message.contains("row has 4 cells but the header names 3 columns") })
        // The row's other errors are named with it, not after the width is fixed.
        let (_, both) = try load(Data("id,keywords_any,department\nw,停水,water-works,x\n".utf8))
        #expect(both.errors.contains { $0.message.contains("row has 4 cells") })
        #expect(both.errors.contains { $0.message.contains("water-works") }, "\(both.errors)")
    }

    @Test("quoted cells hold commas, quotes and line breaks; rows keep their physical line numbers")
    func quoting() throws {
        let csv =
            "id,description,keywords_any,department\r\n"
            + "a,\"line one\r\nline two, with \"\"quotes\"\"\",停水,water-supply\r\n"
            + "# a comment row\r\n"
            + "\r\n"
            + "b,,噪音,unknown-dept\r\n"
        let (configuration, diagnostics) = try load(Data(csv.utf8))
        #expect(configuration == nil)
        #expect(
            diagnostics.errors.map(\.description) == [
                "routing/t.csv:6:4: department: unknown department \"unknown-dept\" "
                    + "(departments.yaml defines: citizen-services, district-west, urban-management, water-supply)"
            ])
    }

    @Test("validation names file:line:column for each kind of problem")
    func validation() throws {
        let csv = """
            id,keywords_any,regex,colour,department
            a,停水,,,water-supply
            """
        let (_, header) = try load(Data(csv.utf8))
        #expect(
            header.errors.map(\.description).first?.hasPrefix("routing/t.csv:1:4: colour: unknown column \"colour\"")
                == true)

        let rows = """
            id,keywords_any,regex,weekday,department,due
            a,停水,,,water-supply,
            a,没水,,,water-supply,
            b,,([a-z,,urban-management,
            c,,,,urban-management,
            d,噪音,,someday,urban-management,
            e,噪音,,,,5 weeks
            f,噪音,,,,
            """
        let (configuration, diagnostics) = try load(Data(rows.utf8))
        #expect(configuration == nil)
        let text = diagnostics.errors.map(\.description)
        #expect(text.contains("routing/t.csv:3:1: id: duplicate rule id \"a\" (first defined on line 2)"))
        #expect(text.contains { $0.hasPrefix("routing/t.csv:4:3: regex: bad regular expression /([a-z/") })
        #expect(text.contains("routing/t.csv:5: empty rule \"c\": no condition cell is set"))
        #expect(text.contains { $0.hasPrefix("routing/t.csv:6:4: weekday: unknown weekday \"someday\"") })
        #expect(text.contains { $0.hasPrefix("routing/t.csv:7:6: due: expected hours (72h) or working days") })
        #expect(text.contains("routing/t.csv:8: rule \"f\" decides nothing: set department, priority, due or tags"))
        #expect(text.count == 6)
    }

    @Test("an unclosed quote is reported where it opens")
    func unclosedQuote() throws {
        let (_, diagnostics) = try load(Data("id,keywords_any,department\na,\"停水,water-supply\nb,x,y\n".utf8))
        #expect(
            diagnostics.errors.map(\.description) == [
                "routing/t.csv:2:2: quote opened here is never closed (the rows from here on are not checked)"
            ])
    }
}
