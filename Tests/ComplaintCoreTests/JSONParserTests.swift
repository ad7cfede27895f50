import ComplaintCore
import Foundation
import Testing

@Suite("Strict JSON parser")
struct JSONParserTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONParser.parse(
            Array(#" {"a":[1,-2.5e3,true,false,null],"b":"中\u6587\n\ud83d\ude00","c":{}} "#.utf8))
        #expect(
            value
                == .object([
                    "a": .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]),
                    "b": .string("中文\n😀"),
                    "c": .object([:]),
                ]))
    }

    /// Strings are strict UTF-8 whether or not they contain escapes (with none, they are taken
    /// straight from the document's bytes).
    @Test(
        arguments: [
            [0xC0, 0xAF],  // overlong '/'
            [0xED, 0xA0, 0x80],  // a UTF-16 surrogate
            [0xE4, 0xB8],  // cut-off sequence
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
            [0xB9, 0xA4],  // GBK bytes
        ] as [[UInt8]])
    func aStringThatIsNotUTF8IsRefusedWithOrWithoutEscapes(bad: [UInt8]) throws {
        for (prefix, suffix) in [("", ""), (#"\n"#, ""), ("", #"\t"#)] {
            let document =
                Array(#"{"t":"中"#.utf8) + Array(prefix.utf8) + bad + Array(suffix.utf8) + Array(#""}"#.utf8)
            let failure = #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(document) }
            #expect(failure?.reason == "string is not valid UTF-8")
        }
        let valid = try JSONParser.parse(Array(#"["中文 ✓ 😀", "a\"b"]"#.utf8))
        #expect(valid == .array([.string("中文 ✓ 😀"), .string("a\"b")]))
    }

    @Test(
        arguments: [
            (#"{"text": "x",}"#, 1, 14, "expected '\"' to start a key"),
            ("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "expected ',' or '}' after a value"),
            (#"{"a": tru}"#, 1, 7, "expected a value"),
            (#"{"a": 01}"#, 1, 8, "leading zeros"),
            (#"{"a": "x"#, 1, 9, "unterminated string"),
            (#"{"a": 1} x"#, 1, 10, "unexpected data after the JSON value"),
            (#"{"a": 1, "a": 2}"#, 1, 10, "duplicate key \"a\""),
            ("", 1, 1, "unexpected end of data"),
            (#"["\x"]"#, 1, 4, "invalid escape"),
        ] as [(String, Int, Int, String)])
    func locatesErrors(input: String, line: Int, column: Int, reason: String) {
        #expect {
            _ = try JSONParser.parse(Array(input.utf8))
        } throws: { error in
            guard let failure = error as? JSONParser.Failure else { return false }
            return failure.line == line && failure.column == column && failure.reason.contains(reason)
        }
    }

    @Test func refusesDeepNestingAndBadUTF8() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8)) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(#""\ud800""#.utf8)) }
    }

    @Test func agreesWithFoundationOnNumbers() throws {
        for text in ["0", "-0", "1.5", "1e10", "-3.25E-2", "123456789012"] {
            let ours = try JSONParser.parse(Array(text.utf8))
            let theirs =
                try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? NSNumber
            #expect(ours == .number(theirs!.doubleValue))
        }
    }

    /// A provider's 19-digit message id as a JSON number: a double would round it (and two ids
    /// to the same value); its digits are kept as a string instead.
    @Test(arguments: [
        ("9007199254740993", JSONValue.string("9007199254740993")),
        ("1234567890123456789", .string("1234567890123456789")),
        ("-1234567890123456789", .string("-1234567890123456789")),
        ("123456789012345678901234567890", .string("123456789012345678901234567890")),
        ("9007199254740992", .number(9_007_199_254_740_992)),
        ("10000000000000000", .number(1e16)),
        ("123456789012345", .number(123_456_789_012_345)),
        ("1234567890123456.5", .number(1_234_567_890_123_456.5)),
        ("1e300", .number(1e300)),
    ])
    func integersBeyondADoubleKeepTheirDigits(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
    }
}
