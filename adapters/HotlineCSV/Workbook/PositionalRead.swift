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
