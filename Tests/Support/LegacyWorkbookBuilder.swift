/// Builds Excel 97–2003 workbooks (.xls) byte by byte: BIFF8 records in a compound file, with
/// the layouts the reader must cope with (strings split across CONTINUE records, a stream small
/// enough for the mini stream, 4 KB sectors).
public enum LegacyWorkbookBuilder {
    // MARK: BIFF8 records

    public static func record(_ type: Int, _ body: [UInt8]) -> [UInt8] { le16(type) + le16(body.count) + body }

    /// A string as BIFF8 stores it: its length, a flags byte, one byte per character when all
    /// are below U+0100, else two.
    public static func string(_ text: String, lengthBytes: Int = 2) -> [UInt8] {
        let units = Array(text.utf16)
        let wide = units.contains { $0 > 0xFF }
        let length = lengthBytes == 1 ? [UInt8(units.count)] : le16(units.count)
        return length + [wide ? 1 : 0] + units.flatMap { wide ? le16(Int($0)) : [UInt8($0)] }
    }

    public static func bof(_ kind: Int, version: Int = 0x0600) -> [UInt8] {
        record(0x0809, le16(version) + le16(kind) + [UInt8](repeating: 0, count: 12))
    }

    public static let eof = record(0x000A, [])

    /// A cell record's row, column and style.
    public static func cell(_ row: Int, _ column: Int, style: Int = 0) -> [UInt8] {
        le16(row) + le16(column) + le16(style)
    }

    public static func labelSST(_ row: Int, _ column: Int, _ index: Int, style: Int = 0) -> [UInt8] {
        record(0x00FD, cell(row, column, style: style) + le32(UInt32(index)))
    }

    public static func number(_ row: Int, _ column: Int, _ value: Double, style: Int = 0) -> [UInt8] {
        record(0x0203, cell(row, column, style: style) + le64(value.bitPattern))
    }

    public static func rk(_ row: Int, _ column: Int, _ rk: UInt32, style: Int = 0) -> [UInt8] {
        record(0x027E, cell(row, column, style: style) + le32(rk))
    }

    /// A MULRK record: RK numbers in consecutive columns from `firstColumn`, each with its style.
    public static func multipleRK(_ row: Int, _ firstColumn: Int, _ values: [(style: Int, rk: UInt32)]) -> [UInt8] {
        record(
            0x00BD,
            le16(row) + le16(firstColumn) + values.flatMap { le16($0.style) + le32($0.rk) }
                + le16(firstColumn + values.count - 1))
    }

    public static func double(_ value: Double) -> [UInt8] { le64(value.bitPattern) }

    /// The shared-string table, split into an SST record and CONTINUE records at the byte
    /// offsets `splits` of the strings' bytes. A split inside a string's characters starts the
    /// CONTINUE with the flags byte saying how the rest is stored, as Excel writes it.
    public static func sharedStrings(
        _ strings: [String], splitAfterCharacters splits: [(string: Int, characters: Int)] = []
    )
        -> [UInt8]
    {
        var segments: [[UInt8]] = [le32(UInt32(strings.count)) + le32(UInt32(strings.count))]
        for (index, text) in strings.enumerated() {
            let encoded = string(text)
            let wide = encoded[2] == 1
            if let split = splits.first(where: { $0.string == index }) {
                let cut = 3 + split.characters * (wide ? 2 : 1)
                segments[segments.count - 1] += encoded[..<cut]
                segments.append([wide ? 1 : 0] + encoded[cut...])
            } else {
                segments[segments.count - 1] += encoded
            }
        }
        return record(0x00FC, segments[0]) + segments.dropFirst().flatMap { record(0x003C, $0) }
    }

    /// A workbook stream: globals (formats, styles, date system, the sheets, the strings), then
    /// each sheet's `cells` records between its BOF and EOF.
    public static func workbookStream(
        sheets: [(name: String, hidden: Bool, cells: [UInt8])], strings: [UInt8] = [],
        formats: [Int: String] = [:], styles: [Int] = [0], date1904: Bool = false, extraGlobals: [UInt8] = []
    ) -> [UInt8] {
        var globals = bof(0x0005) + extraGlobals + record(0x0022, le16(date1904 ? 1 : 0))
        for (id, code) in formats.sorted(by: { $0.key < $1.key }) { globals += record(0x041E, le16(id) + string(code)) }
        for format in styles { globals += record(0x00E0, le16(0) + le16(format) + [UInt8](repeating: 0, count: 16)) }
        let sheetRecordLengths = sheets.map { 4 + 6 + string($0.name, lengthBytes: 1).count }
        var offset = globals.count + sheetRecordLengths.reduce(0, +) + strings.count + eof.count
        for sheet in sheets {
            globals += record(
                0x0085, le32(UInt32(offset)) + [sheet.hidden ? 1 : 0, 0] + string(sheet.name, lengthBytes: 1))
            offset += bof(0x0010).count + sheet.cells.count + eof.count
        }
        var stream = globals + strings + eof
        for sheet in sheets { stream += bof(0x0010) + sheet.cells + eof }
        return stream
    }

    // MARK: The compound file

    /// A compound file holding `streams` at its top level. Streams under 4 KB go into the mini
    /// stream, as Office writes them; `sectorShift` 12 makes a version 4 file of 4 KB sectors.
    public static func compoundFile(_ streams: [(name: String, bytes: [UInt8])], sectorShift: Int = 9) -> [UInt8] {
        let size = 1 << sectorShift
        let end: UInt32 = 0xFFFF_FFFE
        var sectors: [UInt8] = []
        var table: [UInt32] = []
        func place(_ bytes: [UInt8]) -> UInt32 {
            guard !bytes.isEmpty else { return end }
            let start = UInt32(table.count)
            let count = (bytes.count + size - 1) / size
            for index in 0..<count { table.append(index == count - 1 ? end : UInt32(table.count + 1)) }
            sectors += bytes + [UInt8](repeating: 0, count: count * size - bytes.count)
            return start
        }
        var mini: [UInt8] = []
        var miniTable: [UInt32] = []
        var entries: [(name: String, type: UInt8, start: UInt32, size: Int)] = []
        for stream in streams {
            if stream.bytes.count < 4096 {
                let start = UInt32(miniTable.count)
                let count = (stream.bytes.count + 63) / 64
                for index in 0..<count { miniTable.append(index == count - 1 ? end : UInt32(miniTable.count + 1)) }
                mini += stream.bytes + [UInt8](repeating: 0, count: count * 64 - stream.bytes.count)
                entries.append((stream.name, 2, count == 0 ? end : start, stream.bytes.count))
            } else {
                entries.append((stream.name, 2, place(stream.bytes), stream.bytes.count))
            }
        }
        let miniStart = place(mini)
        let miniTableStart = place(miniTable.flatMap(le32))
        var directory: [UInt8] = []
        let all = [("Root Entry", UInt8(5), miniStart, mini.count)] + entries
        for (index, entry) in all.enumerated() {
            let name = Array(entry.0.utf16)
            var bytes: [UInt8] = name.flatMap { le16(Int($0)) } + [0, 0]
            bytes += [UInt8](repeating: 0, count: 64 - bytes.count)
            bytes += le16((name.count + 1) * 2)
            bytes += [entry.1, 1]
            // The root's child is the first stream; each stream's right sibling is the next.
            let right = index > 0 && index < all.count - 1 ? UInt32(index + 1) : 0xFFFF_FFFF
            bytes += le32(0xFFFF_FFFF) + le32(right) + le32(index == 0 && all.count > 1 ? 1 : 0xFFFF_FFFF)
            bytes += [UInt8](repeating: 0, count: 36)
            bytes += le32(entry.2) + le64(UInt64(entry.3))
            directory += bytes
        }
        let directoryStart = place(directory)
        // The allocation table's own sectors come last and are marked as such.
        var tableSectors = 1
        while (table.count + tableSectors) > tableSectors * size / 4 { tableSectors += 1 }
        let firstTableSector = table.count
        for _ in 0..<tableSectors { table.append(0xFFFF_FFFD) }
        table += [UInt32](repeating: 0xFFFF_FFFF, count: tableSectors * size / 4 - table.count)
        sectors += table.flatMap(le32)
        var header = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 16)
        header += le16(0x3E) + le16(sectorShift == 12 ? 4 : 3) + le16(0xFFFE) + le16(sectorShift) + le16(6)
        header += [UInt8](repeating: 0, count: 6) + le32(0) + le32(UInt32(tableSectors)) + le32(directoryStart)
        header += le32(0) + le32(4096) + le32(miniTableStart) + le32(UInt32((miniTable.count * 4 + size - 1) / size))
        header += le32(end) + le32(0)
        for index in 0..<109 { header += le32(index < tableSectors ? UInt32(firstTableSector + index) : 0xFFFF_FFFF) }
        header += [UInt8](repeating: 0, count: size - header.count)
        return header + sectors
    }

    private static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    private static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(value >> ($0 * 8) & 0xFF) } }
    private static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(value >> ($0 * 8) & 0xFF) } }
}
