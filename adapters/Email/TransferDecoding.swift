/// Content-Transfer-Encoding decoders (RFC 2045 section 6), lenient as mail readers must be.
enum TransferDecoding {
    /// Decodes `encoding` (`base64`, `quoted-printable`; anything else is passed through).
    static func decode(_ bytes: ArraySlice<UInt8>, encoding: String) -> (bytes: [UInt8], defect: String?) {
        switch encoding {
        case "base64": return base64(bytes)
        case "quoted-printable": return (quotedPrintable(bytes, underscoreIsSpace: false), nil)
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
}
