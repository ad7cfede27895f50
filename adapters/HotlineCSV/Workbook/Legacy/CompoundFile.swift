/// The container an Excel 97–2003 workbook (.xls) is saved in, and every other Office 97–2003
/// file: a small file system of "streams" in fixed-size sectors (the Compound File Binary
/// format). The workbook itself is the stream named `Workbook`.
///
/// Only the allocation table and the directory are read into memory; a stream's bytes are read
/// from the file when asked for.
struct CompoundFile {
    struct Entry {
        var name: String
        /// 1 a storage (a folder), 2 a stream, 5 the root.
        var type: Int
        var left: Int
        var right: Int
        var child: Int
        var start: Int
        var size: Int
    }

    let file: Int32
    let fileSize: Int
    private let sectorSize: Int
    private let miniSectorSize: Int
    private let miniCutoff: Int
    private let allocation: [UInt32]
    private var miniAllocation: [UInt32] = []
    private var entries: [Entry] = []

    static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    private static let endOfChain: UInt32 = 0xFFFF_FFFE

    init(file: Int32, fileSize: Int) throws(WorkbookError) {
        self.file = file
        self.fileSize = fileSize
        let header = try preadExactly(file, at: 0, count: min(512, fileSize))
        guard header.count == 512, header.starts(with: Self.signature) else {
            throw .damaged("it is shorter than an Office 97–2003 file's header (cut short?)")
        }
        let shift = header.uint16(at: 30)
        let miniShift = header.uint16(at: 32)
        guard shift == 9 || shift == 12, miniShift < shift else {
            throw .damaged("its header names a sector size of 2^\(shift) bytes, which no Office file uses")
        }
        sectorSize = 1 << shift
        miniSectorSize = 1 << miniShift
        miniCutoff = header.uint32(at: 56)
        // Sector n is at (n + 1) × the sector size; some writers leave the last one short.
        let sectors = (fileSize + sectorSize - 1) / sectorSize - 1
        // The allocation table's own sectors: 109 named in the header, more in a chain of
        // "DIFAT" sectors, each naming (sector size / 4 − 1) and the next one last.
        let tableSectors = header.uint32(at: 44)
        guard tableSectors <= sectors else { throw .damaged("its header names more sectors than the file holds") }
        var tableAt: [Int] = []
        for index in 0..<min(109, tableSectors) { tableAt.append(header.uint32(at: 76 + index * 4)) }
        var difat = header.uint32(at: 68)
        var hops = 0
        while tableAt.count < tableSectors {
            guard difat < sectors, hops <= sectors else { throw .damaged("its allocation table is cut short") }
            let sector = try preadExactly(file, at: (difat + 1) * sectorSize, count: sectorSize)
            let perSector = sectorSize / 4 - 1
            for index in 0..<perSector where tableAt.count < tableSectors {
                tableAt.append(sector.uint32(at: index * 4))
            }
            difat = sector.uint32(at: perSector * 4)
            hops += 1
        }
        var allocation: [UInt32] = []
        allocation.reserveCapacity(tableSectors * sectorSize / 4)
        for sector in tableAt {
            guard sector < sectors else {
                throw .damaged("its allocation table points past the end of the file (cut short?)")
            }
            let bytes = try preadExactly(file, at: (sector + 1) * sectorSize, count: sectorSize)
            for index in 0..<(sectorSize / 4) { allocation.append(UInt32(bytes.uint32(at: index * 4))) }
        }
        self.allocation = allocation
        entries = try readDirectory(start: header.uint32(at: 48))
        guard let root = entries.first, root.type == 5 else { throw .damaged("its directory has no root") }
        let miniTable = try readChain(start: header.uint32(at: 60), size: nil)
        miniAllocation = stride(from: 0, to: miniTable.count - 3, by: 4).map { UInt32(miniTable.uint32(at: $0)) }
    }

    /// The streams and storages at the top of the file (`Workbook`, `WordDocument`): the root's
    /// children, a tree of siblings; a link that loops or points past the directory is passed over.
    var topLevel: [Entry] {
        var found: [Entry] = []
        var pending = [entries[0].child]
        var seen = Set<Int>()
        while let index = pending.popLast() {
            guard index >= 0, index < entries.count, seen.insert(index).inserted else { continue }
            found.append(entries[index])
            pending.append(entries[index].left)
            pending.append(entries[index].right)
        }
        return found
    }

    /// The top-level stream named `name` (compared as Office does, ignoring case).
    func stream(_ name: String) throws(WorkbookError) -> CompoundStream? {
        guard let entry = topLevel.first(where: { $0.type == 2 && $0.name.lowercased() == name.lowercased() }) else {
            return nil
        }
        return try open(entry)
    }

    private func open(_ entry: Entry) throws(WorkbookError) -> CompoundStream {
        guard entry.size < miniCutoff else {
            let sectors = try chain(start: entry.start, in: allocation, limit: sectorCount)
            guard sectors.count * sectorSize >= entry.size else {
                throw .damaged("a stream is shorter than its directory says (cut short?)")
            }
            return .sectors(sectors, sectorSize, entry.size)
        }
        // A stream under 4 KB lives in the "mini stream", itself held in the root's sectors.
        let container = try readChain(start: entries[0].start, size: entries[0].size)
        let miniSectors = try chain(start: entry.start, in: miniAllocation, limit: container.count / miniSectorSize)
        var bytes: [UInt8] = []
        for sector in miniSectors {
            let from = sector * miniSectorSize
            guard from + miniSectorSize <= container.count else { throw .damaged("a stream points past its container") }
            bytes.append(contentsOf: container[from..<(from + miniSectorSize)])
        }
        guard bytes.count >= entry.size else { throw .damaged("a stream is shorter than its directory says") }
        return .memory(Array(bytes[..<entry.size]))
    }

    /// The sectors of the chain starting at `start`, in order; a loop or a sector past the end
    /// is a damaged file.
    private func chain(start: Int, in table: [UInt32], limit: Int) throws(WorkbookError) -> [Int] {
        var sectors: [Int] = []
        var sector = UInt32(truncatingIfNeeded: start)
        while sector != Self.endOfChain {
            guard Int(sector) < limit, Int(sector) < table.count, sectors.count < limit else {
                if sector == 0xFFFF_FFFF && sectors.isEmpty { return [] }
                throw .damaged("a chain of its sectors is broken (cut short?)")
            }
            sectors.append(Int(sector))
            sector = table[Int(sector)]
        }
        return sectors
    }

    /// The whole chain's bytes, cut to `size` when it is known.
    private func readChain(start: Int, size: Int?) throws(WorkbookError) -> [UInt8] {
        let sectors = try chain(start: start, in: allocation, limit: sectorCount)
        let stream = CompoundStream.sectors(sectors, sectorSize, min(size ?? Int.max, sectors.count * sectorSize))
        return try stream.read(file, at: 0, count: stream.size)
    }

    private func readDirectory(start: Int) throws(WorkbookError) -> [Entry] {
        let bytes = try readChain(start: start, size: nil)
        var entries: [Entry] = []
        for at in stride(from: 0, to: bytes.count - 127, by: 128) {
            let nameLength = min(max(bytes.uint16(at: at + 64) / 2 - 1, 0), 31)
            let units = (0..<nameLength).map { UInt16(bytes.uint16(at: at + $0 * 2)) }
            entries.append(
                Entry(
                    name: String(decoding: units, as: UTF16.self), type: Int(bytes[at + 66]),
                    left: Self.id(bytes.uint32(at: at + 68)), right: Self.id(bytes.uint32(at: at + 72)),
                    child: Self.id(bytes.uint32(at: at + 76)), start: bytes.uint32(at: at + 116),
                    // Version 3 files leave the size's high half undefined: only 4-byte sizes there.
                    size: sectorSize == 512 ? bytes.uint32(at: at + 120) : bytes.uint64(at: at + 120)))
        }
        return entries
    }

    private var sectorCount: Int { (fileSize + sectorSize - 1) / sectorSize - 1 }

    /// A directory link: -1 for none.
    private static func id(_ value: Int) -> Int { value >= 0xFFFF_FFFA ? -1 : value }
}

/// One stream of a ``CompoundFile``: its sectors in the file, or its bytes when it is small.
enum CompoundStream {
    case sectors([Int], Int, Int)
    case memory([UInt8])

    var size: Int {
        switch self {
        case .sectors(_, _, let size): size
        case .memory(let bytes): bytes.count
        }
    }

    /// `count` bytes from `offset` in the stream, fewer at its end.
    func read(_ file: Int32, at offset: Int, count: Int) throws(WorkbookError) -> [UInt8] {
        let end = min(offset + count, size)
        guard offset < end else { return [] }
        switch self {
        case .memory(let bytes):
            return Array(bytes[offset..<end])
        case .sectors(let sectors, let sectorSize, _):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(end - offset)
            var at = offset
            while at < end {
                // Runs of consecutive sectors, which is how streams are mostly laid out, in one read.
                let index = at / sectorSize
                var last = index
                while last + 1 < sectors.count, sectors[last + 1] == sectors[last] + 1,
                    (last + 1) * sectorSize < end
                {
                    last += 1
                }
                let runEnd = min((last + 1) * sectorSize, end)
                let fileOffset = (sectors[index] + 1) * sectorSize + at % sectorSize
                bytes.append(contentsOf: try preadExactly(file, at: fileOffset, count: runEnd - at))
                at = runEnd
            }
            return bytes
        }
    }
}
