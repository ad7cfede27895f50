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

    /// How far a search for the end of the header line has looked, and whether it stopped inside
    /// quotes: a header that arrives in many small chunks is then scanned once, not from its start
    /// again with every chunk.
    public struct HeaderScan: Sendable {
        /// The bytes looked at so far.
        public fileprivate(set) var scanned = 0
        fileprivate var quoted = false

        public init() {}
    }

    /// The end of the first line in `bytes` (the offset of its CR or LF outside quotes), nil when
    /// `bytes` holds no complete first line yet.
    public static func headerEnd(_ bytes: some Collection<UInt8>) -> Int? {
        var scan = HeaderScan()
        return headerEnd(bytes, resuming: &scan)
    }

    /// ``headerEnd(_:)`` for bytes that grow at their end between calls: looks only at the bytes past
    /// `scan.scanned`, carrying the quote state over in `scan`.
    public static func headerEnd(_ bytes: some Collection<UInt8>, resuming scan: inout HeaderScan) -> Int? {
        for byte in bytes.dropFirst(scan.scanned) {
            if byte == UInt8(ascii: "\"") {
                scan.quoted.toggle()
            } else if !scan.quoted, byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                return scan.scanned
            }
            scan.scanned += 1
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
