import CZlibShim
import Glibc

/// One member of a ZIP archive read piece by piece: stored bytes as they are, deflated ones
/// through zlib. Memory is one compressed and one inflated chunk whatever the member's size, and
/// each piece handed over is one chunk at most.
///
/// The CRC-32 the directory records is checked at the end: a workbook damaged in transit is
/// refused, not read into wrong rows.
final class ZipMemberStream {
    let member: ZipDirectory.Member
    private let file: Int32
    private var offset: Int
    private var remaining: Int
    private var stream = z_stream()
    private var inflating = false
    private var crc: UInt = 0
    private var produced = 0
    private var finished = false
    private let input: UnsafeMutableRawBufferPointer
    private let output: UnsafeMutableRawBufferPointer

    static let chunkBytes = 256 << 10
    /// Inflated bytes allowed per compressed byte before the member counts as a decompression
    /// bomb: Excel's sheet XML compresses about 10 to 1; zlib's limit is about 1,032 to 1.
    static let maxRatio = 1100

    init(_ directory: ZipDirectory, _ member: ZipDirectory.Member) throws(WorkbookError) {
        guard member.flags & 1 == 0 else {
            throw .unsupported("it is encrypted (saved with a password): remove the password first")
        }
        guard member.method == 0 || member.method == 8 else {
            throw .unsupported("its part \(member.name) is compressed with method \(member.method), not deflate")
        }
        self.member = member
        file = directory.file
        offset = try directory.dataOffset(of: member)
        remaining = member.compressedSize
        input = .allocate(byteCount: Self.chunkBytes, alignment: 16)
        output = .allocate(byteCount: Self.chunkBytes, alignment: 16)
        if member.method == 8 {
            guard cg_inflate_raw_init(&stream) == Z_OK else {
                input.deallocate()
                output.deallocate()
                throw .unreadable("zlib could not start")
            }
            inflating = true
        }
    }

    deinit {
        if inflating { inflateEnd(&stream) }
        input.deallocate()
        output.deallocate()
    }

    /// Reads the next piece and hands its bytes to `body`: at most one chunk of them, inflated,
    /// however well the member compresses (an .ods's XML does 50 to 1), so a reader that needs
    /// only a sheet's first rows parses little more than those.
    /// - Returns: The compressed bytes consumed (at least 1 while the member lasts), 0 once the
    ///   member is read to its end.
    func next(_ body: (UnsafeRawBufferPointer) throws(WorkbookError) -> Void) throws(WorkbookError) -> Int {
        guard !finished else { return 0 }
        if !inflating {
            let count = min(remaining, input.count)
            if count > 0 { try readFully(count) }
            remaining -= count
            let bytes = UnsafeRawBufferPointer(rebasing: input[0..<count])
            try deliver(bytes, body)
            if remaining == 0 { try end() }
            return max(count, 1)
        }
        // The input left from the last piece is inflated first; a new chunk is read once it is used up.
        if stream.avail_in == 0 {
            let count = min(remaining, input.count)
            if count > 0 { try readFully(count) }
            remaining -= count
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(count)
        }
        let available = Int(stream.avail_in)
        stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(output.count)
        let status = inflate(&stream, Z_NO_FLUSH)
        let made = output.count - Int(stream.avail_out)
        if made > 0 { try deliver(UnsafeRawBufferPointer(rebasing: output[0..<made]), body) }
        switch status {
        case Z_STREAM_END: try end()
        case Z_OK, Z_BUF_ERROR:
            // Room left for output and no input left to give: the deflate stream stops short.
            if remaining == 0 && stream.avail_in == 0 && stream.avail_out > 0 {
                throw .damaged("its part \(member.name) ends too soon (cut short?)")
            }
        default: throw .damaged("its part \(member.name) does not decompress")
        }
        return max(available - Int(stream.avail_in), 1)
    }

    /// Reads the member to its end through an XML scanner into `handler`.
    func scan<Handler: XMLScannerHandler>(into handler: inout Handler) throws(WorkbookError) {
        var scanner = XMLScanner()
        while try next({ (bytes) throws(WorkbookError) in try scanner.feed(bytes, into: &handler) }) > 0 {}
        try scanner.finish()
    }

    private func deliver(
        _ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(WorkbookError) -> Void
    ) throws(WorkbookError) {
        produced += bytes.count
        guard produced <= max(member.compressedSize, 1 << 20) * Self.maxRatio else {
            throw .damaged("its part \(member.name) inflates far beyond any workbook (a decompression bomb?)")
        }
        crc = crc32(crc, bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
        try body(bytes)
    }

    private func end() throws(WorkbookError) {
        finished = true
        guard UInt32(truncatingIfNeeded: crc) == member.crc32 else {
            throw .damaged("its part \(member.name) fails its checksum (damaged in copying or uploading?)")
        }
        guard produced == member.size else {
            throw .damaged("its part \(member.name) is not the size its table of contents says")
        }
    }

    private func readFully(_ count: Int) throws(WorkbookError) {
        guard preadFully(file, into: UnsafeMutableRawBufferPointer(rebasing: input[0..<count]), at: offset) == count
        else {
            throw .damaged("it is shorter than its table of contents says (cut short?)")
        }
        offset += count
    }
}
