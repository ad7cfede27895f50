import Glibc

/// Fills `buffer` from `file` at `offset` with `pread`, again after a short read or an
/// interrupted call.
/// - Returns: The bytes read: fewer than `buffer.count` only at the end of the file or on an error.
func preadFully(_ file: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
    var done = 0
    while done < buffer.count {
        let got = pread(file, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
        if got < 0 && errno == EINTR { continue }
        guard got > 0 else { break }
        done += got
    }
    return done
}

/// Writes all of `bytes` to `file`, again after a short write or an interrupted call.
/// - Returns: Whether all were written (not on a full disk or another error).
func writeFully(_ file: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var done = 0
    while done < bytes.count {
        let wrote = write(file, bytes.baseAddress! + done, bytes.count - done)
        if wrote < 0 && errno == EINTR { continue }
        guard wrote > 0 else { return false }
        done += wrote
    }
    return true
}

/// A new temporary file in `directory`, already unlinked: gone from the folder at once, the
/// descriptor keeps it until it is closed. `name` says what it holds, should one be seen.
func unlinkedTemporaryFile(in directory: String, name: String) throws(WorkbookError) -> Int32 {
    var template = Array((directory + "/.\(name)-XXXXXX").utf8CString)
    let file = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard file >= 0 else { throw .unreadable("cannot create a temporary file in \(directory)") }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return file
}

/// `count` bytes of `file` from `offset`, all of them: a file that ends sooner is cut short.
func preadExactly(_ file: Int32, at offset: Int, count: Int) throws(WorkbookError) -> [UInt8] {
    guard offset >= 0, count >= 0 else { throw .damaged("it points outside the file") }
    var bytes = [UInt8](repeating: 0, count: count)
    let got = bytes.withUnsafeMutableBytes { preadFully(file, into: $0, at: offset) }
    guard got == count else { throw .damaged("it is shorter than its table of contents says (cut short?)") }
    return bytes
}

extension [UInt8] {
    /// Little-endian integers, as ZIP, the compound file and BIFF records store them.
    func uint16(at index: Int) -> Int { Int(self[index]) | Int(self[index + 1]) << 8 }
    func uint32(at index: Int) -> Int { uint16(at: index) | uint16(at: index + 2) << 16 }
    func uint64(at index: Int) -> Int {
        // Beyond Int.max is no real offset: made negative, it fails the bounds checks.
        Int(truncatingIfNeeded: UInt64(uint32(at: index)) | UInt64(uint32(at: index + 4)) << 32)
    }
}

extension UInt32 {
    /// The value's 4 bytes, least significant first, as the encryption schemes hash block numbers.
    var littleEndianBytes: [UInt8] { (0..<4).map { UInt8(self >> ($0 * 8) & 0xFF) } }
}
