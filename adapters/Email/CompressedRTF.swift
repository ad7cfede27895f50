/// Outlook's compressed RTF (`PR_RTF_COMPRESSED`, MS-OXRTFCP): how a TNEF stream carries a
/// message body written in rich text. A 16-byte header (compressed size, raw size, `LZFu` or
/// `MELA`, CRC), then LZ77 over a 4 KiB ring buffer that starts filled with a fixed RTF prefix.
enum CompressedRTF {
    /// The ring buffer's first 207 bytes, as MS-OXRTFCP fixes them.
    private static let prefix = Array(
        ("{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern "
            + "\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0"
            + "\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx").utf8)

    private static let compressed: UInt32 = 0x7546_5A4C  // "LZFu"
    private static let uncompressed: UInt32 = 0x414C_454D  // "MELA"

    /// The RTF, or nil when `data` is not compressed RTF. Output stops at the raw size the header
    /// gives (and never exceeds it), so a damaged stream cannot grow without bound.
    static func decompress(_ data: ArraySlice<UInt8>) -> [UInt8]? {
        var reader = TNEFByteReader(data)
        guard reader.uint32() != nil, let rawSize = reader.uint32().map(Int.init), let type = reader.uint32(),
            reader.skip(4)
        else { return nil }
        if type == uncompressed { return reader.bytes(min(rawSize, reader.remaining)).map(Array.init) }
        guard type == compressed else { return nil }
        var ring = [UInt8](repeating: 0, count: 4096)
        ring.replaceSubrange(0..<prefix.count, with: prefix)
        var write = prefix.count
        var output: [UInt8] = []
        output.reserveCapacity(min(rawSize, 16 << 20))
        func emit(_ byte: UInt8) {
            output.append(byte)
            ring[write] = byte
            write = (write + 1) & 0xFFF
        }
        while output.count < rawSize, let control = reader.uint8() {
            for bit in 0..<8 where output.count < rawSize {
                if control & (1 << bit) == 0 {
                    guard let byte = reader.uint8() else { return output }
                    emit(byte)
                    continue
                }
                guard let high = reader.uint8(), let low = reader.uint8() else { return output }
                let reference = Int(high) << 8 | Int(low)
                let offset = reference >> 4
                // A reference to the write position itself marks the end of the data.
                if offset == write { return output }
                for index in 0..<(reference & 0xF) + 2 where output.count < rawSize {
                    emit(ring[(offset + index) & 0xFFF])
                }
            }
        }
        return output
    }
}
