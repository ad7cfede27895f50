import HotlineCSVAdapter
import Testing

@Suite("CSV tokenizer memory")
struct CSVTokenizerMemoryTests {
    /// A deterministic stream of call-log rows of varied lengths (the allocator's reuse of blocks
    /// of many sizes is what made field arrays grow before).
    static func rows(_ count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var bytes = utf8("工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,通话时长\r\n")
        for index in 0..<count {
            let text = String(repeating: "诉求", count: 1 + next(200))
            let address = String(repeating: "a", count: 1 + next(80))
            bytes += utf8(
                "GD\(index),2026/11/01 00:00:01,13764829825,孟女士,求助,\"\(text)\",\(address),ZX1056,\(next(900))\r\n")
        }
        return bytes
    }

    @Test("records held while later ones are read keep arrays sized to their fields, however long the file")
    func fieldArraysDoNotGrow() throws {
        let file = Self.rows(30_000)
        let reader = try CSVFileReader(encoding: .utf8)
        // Hold a window of records the way the importer holds rows until their batch commits.
        var held: [CSVRecord] = []
        var largest = 0
        var offset = 0
        while offset < file.count {
            let end = min(file.count, offset + (1 << 16))
            file[offset..<end].withUnsafeBytes { chunk in
                reader.feed(chunk) { record in
                    largest = max(largest, record.fields.capacity)
                    held.append(record)
                    if held.count > 4000 { held.removeFirst(2000) }
                }
            }
            offset = end
        }
        #expect(largest <= 16, "a 9-field record was handed out in an array of \(largest) slots")
    }
}
