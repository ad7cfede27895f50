/// One `name=value` pair of a form or query string, decoded.
public struct FormParameter: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// `application/x-www-form-urlencoded` as providers send it and as their SDKs read it.
///
/// Splits on `&`, turns `+` into a space, percent-decodes as UTF-8 and keeps empty values: Twilio and
/// Plivo sign `FromCity=` and `MessageIntent=` too. A malformed `%` escape stays literal and invalid
/// UTF-8 becomes U+FFFD, as Python's `parse_qs` (which the providers' SDKs use) does.
public enum FormURLEncoded {
    /// The pairs in order of appearance; a pair without `=` has an empty value.
    public static func parse(_ bytes: some Collection<UInt8>) -> [FormParameter] {
        var result: [FormParameter] = []
        for piece in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: String
            let value: String
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                name = decode(piece[piece.startIndex..<equals])
                value = decode(piece[piece.index(after: equals)...])
            } else {
                name = decode(piece)
                value = ""
            }
            result.append(FormParameter(name, value))
        }
        return result
    }

    /// Percent-decodes one component, with `+` as a space.
    public static func decode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                if first != bytes.endIndex, bytes.index(after: first) != bytes.endIndex,
                    let high = hexValue(bytes[first]), let low = hexValue(bytes[bytes.index(after: first)])
                {
                    out.append(high << 4 | low)
                    index = bytes.index(after: bytes.index(after: first))
                    continue
                }
                out.append(byte)
            } else {
                out.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension [FormParameter] {
    /// The first value of `name`.
    public func first(_ name: String) -> String? { first { $0.name == name }?.value }

    /// Names in code-point order with each name's values in code-point order, as the SDKs sort.
    ///
    /// Swift's `String <` compares by Unicode canonical equivalence, not code points; UTF-8 byte order is
    /// code-point order, which is what Python's `sorted` uses.
    func groupedByName() -> [(name: String, values: [String])] {
        var groups: [String: [String]] = [:]
        for parameter in self { groups[parameter.name, default: []].append(parameter.value) }
        return groups.map { (name: $0.key, values: $0.value.sorted(by: codePointOrder)) }
            .sorted { codePointOrder($0.name, $1.name) }
    }
}

/// Code-point order (Python's string order).
func codePointOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
