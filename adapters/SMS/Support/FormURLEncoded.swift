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
///
/// Every webhook is parsed once to authenticate and once to read, so this works on contiguous bytes
/// and builds each string once: generic collection indexing over `Data` cost more than the HMAC.
public enum FormURLEncoded {
    /// The pairs in order of appearance; a pair without `=` has an empty value.
    public static func parse(_ bytes: some Collection<UInt8>) -> [FormParameter] {
        if let parsed = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0) }) { return parsed }
        return Array(bytes).withUnsafeBufferPointer { parse(buffer: $0) }
    }

    /// Percent-decodes one component, with `+` as a space.
    public static func decode(_ bytes: some Collection<UInt8>) -> String {
        if let decoded = bytes.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return decoded }
        return Array(bytes).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>) -> [FormParameter] {
        var result: [FormParameter] = []
        var start = 0
        while start <= buffer.count {
            var end = start
            var equals = -1
            while end < buffer.count, buffer[end] != UInt8(ascii: "&") {
                if equals < 0, buffer[end] == UInt8(ascii: "=") { equals = end }
                end += 1
            }
            if end > start {
                if equals >= 0 {
                    result.append(
                        FormParameter(
                            decode(buffer: UnsafeBufferPointer(rebasing: buffer[start..<equals])),
                            decode(buffer: UnsafeBufferPointer(rebasing: buffer[(equals + 1)..<end]))))
                } else {
                    result.append(FormParameter(decode(buffer: UnsafeBufferPointer(rebasing: buffer[start..<end])), ""))
                }
            }
            start = end + 1
        }
        return result
    }

    private static func decode(buffer: UnsafeBufferPointer<UInt8>) -> String {
        // Most components (ids, numbers, ASCII names) have nothing to decode.
        guard buffer.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else {
            return String(decoding: buffer, as: UTF8.self)
        }
        return String(unsafeUninitializedCapacity: buffer.count) { out in
            var written = 0
            var index = 0
            while index < buffer.count {
                let byte = buffer[index]
                if byte == UInt8(ascii: "+") {
                    out[written] = UInt8(ascii: " ")
                } else if byte == UInt8(ascii: "%"), index + 2 < buffer.count,
                    let high = hexValue(buffer[index + 1]), let low = hexValue(buffer[index + 2])
                {
                    out[written] = high << 4 | low
                    index += 2
                } else {
                    out[written] = byte
                }
                written += 1
                index += 1
            }
            return written
        }
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
    /// Swift's `String <` and `==` compare by Unicode canonical equivalence, not code points; UTF-8
    /// byte order is code-point order, which is what Python's `sorted` and `set` use, so names are
    /// grouped and ordered by their bytes.
    func groupedByName() -> [(name: String, values: [String])] {
        var groups: [(name: String, values: [String])] = []
        for parameter in sortedByCodePoint() {
            if let last = groups.indices.last, codePointCompare(groups[last].name, parameter.name) == 0 {
                groups[last].values.append(parameter.value)
            } else {
                groups.append((name: parameter.name, values: [parameter.value]))
            }
        }
        return groups
    }

    /// The pairs ordered by name, then value, both in code-point order.
    func sortedByCodePoint() -> [FormParameter] {
        sorted { lhs, rhs in
            let names = codePointCompare(lhs.name, rhs.name)
            return names != 0 ? names < 0 : codePointCompare(lhs.value, rhs.value) < 0
        }
    }
}

/// Negative, zero or positive as `a` sorts before, equal to or after `b` by code point (UTF-8 bytes).
func codePointCompare(_ a: String, _ b: String) -> Int {
    var a = a
    var b = b
    return a.withUTF8 { left in
        b.withUTF8 { right in
            let common = Swift.min(left.count, right.count)
            for index in 0..<common where left[index] != right[index] {
                return Int(left[index]) - Int(right[index])
            }
            return left.count - right.count
        }
    }
}
