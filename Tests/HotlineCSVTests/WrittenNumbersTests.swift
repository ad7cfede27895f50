import ComplaintCore
import HotlineCSVAdapter
import Testing

/// Ticket ids, phone numbers and call times as exports and spreadsheets write them besides plain
/// text: in number formats, as floats, in another locale's notation, with invisible marks.
@Suite struct WrittenNumbersTests {
    private func rows(ticket: String = "GD1", time: String = "2026/11/3 8:15", phone: String = "13812345678")
        throws -> [HotlineRowResult]
    {
        let file = RowMapperTests.header + "\"\(ticket)\",\"\(time)\",\"\(phone)\",,投诉,text,addr,ZX1,65,\r\n"
        return try mapFile(utf8(file))
    }

    /// One numeric id written as Excel, pandas, a number format or a web page left it.
    @Test(arguments: [
        "20261103001", "20261103001.00", "20261103001.000", "20,261,103,001", "'20261103001", "\u{200B}20261103001",
        "\u{202A}20261103001\u{202C}", "2.0261103001E+10",
    ])
    func theSameIdWrittenAnotherWayIsTheSameTicket(written: String) throws {
        let row = try #require(try rows(ticket: written).first?.row)
        #expect(row.ticket == "20261103001")
        #expect(row.draft.source.externalID == "20261103001")
    }

    @Test func invisibleMarksAroundATextIdAreDropped() throws {
        #expect(try rows(ticket: "\u{200B}GD002").first?.row?.ticket == "GD002")
        #expect(try rows(ticket: "\u{200E}GD002\u{200F}").first?.row?.ticket == "GD002")
    }

    /// A European-locale Excel writes a decimal comma; Java's Double.toString and a script's float
    /// no exponent sign. The digits are lost either way: rows would share one id.
    @Test(arguments: [
        ("2,02611E+17", "was mangled by Excel"),
        ("2.02611E17", "was written as a floating-point number by a script or export"),
        ("2.02611e17", "was written as a floating-point number by a script or export"),
    ])
    func aScientificIdWithLostDigitsRejectsItsRow(written: String, culprit: String) throws {
        let rejection = try #require(try rows(ticket: written).first?.rejection)
        #expect(
            rejection.reason.hasPrefix("ticket id \"\(written)\" \(culprit) (scientific notation), its digits are lost")
        )
    }

    @Test func aShortIdWithAnExponentAndNoFractionIsAnId() throws {
        #expect(try rows(ticket: "2E5").first?.row?.ticket == "2E5")
    }

    @Test(arguments: [
        "'13812345678", "13,812,345,678", "\u{202D}13812345678\u{202C}", "\u{202A}+86 138 1234 5678\u{202C}",
        "\u{200E}13812345678", "13812345678.00",
    ])
    func aPhoneWrittenAnotherWayIsRead(written: String) throws {
        let row = try #require(try rows(phone: written).first?.row)
        #expect(row.draft.complainant.phone == "+8613812345678")
        #expect(row.warnings.isEmpty)
    }

    @Test func aPhoneInScientificNotationWithADecimalCommaIsWarnedAsLost() throws {
        let row = try #require(try rows(phone: "1,38123E+10").first?.row)
        #expect(row.draft.complainant.phone == nil)
        #expect(row.warnings == ["phone \"1,38123E+10\" was mangled by Excel; digits lost"])
    }

    private func duration(_ written: String) throws -> JSONValue? {
        let file = RowMapperTests.header + "GD1,2026/11/3 8:15,13812345678,,投诉,text,addr,ZX1,\"\(written)\",\r\n"
        return try mapFile(utf8(file)).first?.row?.draft.source.extra["duration_s"]
    }

    /// Whole seconds as a number format shows them, in a comma or a semicolon (European) file.
    @Test(arguments: [
        ("95", 95), ("95.0", 95), ("95,0", 95), ("95,00", 95), ("1,234", 1234), ("1,234.00", 1234),
        ("1.234,0", 1234), ("1.234.567", 1_234_567), ("1 234", 1234), ("1\u{00A0}234", 1234), ("1\u{202F}234,0", 1234),
    ])
    func aWholeNumberInANumberFormat(written: String, seconds: Int) throws {
        #expect(try duration(written) == .number(Double(seconds)))
    }

    /// Decimals, or separators that do not group by three, are no whole number: the row is sent back.
    @Test(arguments: [
        "1.234", "95.5", "95,5", "1,23", "1,234,0", "1.234,5", "1 23", ",95", "95,", "1,,234", "1.234 567",
    ])
    func notAWholeNumber(written: String) throws {
        #expect(try duration(written) == nil)
    }

    /// Full-width digits and colons from a Chinese input method, direction marks, a float.
    @Test(arguments: [
        ("2026/11/3 8：15", "2026-11-03T00:15:00Z"), ("2026/11/3 8：15：02", "2026-11-03T00:15:02Z"),
        ("２０２６/１１/３ ８:１５", "2026-11-03T00:15:00Z"), ("\u{200E}2026/11/3 8:15", "2026-11-03T00:15:00Z"),
        ("2026/11/3 8:15\u{200F}", "2026-11-03T00:15:00Z"), ("20261103081502.0", "2026-11-03T00:15:02Z"),
    ])
    func aCallTimeWrittenAnotherWayIsRead(written: String, utc: String) throws {
        let row = try #require(try rows(time: written).first?.row)
        #expect(RFC3339.format(row.draft.receivedAt) == utc)
    }
}
