/// The records of an Excel 97–2003 workbook stream (BIFF8), read in order from an offset: each a
/// 2-byte type, a 2-byte length and up to 8,224 bytes of body.
///
/// The stream is read from the file a block at a time, so a sheet of any size is read in flat
/// memory.
final class BIFFRecords {
    struct Record {
        var type: Int
        var body: [UInt8]
    }

    private let file: Int32
    private let stream: CompoundStream
    private var buffer: [UInt8] = []
    private var bufferStart: Int
    private var at = 0
    /// The stream offset of the next record.
    var offset: Int { bufferStart + at }
    /// Set once a `FILEPASS` record said how the records after it are encrypted.
    var decryption: BIFFDecryption?
    var size: Int { stream.size }

    static let blockSize = 256 << 10

    init(file: Int32, stream: CompoundStream, from offset: Int) {
        self.file = file
        self.stream = stream
        bufferStart = offset
    }

    /// The next record, or nil at the end of the stream.
    func next() throws(WorkbookError) -> Record? {
        guard try available(4) else {
            if buffer.count - at > 0 { throw .damaged("its workbook stream ends inside a record (cut short?)") }
            return nil
        }
        let type = buffer.uint16(at: at)
        let length = buffer.uint16(at: at + 2)
        guard try available(4 + length) else { throw .damaged("its workbook stream ends inside a record (cut short?)") }
        var body = Array(buffer[(at + 4)..<(at + 4 + length)])
        if let decryption, !Record.neverEncrypted.contains(type) {
            decryption.decrypt(&body, at: offset + 4, plain: type == Record.boundSheet ? 4 : 0)
        }
        at += 4 + length
        return Record(type: type, body: body)
    }

    /// Moves past the next record without reading (or decrypting) its body.
    func skip() throws(WorkbookError) {
        // Called after `peekType()` found a record's start: fewer than its 4 header bytes is a cut.
        guard try available(4) else { throw .damaged("its workbook stream ends inside a record (cut short?)") }
        let length = buffer.uint16(at: at + 2)
        guard try available(4 + length) else { throw .damaged("its workbook stream ends inside a record (cut short?)") }
        at += 4 + length
    }

    /// The next record's body when it is a CONTINUE record (one that carries on the record
    /// before, which was longer than 8,224 bytes); nil, and nothing read, when it is another.
    func continuation() throws(WorkbookError) -> [UInt8]? {
        guard try peekType() == Record.continue else { return nil }
        return try next()?.body
    }

    /// The type of the record after the current one, without reading it.
    func peekType() throws(WorkbookError) -> Int? {
        guard try available(2) else { return nil }
        return buffer.uint16(at: at)
    }

    /// Whether `count` bytes from the current record on are in the buffer, reading more if not.
    private func available(_ count: Int) throws(WorkbookError) -> Bool {
        if buffer.count - at >= count { return true }
        let kept = Array(buffer[at...])
        bufferStart += at
        at = 0
        let more = try stream.read(file, at: bufferStart + kept.count, count: max(Self.blockSize, count))
        buffer = kept + more
        return buffer.count >= count
    }
}

extension BIFFRecords.Record {
    // The record types read here ([MS-XLS] 2.3).
    static let bof = 0x0809
    static let eof = 0x000A
    static let filePass = 0x002F
    static let dateMode = 0x0022
    static let codePage = 0x0042
    static let format = 0x041E
    static let extendedFormat = 0x00E0
    static let boundSheet = 0x0085
    static let sharedStrings = 0x00FC
    static let `continue` = 0x003C
    static let labelSST = 0x00FD
    static let label = 0x0204
    static let richString = 0x00D6
    static let number = 0x0203
    static let rk = 0x027E
    static let multipleRK = 0x00BD
    static let boolOrError = 0x0205
    static let formula = 0x0006
    static let string = 0x0207
    static let row = 0x0208
    /// The records an encrypted workbook keeps in clear: BOF, FILEPASS, USREXCL, FILELOCK,
    /// INTERFACEHDR, RRDINFO, RRDHEAD ([MS-XLS] 2.2.10).
    static let neverEncrypted: Set<Int> = [bof, filePass, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138]
}
