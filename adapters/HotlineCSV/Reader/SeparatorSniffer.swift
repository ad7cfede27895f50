/// Chooses the field separator from a file's header line.
///
/// Excel writes commas for "CSV", but its "Unicode Text" export (the usual way to get Chinese out of
/// an older Excel without GBK) is UTF-16 with tabs, and a European-locale Excel writes semicolons.
/// The header names the columns, so whichever of the three separates more of it outside quotes is
/// the separator; a header with none of them is a single column, read with commas.
public enum SeparatorSniffer {
    public static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";")]

    /// The longest header this looks at; a line longer than this is judged on its beginning.
    public static let maxHeaderBytes = 64 * 1024

    /// The end of the first line in `bytes` (the offset of its CR or LF outside quotes), nil when
    /// `bytes` holds no complete first line yet.
    public static func headerEnd(_ bytes: some Collection<UInt8>) -> Int? {
        var quoted = false
        for (offset, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted, byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                return offset
            }
        }
        return nil
    }

    /// The separator of a file whose header line is `header` (UTF-8, without its line break).
    public static func separator(header: some Collection<UInt8>) -> UInt8 {
        var counts = [Int](repeating: 0, count: candidates.count)
        var quoted = false
        for byte in header {
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted, let index = candidates.firstIndex(of: byte) {
                counts[index] += 1
            }
        }
        // Ties go to the earlier candidate: commas first.
        var best = 0
        for index in counts.indices where counts[index] > counts[best] { best = index }
        return candidates[best]
    }
}
