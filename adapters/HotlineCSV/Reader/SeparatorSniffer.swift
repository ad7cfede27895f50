/// Chooses the field separator from a file's first lines.
///
/// Excel writes commas for "CSV", but its "Unicode Text" export (the usual way to get Chinese out of
/// an older Excel without GBK) is UTF-16 with tabs, and a European-locale Excel writes semicolons.
/// The header is not always the first line: exports open with a title (`导出时间: 2026-11-04, 共2条`)
/// whose punctuation says nothing about the table. So the first ``sampleLines`` lines are read, and
/// the separator is the one that splits the most of them into the same number of pieces: a table's
/// header and rows agree, a title line does not. Ties go to the higher count, then to commas. A
/// sample with none of the three is a single column, read with commas.
public enum SeparatorSniffer {
    public static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";")]

    /// The lines (with anything on them) looked at.
    public static let sampleLines = 12

    /// The most bytes looked at; when the first lines are longer, the separator is chosen from these.
    public static let maxSampleBytes = 64 * 1024

    /// How far the scan of the first lines has gone, carried between chunks: a sample that
    /// arrives in many small chunks is scanned once, not from its start again with every chunk.
    public struct SampleScan: Sendable {
        /// The bytes looked at so far.
        public fileprivate(set) var scanned = 0
        fileprivate var quoted = false
        /// Each candidate's count on the line being read.
        fileprivate var current = [Int](repeating: 0, count: candidates.count)
        fileprivate var currentHasBytes = false
        /// Each candidate's counts on the lines read.
        fileprivate var lines: [[Int]] = []

        public init() {}

        fileprivate mutating func endLine() {
            if currentHasBytes { lines.append(current) }
            current = [Int](repeating: 0, count: candidates.count)
            currentHasBytes = false
        }
    }

    /// Scans the bytes of `bytes` past `scan.scanned` (they grow at their end between calls) and
    /// returns the offset just past the ``sampleLines``-th line, nil while the sample is shorter.
    public static func sampleEnd(_ bytes: some Collection<UInt8>, resuming scan: inout SampleScan) -> Int? {
        for byte in bytes.prefix(maxSampleBytes).dropFirst(scan.scanned) {
            scan.scanned += 1
            if byte == UInt8(ascii: "\"") {
                scan.quoted.toggle()
            } else if !scan.quoted, byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                scan.endLine()
                if scan.lines.count >= sampleLines { return scan.scanned }
                continue
            } else if !scan.quoted, let index = candidates.firstIndex(of: byte) {
                scan.current[index] += 1
            }
            scan.currentHasBytes = true
        }
        return nil
    }

    /// The separator the lines scanned so far show (a last line without its line break included).
    public static func separator(of scan: SampleScan) -> UInt8 {
        var lines = scan.lines
        if scan.currentHasBytes { lines.append(scan.current) }
        var best = (index: 0, agreeing: 0, count: 0)
        for index in candidates.indices {
            var frequency: [Int: Int] = [:]
            for line in lines where line[index] > 0 { frequency[line[index], default: 0] += 1 }
            for (count, agreeing) in frequency
            where (agreeing, count) > (best.agreeing, best.count)
                || ((agreeing, count) == (best.agreeing, best.count) && index < best.index)
            {
                best = (index, agreeing, count)
            }
        }
        return candidates[best.index]
    }

    /// The separator a first line `sep=;` names (after a byte-order mark, any case): Excel's own
    /// directive, which files made to open right in any locale's Excel begin with, and which
    /// Excel takes as no row. Nil when the first line is no such directive.
    public static func directive(_ sample: some Collection<UInt8>) -> UInt8? {
        var bytes = sample.prefix(9)[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let word = bytes.prefix(4).map { $0 | 0x20 }
        guard word.elementsEqual("sep=".utf8), let separator = bytes.dropFirst(4).first,
            separator >= 0x20 && separator < 0x7F || separator == 0x09
        else { return nil }
        let after = bytes.dropFirst(5).first
        guard after == nil || after == UInt8(ascii: "\r") || after == UInt8(ascii: "\n") else { return nil }
        return separator
    }

    /// The separator of a file whose first lines are `sample` (UTF-8).
    public static func separator(sample: some Collection<UInt8>) -> UInt8 {
        var scan = SampleScan()
        _ = sampleEnd(sample, resuming: &scan)
        return separator(of: scan)
    }
}
