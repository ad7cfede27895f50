import Glibc

/// The members of a ZIP archive on disk (an .xlsx workbook is one), read from its central
/// directory at the end of the file: names, sizes, compression and where each member's data is.
///
/// Read with `pread`, never whole: a workbook of a million rows is a hundred megabytes or more.
/// ZIP64 (archives or members over 4 GiB, more than 65,535 members) is understood.
struct ZipDirectory {
    struct Member {
        var name: String
        /// 0 stored, 8 deflated; anything else is refused when the member is read.
        var method: Int
        var flags: Int
        var crc32: UInt32
        var compressedSize: Int
        var size: Int
        /// Where the member's local header starts.
        var headerOffset: Int
    }

    let file: Int32
    let fileSize: Int
    private(set) var members: [String: Member] = [:]

    /// Central directories larger than this are not a workbook's (Excel writes a few dozen members).
    static let maxDirectoryBytes = 16 << 20

    /// Reads the directory of the archive open at `file`.
    init(file: Int32) throws(WorkbookError) {
        self.file = file
        var status = stat()
        guard fstat(file, &status) == 0 else { throw .unreadable("cannot read the file's size") }
        fileSize = Int(status.st_size)
        // The end record is the last 22 bytes, unless a comment (up to 65,535 bytes) follows it.
        let tailLength = min(fileSize, 22 + 65_535 + 20)
        let tail = try preadExactly(file, at: fileSize - tailLength, count: tailLength)
        guard let end = Self.lastSignature(0x0605_4B50, in: tail, minimumLength: 22) else {
            throw .damaged("it is zipped, as an Excel workbook (.xlsx) is, but cut short: its end record is missing")
        }
        var count = Self.uint16(tail, end + 10)
        var directorySize = Self.uint32(tail, end + 12)
        var directoryOffset = Self.uint32(tail, end + 16)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the end record points to the larger end record.
            guard end >= 20, Self.uint32(tail, end - 20) == 0x0706_4B50 else {
                throw .damaged("its ZIP64 end record is missing")
            }
            let zip64End = try preadExactly(file, at: Self.uint64(tail, end - 20 + 8), count: 56)
            guard Self.uint32(zip64End, 0) == 0x0606_4B50 else { throw .damaged("its ZIP64 end record is damaged") }
            count = Self.uint64(zip64End, 32)
            directorySize = Self.uint64(zip64End, 40)
            directoryOffset = Self.uint64(zip64End, 48)
        }
        guard count >= 0, directorySize <= Self.maxDirectoryBytes, directoryOffset + directorySize <= fileSize else {
            throw .damaged("its table of contents lies outside the file")
        }
        let directory = try preadExactly(file, at: directoryOffset, count: directorySize)
        var at = 0
        for _ in 0..<count {
            guard at + 46 <= directory.count, Self.uint32(directory, at) == 0x0201_4B50 else {
                throw .damaged("its table of contents is damaged")
            }
            let nameLength = Self.uint16(directory, at + 28)
            let extraLength = Self.uint16(directory, at + 30)
            let commentLength = Self.uint16(directory, at + 32)
            guard at + 46 + nameLength + extraLength + commentLength <= directory.count else {
                throw .damaged("its table of contents is damaged")
            }
            let name = String(decoding: directory[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            var member = Member(
                name: name, method: Self.uint16(directory, at + 10), flags: Self.uint16(directory, at + 8),
                crc32: UInt32(Self.uint32(directory, at + 16)), compressedSize: Self.uint32(directory, at + 20),
                size: Self.uint32(directory, at + 24), headerOffset: Self.uint32(directory, at + 42))
            Self.applyZip64(
                &member, extra: Array(directory[(at + 46 + nameLength)..<(at + 46 + nameLength + extraLength)]))
            members[name] = member
            at += 46 + nameLength + extraLength + commentLength
        }
    }

    /// The member named `name`; names are compared without regard to case when no exact one
    /// exists (some writers differ from the case their relationships name).
    func member(_ name: String) -> Member? {
        if let member = members[name] { return member }
        let lowered = name.lowercased()
        return members.first { $0.key.lowercased() == lowered }?.value
    }

    /// Where `member`'s compressed data starts: after its local header, whose name and extra
    /// field may differ in length from the directory's.
    func dataOffset(of member: Member) throws(WorkbookError) -> Int {
        let header = try preadExactly(file, at: member.headerOffset, count: 30)
        guard Self.uint32(header, 0) == 0x0403_4B50 else { throw .damaged("member \(member.name) is damaged") }
        let start = member.headerOffset + 30 + Self.uint16(header, 26) + Self.uint16(header, 28)
        guard start + member.compressedSize <= fileSize else {
            throw .damaged("member \(member.name) runs past the end of the file (cut short?)")
        }
        return start
    }

    /// The ZIP64 extra field's sizes and offset, for the fields the directory marks 0xFFFFFFFF.
    private static func applyZip64(_ member: inout Member, extra: [UInt8]) {
        var at = 0
        while at + 4 <= extra.count {
            let id = uint16(extra, at)
            let length = uint16(extra, at + 2)
            guard at + 4 + length <= extra.count else { return }
            if id == 0x0001 {
                var field = at + 4
                let end = at + 4 + length
                if member.size == 0xFFFF_FFFF, field + 8 <= end {
                    member.size = uint64(extra, field)
                    field += 8
                }
                if member.compressedSize == 0xFFFF_FFFF, field + 8 <= end {
                    member.compressedSize = uint64(extra, field)
                    field += 8
                }
                if member.headerOffset == 0xFFFF_FFFF, field + 8 <= end { member.headerOffset = uint64(extra, field) }
                return
            }
            at += 4 + length
        }
    }

    private static func lastSignature(_ signature: Int, in bytes: [UInt8], minimumLength: Int) -> Int? {
        guard bytes.count >= minimumLength else { return nil }
        for at in stride(from: bytes.count - minimumLength, through: 0, by: -1) where uint32(bytes, at) == signature {
            return at
        }
        return nil
    }

    static func uint16(_ bytes: [UInt8], _ at: Int) -> Int { bytes.uint16(at: at) }
    static func uint32(_ bytes: [UInt8], _ at: Int) -> Int { bytes.uint32(at: at) }
    static func uint64(_ bytes: [UInt8], _ at: Int) -> Int { bytes.uint64(at: at) }
}
