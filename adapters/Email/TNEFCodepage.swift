import ComplaintCore

/// The Windows code page a TNEF stream's 8-bit strings are in (its `attOemCodepage`): 936 from a
/// Chinese Outlook, 1252 from a Western one, which is also the default when the stream names none.
struct TNEFCodepage {
    let number: UInt32

    init(_ number: UInt32 = 1252) {
        self.number = number
    }

    /// The charset label ``CharsetDecoder`` knows the code page by.
    var label: String {
        switch number {
        case 936, 54936: "gb18030"
        case 950: "big5"
        case 65001: "utf-8"
        case 20127, 28591: "windows-1252"
        default: "cp\(number)"
        }
    }

    /// An 8-bit string (its terminating NULs dropped) in this code page; by ``CharsetDecoder``'s
    /// rule when the bytes are not valid in it.
    func decode(_ bytes: [UInt8]) -> String {
        let text = Array(bytes.reversed().drop { $0 == 0 }.reversed())
        return CharsetDecoder.decodeStrictly(text, as: label) ?? CharsetDecoder.decode(text, declared: label).text
    }

    /// A `PT_UNICODE` string: UTF-16LE, its terminating NULs dropped.
    static func decodeUTF16LE(_ bytes: [UInt8]) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 0
        while index + 1 < bytes.count {
            units.append(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
            index += 2
        }
        while units.last == 0 { units.removeLast() }
        return String(decoding: units, as: UTF16.self)
    }
}
