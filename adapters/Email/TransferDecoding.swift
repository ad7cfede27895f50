/// Content-Transfer-Encoding decoders (RFC 2045 section 6), lenient as mail readers must be.
enum TransferDecoding {
    /// Decodes `encoding` (`base64`, `quoted-printable`, and the uuencoding older mailers and
    /// scripts label `x-uuencode`, `uuencode`, `x-uue` or `uue`; anything else is passed through).
    static func decode(_ bytes: ArraySlice<UInt8>, encoding: String) -> (bytes: [UInt8], defect: String?) {
        switch encoding {
        case "base64": return base64(bytes)
        case "quoted-printable": return (quotedPrintable(bytes, underscoreIsSpace: false), nil)
        case "x-uuencode", "uuencode", "x-uue", "uue": return uudecode(bytes)
        default: return (Array(bytes), nil)
        }
    }

    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        // The URL-safe alphabet too: some webmail writes it.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Base64 ignoring line breaks and any character outside the alphabet; stops at `=` padding
    /// (a second encoded body glued after padding is decoded too); a dangling partial group is
    /// decoded as far as it goes.
    static func base64(_ input: ArraySlice<UInt8>) -> (bytes: [UInt8], defect: String?) {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var accumulator: UInt32 = 0
        var bits = 0
        var skipped = 0
        input.withUnsafeBufferPointer { buffer in
            for byte in buffer {
                let value = base64Values[Int(byte)]
                if value == 0xFF {
                    if byte == UInt8(ascii: "=") {
                        // Padding: drop the partial bits, start a new group.
                        accumulator = 0
                        bits = 0
                    } else if !Bytes.isWhitespace(byte) {
                        skipped += 1
                    }
                    continue
                }
                accumulator = (accumulator << 6) | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                }
            }
        }
        return (output, skipped > 0 ? "base64 body had \(skipped) characters outside the alphabet (ignored)" : nil)
    }

    /// Quoted-printable; `=` not followed by two hex digits or a line break is kept literally.
    /// With `underscoreIsSpace` it is RFC 2047's Q encoding.
    static func quotedPrintable(_ input: ArraySlice<UInt8>, underscoreIsSpace: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = input.startIndex
        let end = input.endIndex
        while index < end {
            let byte = input[index]
            if byte == UInt8(ascii: "=") {
                // Soft line break: `=` then optional trailing whitespace then CRLF or LF.
                var look = index + 1
                while look < end && (input[look] == 0x20 || input[look] == 0x09) { look += 1 }
                if look < end && input[look] == 0x0D && look + 1 < end && input[look + 1] == 0x0A {
                    index = look + 2
                    continue
                }
                if look < end && input[look] == 0x0A {
                    index = look + 1
                    continue
                }
                if look == end {
                    index = end
                    continue
                }
                if index + 2 < end, let high = Bytes.hexValue(input[index + 1]),
                    let low = Bytes.hexValue(input[index + 2])
                {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                output.append(byte)
                index += 1
                continue
            }
            if underscoreIsSpace && byte == UInt8(ascii: "_") {
                output.append(0x20)
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    /// uuencoding: a `begin MODE NAME` line, then lines each starting with a character that says
    /// how many bytes they hold, then `end`. Lenient as mail readers are: lines before `begin` are
    /// skipped, a line cut short (mail relays strip trailing spaces, which encode zeros) decodes
    /// as if padded with zeros, and a missing `end` ends the data at the body's end. Without a
    /// `begin` line the body is passed through, as Python's `email` does.
    static func uudecode(_ input: ArraySlice<UInt8>) -> (bytes: [UInt8], defect: String?) {
        var lines = input.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? line.dropLast() : line
        }[...]
        guard let begin = lines.firstIndex(where: { uuBeginName($0) != nil }) else {
            return (Array(input), "uuencoded body without a begin line; kept as it is")
        }
        lines = lines[(begin + 1)...]
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        for line in lines {
            if isUUEndLine(line) { return (output, nil) }
            guard let first = line.first else { continue }
            let count = Int((first &- 32) & 63)
            // Valid lines decode to three quarters of their size; lines of nothing but a count
            // would make a small message decode to many times its size.
            guard output.count + count <= input.count else {
                return (output, "uuencoded lines hold more than their text can carry; cut")
            }
            let characters = line.dropFirst()
            // Six bits per character, four characters for every three bytes.
            func value(_ offset: Int) -> UInt32 {
                let index = characters.startIndex + offset
                return index < characters.endIndex ? UInt32((characters[index] &- 32) & 63) : 0
            }
            var group = 0
            while group * 3 < count {
                let bits =
                    value(group * 4) << 18 | value(group * 4 + 1) << 12 | value(group * 4 + 2) << 6
                    | value(group * 4 + 3)
                for shift in [16, 8, 0].prefix(min(3, count - group * 3)) {
                    output.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift)))
                }
                group += 1
            }
        }
        return (output, "uuencoded body without its end line")
    }

    /// The file name of a uuencoding's `begin 644 name` line (the word, an octal mode, then the
    /// name, which may be empty), or nil for any other line.
    static func uuBeginName(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let trimmed = line.drop(while: Bytes.isWhitespace)
        guard trimmed.starts(with: "begin ".utf8) else { return nil }
        let mode = trimmed.dropFirst(6).prefix { $0 != UInt8(ascii: " ") }
        guard !mode.isEmpty, mode.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }) else {
            return nil
        }
        var name = trimmed[mode.endIndex...].drop { $0 == UInt8(ascii: " ") }
        while let last = name.last, Bytes.isWhitespace(last) { name = name.dropLast() }
        return name
    }

    /// A uuencoding's closing `end` line.
    static func isUUEndLine(_ line: ArraySlice<UInt8>) -> Bool {
        let trimmed = line.drop(while: Bytes.isWhitespace)
        return trimmed.starts(with: "end".utf8) && trimmed.dropFirst(3).allSatisfy(Bytes.isWhitespace)
    }
}
