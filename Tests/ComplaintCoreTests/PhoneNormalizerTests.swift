import ComplaintCore
import Testing

/// The phone rules, one table per rule, each row an input and the result it must give.
struct PhoneNormalizerTests {
    let normalizer = PhoneNormalizer()

    @Test(arguments: [
        // Chinese mobiles, with every prefix and separator the channels send.
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("138.1234.5678", "+8613812345678"),
        ("(138) 1234 5678", "+8613812345678"),
        ("+8613812345678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("+86 (138) 1234-5678", "+8613812345678"),
        ("0086 138 1234 5678", "+8613812345678"),
        ("008613812345678", "+8613812345678"),
        ("86-13812345678", "+8613812345678"),
        ("8613812345678", "+8613812345678"),
        ("86 138 1234 5678", "+8613812345678"),
        ("  13812345678\t", "+8613812345678"),
        ("19912345678", "+8619912345678"),
        // Full-width digits, plus, parentheses and spaces from Chinese IMEs; NBSP from the web.
        ("１３８１２３４５６７８", "+8613812345678"),
        ("＋８６　１３８　１２３４　５６７８", "+8613812345678"),
        ("（０５７１）８７６５４３２１", "+8657187654321"),
        ("138\u{00A0}1234\u{00A0}5678", "+8613812345678"),
        ("\u{3000}13812345678\u{3000}", "+8613812345678"),
        ("138–1234–5678", "+8613812345678"),
        // A switchboard's log of a mobile from another city: dialled with the trunk 0.
        ("013812345678", "+8613812345678"),
        ("0138-1234-5678", "+8613812345678"),
    ])
    func chineseMobiles(input: String, expected: String) {
        #expect(normalizer.normalize(input) == .e164(expected))
    }

    @Test(arguments: [
        // Area code 0571 (three digits after the trunk 0), 010 and 02X (two digits).
        ("0571-87654321", "+8657187654321"),
        ("0571 8765 4321", "+8657187654321"),
        ("(0571) 8765 4321", "+8657187654321"),
        ("057187654321", "+8657187654321"),
        ("0311-8765432", "+863118765432"),
        ("010-62345678", "+861062345678"),
        ("01062345678", "+861062345678"),
        ("021-62345678", "+862162345678"),
        ("020 8888 8888", "+862088888888"),
        // With the country code the trunk 0 is omitted, or still written and tolerated.
        ("+86 571 8765 4321", "+8657187654321"),
        ("+86 (0)571 87654321", "+8657187654321"),
        ("+86-0571-87654321", "+8657187654321"),
        ("+86 10 6234 5678", "+861062345678"),
        ("0086 21 6234 5678", "+862162345678"),
        ("86 571 87654321", "+8657187654321"),
        ("86-0571-87654321", "+8657187654321"),
    ])
    func chineseLandlines(input: String, expected: String) {
        #expect(normalizer.normalize(input) == .e164(expected))
    }

    @Test(
        arguments: [
            ("0571-87654321-8001", "+8657187654321", "8001"),
            ("0571-87654321(8001)", "+8657187654321", "8001"),
            ("(0571)87654321（8001）", "+8657187654321", "8001"),
            ("0571-8765-4321-8001", "+8657187654321", "8001"),
            ("010-62345678-1", "+861062345678", "1"),
            ("0571-87654321转8001", "+8657187654321", "8001"),
            ("0571 87654321 转 8001", "+8657187654321", "8001"),
            ("0571-87654321 ext 8001", "+8657187654321", "8001"),
            ("0571-87654321 Ext. 8001", "+8657187654321", "8001"),
            ("0571-87654321 EXT8001", "+8657187654321", "8001"),
            ("0571-87654321x8001", "+8657187654321", "8001"),
            ("0571-87654321分机8001", "+8657187654321", "8001"),
            ("0571-87654321 分机：66", "+8657187654321", "66"),
            ("0571-87654321 ext: 12", "+8657187654321", "12"),
            ("0571-87654321 X 8001", "+8657187654321", "8001"),
            ("+86 571 87654321 ext 12", "+8657187654321", "12"),
            ("+1 415 555 2671 x 123", "+14155552671", "123"),
            ("0571-87654321", "+8657187654321", nil),
            ("138-1234-5678", "+8613812345678", nil),
        ] as [(String, String, String?)])
    func extensionsComeApart(input: String, expected: String, phoneExtension: String?) {
        // E.164 has no extensions: the number is without it, and the extension comes beside it.
        #expect(normalizer.normalize(input) == .e164(expected))
        let parsed = normalizer.parse(input)
        #expect(parsed.result == .e164(expected))
        #expect(parsed.extension == phoneExtension)
    }

    @Test(arguments: [
        ("+1 415 555 2671", "+14155552671"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("001 415 555 2671", "+14155552671"),
        ("00441234567890", "+441234567890"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+49 30 12345678", "+493012345678"),
        ("+85221234567", "+85221234567"),
        ("+123456789012345", "+123456789012345"),
    ])
    func otherCountries(input: String, expected: String) {
        #expect(normalizer.normalize(input) == .e164(expected))
    }

    @Test(arguments: ["", " ", "  ", "\t\n", "\u{3000}", "\u{00A0} \u{3000}"])
    func blankIsEmpty(input: String) {
        #expect(normalizer.normalize(input) == .empty)
    }

    @Test(arguments: [
        "匿名", "anonymous", "Anonymous", "ANONYMOUS", "withheld", "Withheld", "private", "PRIVATE",
        "unknown", "Unknown", "未知", "restricted", "Restricted", "无主叫号码", "隐藏", "  匿名  ",
    ])
    func withheldMarkers(input: String) {
        #expect(normalizer.normalize(input) == .withheld)
    }

    @Test(arguments: [
        // Service short numbers.
        ("12345", "12345"),
        ("95598", "95598"),
        ("110", "110"),
        // Excel scientific notation is never expanded: the digits are already lost.
        ("1.38123E+10", "1.38123E+10"),
        ("1.38123e+10", "1.38123e+10"),
        ("1.38123E10", "1.38123E10"),
        // Not numbers at all, or numbers broken in ways we will not guess at.
        ("abc", "abc"),
        (" abc ", "abc"),
        ("call me", "call me"),
        ("---", "---"),
        ("+", "+"),
        ("12812345678", "12812345678"),  // no mobile starts 12
        ("1381234567", "1381234567"),  // 10 digits
        ("138123456789", "138123456789"),  // 12 digits
        ("02112345678", "02112345678"),  // subscriber starts with 1
        ("021-02345678", "021-02345678"),  // subscriber starts with 0
        ("0571-876543", "0571-876543"),  // 6-digit subscriber
        ("0571-876543210", "0571-876543210"),  // 9-digit subscriber
        ("57187654321", "57187654321"),  // landline without trunk 0 or country code
        ("011-62345678", "011-62345678"),  // no area code 11
        ("02-2345-6789", "02-2345-6789"),  // Taipei: two-digit area codes have 8-digit numbers here
        ("010-6234567", "010-6234567"),  // Beijing numbers have 8 digits
        ("86", "86"),
        ("8612345", "8612345"),
        ("+86 12345", "+86 12345"),
        ("+8612812345678", "+8612812345678"),
        ("+86 571 876543", "+86 571 876543"),
        ("13812345678-8001", "13812345678-8001"),  // mobiles have no extensions
        ("13812345678 ext 8001", "13812345678 ext 8001"),
        ("0571-87654321-1234567", "0571-87654321-1234567"),  // 7-digit "extension"
        ("0571-87654321 ext", "0571-87654321 ext"),
        ("0571-87654321 ex 12", "0571-87654321 ex 12"),
        ("0571-87654321 x 1 x 2", "0571-87654321 x 1 x 2"),
        ("x 8001", "x 8001"),
        ("0571-87654321分8001", "0571-87654321分8001"),  // 分 alone is no marker
        ("0571-87654321 分机", "0571-87654321 分机"),
        ("0571-87654321:8001", "0571-87654321:8001"),  // a colon only after a marker
        ("分机8001", "分机8001"),
        ("138+12345678", "138+12345678"),
        ("++8613812345678", "++8613812345678"),
        ("138/1234/5678", "138/1234/5678"),
        // International numbers: at most 15 digits, at least 8, no leading zero.
        ("+1234567", "+1234567"),
        ("+1234567890123456", "+1234567890123456"),
        ("+0441234567890", "+0441234567890"),
        ("0001234567890", "0001234567890"),
        // Only a Chinese landline's length rules make a trailing dash group safe to drop.
        ("+44 20 7946 0958-1234", "+44 20 7946 0958-1234"),
        ("1234567890123456789012345678", "1234567890123456789012345678"),
    ])
    func invalidKeepsTrimmedInput(input: String, expected: String) {
        #expect(normalizer.normalize(input) == .invalid(expected))
    }

    @Test(arguments: [
        ("202-555-0143", PhoneParseResult.e164("+12025550143")),
        ("(202) 555-0143", .e164("+12025550143")),
        ("+86 138 1234 5678", .e164("+8613812345678")),
        ("555-01", .invalid("555-01")),
        // North America: the trunk 1 people write is not part of the number; seven digits have no area code.
        ("1-212-555-0127", .e164("+12125550127")),
        ("12125550125", .e164("+12125550125")),
        ("1 (718) 555-0100", .e164("+17185550100")),
        ("555-0130", .invalid("555-0130")),
        ("(112) 555-0143", .invalid("(112) 555-0143")),
        ("+44 20 7946 0958", .e164("+442079460958")),
        // Dialled abroad from North America: 011, where most of the world dials 00.
        ("011 44 20 7946 0958", .e164("+442079460958")),
        ("011-86-138-1234-5678", .e164("+8613812345678")),
    ])
    func otherDefaultCountry(input: String, expected: PhoneParseResult) {
        #expect(PhoneNormalizer(defaultCountryCode: "+1").normalize(input) == expected)
    }

    @Test func invalidDefaultCountryRejectsNationalNumbersOnly() {
        let normalizer = PhoneNormalizer(defaultCountryCode: "abc")
        #expect(normalizer.normalize("13812345678") == .invalid("13812345678"))
        #expect(normalizer.normalize("+8613812345678") == .e164("+8613812345678"))
    }

    @Test func defaultCountryCodeIsStoredWithoutPlus() {
        #expect(PhoneNormalizer().defaultCountryCode == "86")
        #expect(PhoneNormalizer(defaultCountryCode: "+44").defaultCountryCode == "44")
    }
}
