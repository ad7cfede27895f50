import Foundation

/// A small, fast JSON writer that keeps fields in the order they are written.
///
/// Foundation's `JSONEncoder` on Linux does not keep key order, and the record departments
/// receive (and may verify signatures over) should read in the documented order. Output is
/// compact UTF-8; only what RFC 8259 requires is escaped, so Chinese text stays readable.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Whether the open container at each depth already has a member, one bit per depth (bit 0
    /// the innermost), and how many are open: no array to index and keep unique per token.
    /// Depths past 64 (never in a record; only hostile input nests that far) keep their bits in
    /// `deeperNeedsComma`.
    private var needsCommaBits: UInt64 = 0
    private var depth = 0
    private var deeperNeedsComma: [Bool] = []

    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    public var data: Data { Data(bytes) }

    /// Hands over what was written so far and goes on from there (nesting and commas are kept),
    /// so a large document can be sent in pieces instead of built whole.
    public mutating func takeBytes() -> [UInt8] {
        var taken: [UInt8] = []
        taken.reserveCapacity(bytes.count)
        swap(&taken, &bytes)
        return taken
    }

    // MARK: Containers

    public mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        push()
    }

    public mutating func endObject() {
        pop()
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        push()
    }

    public mutating func endArray() {
        pop()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes `"name":` inside an object; the next value written is its value.
    ///
    /// Names written in the code: copied as they are, not scanned for characters to escape (a
    /// record has about thirty of them, a noticeable share of encoding it). They must be plain
    /// JSON string content (no quote, backslash or control character); ``key(escaping:)`` takes
    /// any name.
    public mutating func key(_ name: StaticString) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        // The value that follows is not a new member: no comma before it.
        if depth > 0 { setNeedsComma(false) }
    }

    /// Writes `"name":` for a name known only at run time (escaped as needed).
    public mutating func key(escaping name: String) {
        separator()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        if depth > 0 { setNeedsComma(false) }
    }

    // MARK: Values

    public mutating func null() {
        separator()
        bytes.append(contentsOf: "null".utf8)
    }

    public mutating func value(_ string: String?) {
        guard let string else { return null() }
        separator()
        writeString(string)
    }

    public mutating func value(_ flag: Bool) {
        separator()
        bytes.append(contentsOf: (flag ? "true" : "false").utf8)
    }

    public mutating func value(_ number: Int) {
        separator()
        bytes.append(contentsOf: String(number).utf8)
    }

    public mutating func value(_ number: Double?) {
        guard let number else { return null() }
        separator()
        if number.rounded() == number, abs(number) < 1e15 {
            bytes.append(contentsOf: String(Int64(number)).utf8)
        } else if number.isFinite {
            bytes.append(contentsOf: String(number).utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    public mutating func value(_ json: JSONValue) {
        switch json {
        case .null: null()
        case .bool(let flag): value(flag)
        case .number(let number): value(number)
        case .string(let text): value(text)
        case .array(let items):
            beginArray()
            for item in items { value(item) }
            endArray()
        case .object(let fields):
            beginObject()
            // Sorted so the same extra fields always serialize the same way.
            for name in fields.keys.sorted() {
                key(escaping: name)
                value(fields[name]!)
            }
            endObject()
        }
    }

    /// Inserts already-serialized JSON (e.g. a stored record) as a value.
    public mutating func raw(_ json: some Sequence<UInt8>) {
        separator()
        bytes.append(contentsOf: json)
    }

    // MARK: Shorthands for `key` + `value`

    public mutating func field(_ name: StaticString, _ string: String?) {
        key(name)
        value(string)
    }

    public mutating func field(_ name: StaticString, _ flag: Bool) {
        key(name)
        value(flag)
    }

    public mutating func field(_ name: StaticString, _ number: Int) {
        key(name)
        value(number)
    }

    public mutating func field(_ name: StaticString, _ number: Double?) {
        key(name)
        value(number)
    }

    // MARK: Internals

    private mutating func separator() {
        guard depth > 0 else { return }
        if depth <= 64 {
            if needsCommaBits & 1 != 0 {
                bytes.append(UInt8(ascii: ","))
            } else {
                needsCommaBits |= 1
            }
        } else if deeperNeedsComma[deeperNeedsComma.count - 1] {
            bytes.append(UInt8(ascii: ","))
        } else {
            deeperNeedsComma[deeperNeedsComma.count - 1] = true
        }
    }

    private mutating func setNeedsComma(_ flag: Bool) {
        if depth <= 64 {
            needsCommaBits = flag ? needsCommaBits | 1 : needsCommaBits & ~1
        } else {
            deeperNeedsComma[deeperNeedsComma.count - 1] = flag
        }
    }

    private mutating func push() {
        depth += 1
        if depth <= 64 {
            needsCommaBits <<= 1
        } else {
            deeperNeedsComma.append(false)
        }
    }

    private mutating func pop() {
        precondition(depth > 0, "JSONWriter: end of a container that was not begun")
        if depth <= 64 {
            needsCommaBits >>= 1
        } else {
            deeperNeedsComma.removeLast()
        }
        depth -= 1
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        if string.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            var copy = string
            copy.withUTF8 { appendEscaped($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Copies runs of bytes that need no escape in one append each: most text (Chinese included)
    /// has no quote, backslash or control character at all. The scan looks at eight bytes at a time.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        guard let base = utf8.baseAddress else { return }
        let count = utf8.count
        var runStart = 0
        var index = 0
        while index < count {
            if index + 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if !Self.mayNeedEscape(word) {
                    index += 8
                    continue
                }
            }
            let byte = base[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                if runStart < index {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
                }
                appendEscape(byte)
                runStart = index + 1
            }
            index += 1
        }
        if runStart < count {
            bytes.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: count - runStart))
        }
    }

    /// Whether any byte of `word` is below 0x20, a quote or a backslash (may say yes for a word
    /// that has none; never no for one that has). The classic has-less-than and has-zero-byte
    /// bit tricks: a byte with its high bit set (UTF-8 beyond ASCII) never matches.
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quoteBytes = word ^ (ones &* 0x22)
        let quote = (quoteBytes &- ones) & ~quoteBytes & highs
        let backslashBytes = word ^ (ones &* 0x5C)
        let backslash = (backslashBytes &- ones) & ~backslashBytes & highs
        return control | quote | backslash != 0
    }

    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            bytes.append(UInt8(ascii: "u"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(Self.hex[Int(byte >> 4)])
            bytes.append(Self.hex[Int(byte & 0xF)])
        }
    }
}
