import ComplaintCore
import HotlineCSVAdapter
import Testing

@Suite("Encodings")
struct EncodingTests {
    /// `工单编号,姓名\r\nGD1,王\r\n` in GBK, byte by byte.
    static let gbkFile = hex("b9a4b5a5b1e0bac5 2c d0d5c3fb 0d0a 474431 2c cdf5 0d0a")

    @Test(
        "GBK built byte by byte reads as GB18030, with characters cut at any chunk boundary",
        arguments: [1, 2, 3, 5, 4096])
    func gbk(chunk: Int) throws {
        let records = try readRecords(Self.gbkFile, encoding: .gb18030, chunk: chunk)
        #expect(records.map(\.fields) == [["工单编号", "姓名"], ["GD1", "王"]])
    }

    @Test("detection: byte-order mark, then UTF-8 (strict, or with a little damage), then GB18030")
    func detection() {
        func validated(_ bytes: [UInt8], chunk: Int = 4096) -> UTF8Validator {
            var validator = UTF8Validator()
            var start = 0
            while start < bytes.count {
                bytes[start..<min(bytes.count, start + chunk)].withUnsafeBytes { validator.update($0) }
                start += chunk
            }
            validator.finish()
            return validator
        }
        #expect(CSVEncoding.detect(prefix: [0xEF, 0xBB, 0xBF, 0x61], utf8: validated([0xFF])) == .utf8)
        #expect(CSVEncoding.detect(prefix: [0xFF, 0xFE, 0x61, 0x00], utf8: validated([0xFF])) == .utf16LE)
        #expect(CSVEncoding.detect(prefix: utf8("工单"), utf8: validated(utf8("工单"))) == .utf8)
        let gbk = validated(Self.gbkFile)
        #expect(!gbk.isValid && !gbk.isDamagedUTF8)
        #expect(CSVEncoding.detect(prefix: Self.gbkFile, utf8: gbk) == .gb18030)
        // A UTF-8 file with one byte lost in a row (the last byte of 号), in pieces of any size:
        // UTF-8 still, not GB18030 mojibake from its header on.
        let file = utf8("工单编号,诉求内容\r\nGD1,小区门口垃圾桶三天没人清理\r\nGD2,文三路100号路灯坏了\r\n")
        let lost = file.firstIndex(of: 0x30)! + 4
        let damaged = Array(file[..<lost] + file[(lost + 1)...])
        for chunk in [1, 2, 3, 7, 4096] {
            let validator = validated(damaged, chunk: chunk)
            #expect(!validator.isValid && validator.isDamagedUTF8)
            #expect(CSVEncoding.detect(prefix: Array(damaged.prefix(4)), utf8: validator) == .utf8)
        }
        // A GBK file gives up early: its verdict does not need the whole file read.
        var early = UTF8Validator()
        (Self.gbkFile + Self.gbkFile + Self.gbkFile).withUnsafeBytes { early.update($0) }
        #expect(!early.mayBeUTF8)
    }

    @Test("strict UTF-8: overlongs, surrogates and cut sequences are not UTF-8")
    func strictUTF8() {
        func valid(_ bytes: [UInt8]) -> Bool {
            var validator = UTF8Validator()
            bytes.withUnsafeBytes { validator.update($0) }
            validator.finish()
            return validator.isValid
        }
        #expect(valid(utf8("plain ascii, and 中文 and emoji 😀")))
        #expect(!valid([0xC0, 0xAF]))
        #expect(!valid([0xED, 0xA0, 0x80]))
        #expect(!valid([0xE4, 0xB8]))
        #expect(!valid([0xF4, 0x90, 0x80, 0x80]))
    }

    @Test("a UTF-8 byte-order mark is dropped from the first header")
    func utf8BOM() throws {
        let records = try readRecords([0xEF, 0xBB, 0xBF] + utf8("工单编号,b\n1,2\n"), chunk: 1)
        #expect(records[0].fields == ["工单编号", "b"])
    }

    @Test("invalid GB18030 bytes become U+FFFD and are counted")
    func invalidGB18030() throws {
        let reader = try CSVFileReader(encoding: .gb18030)
        var records: [CSVRecord] = []
        ([0x61, 0x2C, 0xFF, 0x0A] as [UInt8]).withUnsafeBytes { reader.feed($0) { records.append($0) } }
        reader.finish { records.append($0) }
        #expect(records.first?.fields == ["a", "\u{FFFD}"])
        #expect(reader.replacements == 1)
    }

    @Test("0x80 in a GBK file is the euro sign of code page 936 (Excel and WPS on a Chinese Windows)")
    func euroByte() throws {
        let reader = try CSVFileReader(encoding: .gb18030)
        var records: [CSVRecord] = []
        // 网购100€ then the text 你
        let bytes = hex("cdf8b9ba313030802cc4e30a")
        bytes.withUnsafeBytes { reader.feed($0) { records.append($0) } }
        reader.finish { records.append($0) }
        #expect(records.first?.fields == ["网购100€", "你"])
        #expect(reader.replacements == 0)
    }

    @Test("UTF-8 text goes back to GB18030 for the rejected-rows file")
    func encodeBack() throws {
        #expect(try Transcoder.encoder(for: .gb18030).convert(utf8("工单编号")) == hex("b9a4b5a5b1e0bac5"))
    }
}
