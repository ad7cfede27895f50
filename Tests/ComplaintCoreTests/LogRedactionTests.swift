import ComplaintCore
import Testing

@Suite("Masking personal data for logs")
struct LogRedactionTests {
    @Test(
        "phone numbers keep a prefix and the last digits, never fewer than four hidden",
        arguments: [
            ("+8613812345678", "+86138****5678"), ("13812345678", "138****5678"), ("+14155550123", "+141****0123"),
            ("5550123", "5****23"), ("12345", "****5"), ("123", "****"),
        ])
    func phone(_ input: String, _ expected: String) {
        #expect(LogRedaction.phone(input) == expected)
    }

    @Test("email addresses keep the first character and the domain")
    func email() {
        #expect(LogRedaction.email("zhang.san@example.com") == "z***@example.com")
        #expect(LogRedaction.email("not-an-address") == "***")
        #expect(LogRedaction.email("@example.com") == "***")
    }

    @Test("text is counted, never shown")
    func text() {
        #expect(LogRedaction.text("晚上11点还在施工") == "[9 chars]")
    }

    @Test("free text: addresses and phone-like digit runs are masked; ids, times and small numbers stay")
    func scrub() {
        let input =
            "from +8613812345678 (zhang.san@example.com, tel 13812345678) for cmp_01JD8Q3W6T7Y2N4K9M0P5R8S1V "
            + "at line 12, column 300; raw_0123456789ABCDEFGHJKMNPQRS"
        let scrubbed = LogRedaction.scrub(input)
        #expect(
            scrubbed
                == "from +86138****5678 (z***@example.com, tel 138****5678) for cmp_01JD8Q3W6T7Y2N4K9M0P5R8S1V "
                + "at line 12, column 300; raw_0123456789ABCDEFGHJKMNPQRS")
        #expect(LogRedaction.scrub("a@b and user@localhost stay") == "a@b and user@localhost stay")
        #expect(LogRedaction.scrub("x <a@example.com>, b@example.org.") == "x <a***@example.com>, b***@example.org.")
    }
}
