import ComplaintCore
import Foundation
import HotlineCSVAdapter
import Testing

/// Mistakes an admin writing a profile for a new vendor's export makes, each refused (or warned
/// about) by `config check` with the file's line, instead of a profile that stores wrong data.
@Suite("Profile mistakes")
struct ProfileMistakesTests {
    /// Reads `yaml` as `hotline/t.yaml`: the profile (nil when refused) and every issue's text.
    private func load(_ yaml: String) -> (profile: HotlineProfile?, errors: [String], warnings: [String]) {
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode.parse(
            yaml: yaml, displayName: "hotline/t.yaml", diagnostics: diagnostics, environment: [:])
        let profile = HotlineProfileLoader.read(root, name: "t")
        return (profile, diagnostics.errors.map(\.description), diagnostics.warnings.map(\.description))
    }

    private func profile(timeZone: String) -> String {
        """
        time_zone: "\(timeZone)"
        columns:
          ticket_id: 工单编号
          call_time: 来电时间
          text: 诉求内容
        """
    }

    @Test(
        "abbreviations and offsets are refused with the region meant",
        arguments: [
            ("CST", "\"CST\" is an abbreviation, not a time zone: for China Standard Time write Asia/Shanghai; "),
            ("EST", "for US Eastern time write America/New_York (EST ignores summer time)"),
            ("UTC+8", "\"UTC+8\" is a fixed offset, which never follows daylight saving"),
            ("GMT+08:00", "\"GMT+08:00\" is a fixed offset"),
            ("+0800", "\"+0800\" is a fixed offset"),
            ("asia/shanghai", "unknown time zone \"asia/shanghai\": names are case-sensitive, write Asia/Shanghai"),
            ("America/NewYork", "unknown time zone \"America/NewYork\" (write an IANA region name"),
        ])
    func refusedZones(name: String, message: String) {
        let loaded = load(profile(timeZone: name))
        #expect(loaded.profile == nil)
        #expect(
            loaded.errors.contains { $0.hasPrefix("hotline/t.yaml:1: time_zone: ") && $0.contains(message) },
            "\(loaded.errors)")
    }

    @Test("a type on a record field is refused with its line: only columns kept in source.extra take one")
    func typeOnRecordFields() {
        let loaded = load(
            """
            columns:
              ticket_id: 工单编号
              call_time: 来电时间
              text: 诉求内容
              lat: { header: 纬度, type: integer }
              lon: { header: 经度, type: text }
              phone: { header: 来电号码, type: duration }
              duration_s: { header: 通话时长, type: duration }
            """)
        #expect(loaded.profile == nil)
        #expect(
            loaded.errors == [
                "hotline/t.yaml:5: columns.lat.type: only a column kept in source.extra (such as duration_s) takes a "
                    + "type: lat is always read as decimal degrees",
                "hotline/t.yaml:7: columns.phone.type: only a column kept in source.extra (such as duration_s) takes "
                    + "a type: phone is always read as a phone number",
            ], "\(loaded.errors)")
    }

    @Test("region names and UTC are taken; Etc/GMT+8 is taken with a warning that it is UTC−8")
    func takenZones() throws {
        for name in ["Asia/Shanghai", "America/New_York", "UTC", "Etc/UTC"] {
            let loaded = load(profile(timeZone: name))
            let zone = try #require(loaded.profile?.timeZone, "\(name): \(loaded.errors)")
            #expect(name.contains("/") ? zone.identifier == name : zone.secondsFromGMT(for: Date()) == 0)
            #expect(loaded.warnings.isEmpty)
        }
        let etc = load(profile(timeZone: "Etc/GMT+8"))
        #expect(etc.profile?.timeZone.secondsFromGMT(for: Date()) == -8 * 3600)
        #expect(etc.warnings.contains { $0.contains("Etc/GMT+8 is UTC−8: the sign of Etc/GMT names is reversed") })
    }

    @Test("a category map's target must be a category, and two values that compare equal are refused")
    func categoryMap() {
        let loaded = load(
            """
            columns: { ticket_id: 工单编号, call_time: 来电时间, text: 诉求内容, category: 问题分类 }
            categories:
              "01-城市管理": 城市管理
              "02-环境保护": 投拆
              "01 - 城市管理": 举报
              Noise: 投诉
              "NOISE ": 建议
            """)
        #expect(loaded.profile == nil)
        #expect(
            loaded.errors == [
                "hotline/t.yaml:3: categories.01-城市管理: \"城市管理\" is not a category (投诉, 举报, 咨询, 求助, 建议)",
                "hotline/t.yaml:4: categories.02-环境保护: \"投拆\" is not a category (投诉, 举报, 咨询, 求助, 建议)",
                "hotline/t.yaml:5: categories.01 - 城市管理: \"01 - 城市管理\" is the same file value as \"01-城市管理\" (line 3): "
                    + "values compare ignoring case, spaces, _ and -",
                "hotline/t.yaml:7: categories.NOISE : \"NOISE \" is the same file value as \"Noise\" (line 6): "
                    + "values compare ignoring case, spaces, _ and -",
            ], "\(loaded.errors)")
    }

    @Test("without a category map, a value that is a category is taken and any other goes to source.extra")
    func noCategoryMap() throws {
        let loaded = load("columns: { ticket_id: 工单编号, call_time: 来电时间, text: 诉求内容, category: 问题分类 }")
        let profile = try #require(loaded.profile)
        let rows = try mapFile(
            utf8("工单编号,来电时间,问题分类,诉求内容\n1,2026/11/3 8:15,投诉,a\n2,2026/11/3 8:15,01-城市管理,b\n"),
            profile: profile
        ).compactMap(\.row)
        #expect(rows.map(\.draft.category) == ["投诉", nil])
        #expect(rows[1].draft.source.extra["category"] == .string("01-城市管理"))
    }

    @Test("keys that name a field wrongly are refused; a key that looks like an unfed field is warned about")
    func fieldKeys() {
        let loaded = load(
            """
            columns:
              ticket_id: 工单编号
              call_time: 来电时间
              Text: 反映内容
              adress: 事发地址
              location.district: 所属区县
              complainant_phone_raw: 原始号码
              phone_number: 主叫号码
              agent: 坐席
            """)
        #expect(loaded.profile == nil)
        #expect(
            loaded.errors == [
                "hotline/t.yaml:4: columns.Text: write text in lower case: \"Text\" would go to source.extra, leaving text empty",
                "hotline/t.yaml:6: columns.location.district: \"location.district\" is not a profile field: keys are plain, write district",
                "hotline/t.yaml:7: columns.complainant_phone_raw: complainant_phone_raw is the source.extra key where the gateway "
                    + "keeps a phone number's raw form or extension: name this column otherwise",
            ], "\(loaded.errors)")
        #expect(
            loaded.warnings == [
                "hotline/t.yaml:5: warning: columns.adress: \"adress\" goes to source.extra.adress, and no column feeds address: did you mean address?",
                "hotline/t.yaml:8: warning: columns.phone_number: \"phone_number\" goes to source.extra.phone_number, and no column feeds phone: "
                    + "did you mean phone?",
            ], "\(loaded.warnings)")
    }

    @Test("a profile with no text column is refused, naming the key that looks like it")
    func noText() {
        let loaded = load("columns: { ticket_id: 工单编号, call_time: 来电时间, content: 诉求内容 }")
        #expect(loaded.profile == nil)
        #expect(
            loaded.errors == [
                "hotline/t.yaml:1: columns: a profile needs a text column (the complaint itself): did you mean text where it says \"content\"?"
            ], "\(loaded.errors)")
    }

    @Test("an empty header or alias is refused: it would bind blank header cells")
    func emptyAlias() {
        let loaded = load(
            """
            columns:
              ticket_id: 工单编号
              call_time: { header: 来电时间, aliases: [""] }
              text: { header: 反映内容, aliases: [" "] }
            """)
        #expect(loaded.profile == nil)
        #expect(
            loaded.errors == [
                "hotline/t.yaml:3: columns.call_time: a header or alias must not be empty (found \"\")",
                "hotline/t.yaml:4: columns.text: a header or alias must not be empty (found \" \")",
            ], "\(loaded.errors)")
    }

    @Test(
        "Java, .NET and Excel pattern habits are refused with what to write instead",
        arguments: [
            ("yyyy-MM-dd'T'HH:mm:ss.SSS", "quotes are not part of a pattern: write T and other text as it is"),
            ("yyyy/MM/dd HH:mm:ss zzz", "\"z\" (a time zone) is not a pattern letter"),
            ("YYYY-MM-DD HH:mm:ss", "\"Y\" is not a pattern letter: the year is yyyy (or yy)"),
            ("yyyy-MM-dd hh:mm tt", "\"t\" is not a pattern letter: AM/PM (and 上午/下午) is a"),
            ("yyyy-MM-dd HH:mm:ss.fff", "\"f\" is not a pattern letter: a fraction of a second is S"),
            ("EEE yyyy-MM-dd HH:mm", "\"E\" (a weekday name) is not a pattern letter"),
            ("yyyy-MM-dd HH:mm Uhr", "\"U\" is not a pattern letter (use yyyy"),
        ])
    func foreignPatterns(pattern: String, message: String) {
        if case .failure(let failure) = CallTimeFormat.compile(pattern) {
            #expect(failure.message.hasPrefix(message), "\(failure.message)")
        } else {
            Issue.record("\(pattern) compiled")
        }
    }

    @Test("every mistake of a pattern is said at once, with h written for a 24-hour hour among them")
    func everyMistakeAtOnce() {
        guard case .failure(let failure) = CallTimeFormat.compile("YYYY-MM-DD hh:mm") else {
            Issue.record("compiled")
            return
        }
        #expect(
            failure.message
                == "\"Y\" is not a pattern letter: the year is yyyy (or yy); \"D\" is not a pattern letter: the day is "
                + "d or dd; h is the hour of a 12-hour clock and needs a (AM/PM): a 24-hour hour is H")
    }

    @Test("a header listed twice for one column, or an empty value listed twice, is said so at its line")
    func listedTwice() {
        let loaded = load(
            """
            columns:
              ticket_id: { header: 工单编号, aliases: [编号, 编号] }
              call_time:
                header: 来电日期
                time_header: 时刻
                time_aliases:
                  - 来电时刻
                  - 时刻
              text: 诉求内容
            empty_values: [无, "无 "]
            """)
        #expect(
            loaded.errors == [
                "hotline/t.yaml:2: columns.ticket_id: header \"编号\" is listed twice for ticket_id",
                "hotline/t.yaml:8: columns.call_time.time_aliases[1]: header \"时刻\" is listed twice for call_time's "
                    + "time_header",
            ], "\(loaded.errors)")
        #expect(
            loaded.warnings == [
                "hotline/t.yaml:10: warning: empty_values[1]: \"无 \" is listed twice (values compare ignoring case, spaces, _ and -)"
            ], "\(loaded.warnings)")
    }

    @Test("the shipped patterns, with their T and 年月日, still compile")
    func shippedPatternsCompile() throws {
        for pattern in HotlineProfileLoader.defaultDateFormats + ["yyyy-M-dTH:mm[:ss[.S]]", "M/d/yyyy h:mm[:ss] a"] {
            #expect((try? CallTimeFormat.compile(pattern).get()) != nil, "\(pattern)")
        }
    }
}
