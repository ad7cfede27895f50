import Glibc

/// An entry of a ``SpooledList``: written as bytes and read back the same.
public protocol SpoolEntry {
    /// The physical line the entry is about (lists are merged in line order).
    var line: Int { get }
    /// Appends the entry's bytes.
    func encode(into bytes: inout [UInt8])
    /// Reads an entry from exactly the bytes ``encode(into:)`` wrote.
    init(decoding bytes: UnsafeRawBufferPointer)
}

/// An append-only list that moves to a file once it outgrows a small buffer.
///
/// The import report lists every rejected row, every warning and (on request) every id: a file
/// of four million rows with 1% bad ones has 40,000 of them. Held in memory they made peak memory
/// grow with the file; here at most `spillBytes` stay in memory and the rest waits in an unlinked
/// file in `directory` (gone when the list is), read back in order when the report is written.
/// If the file cannot be written the entries stay in memory: nothing is lost.
///
/// Not thread-safe: one import appends, then one writer reads; it is handed between them, never shared.
public final class SpooledList<Entry: SpoolEntry>: @unchecked Sendable {
    /// Entries appended.
    public private(set) var count = 0
    /// Frames (a 4-byte little-endian length, then the entry) not written to the file yet.
    private var buffer: [UInt8] = []
    private var directory: String?
    private let spillBytes: Int
    private var descriptor: Int32 = -1
    /// Bytes of whole frames in the file.
    private var fileSize = 0

    /// - Parameters:
    ///   - directory: where the list may spill (nil: it stays in memory).
    ///   - spillBytes: how many bytes of entries stay in memory before they go to the file.
    public init(spillingTo directory: String? = nil, spillBytes: Int = 256 << 10) {
        self.directory = directory
        self.spillBytes = spillBytes
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Whether entries went to a file.
    public var spilled: Bool { fileSize > 0 }

    public func append(_ entry: Entry) {
        let start = buffer.count
        buffer.append(contentsOf: [0, 0, 0, 0])
        entry.encode(into: &buffer)
        let length = UInt32(buffer.count - start - 4)
        for index in 0..<4 { buffer[start + index] = UInt8(truncatingIfNeeded: length >> (8 * index)) }
        count += 1
        if buffer.count >= spillBytes { spill() }
    }

    /// Forgets every entry.
    public func removeAll() {
        buffer = []
        count = 0
        if descriptor >= 0 {
            _ = ftruncate(descriptor, 0)
            fileSize = 0
        }
    }

    /// Reads the entries back in the order they were appended.
    public func makeIterator() -> Iterator { Iterator(list: self) }

    /// Walks a list's entries: the file's frames through a window, then the buffer's.
    public struct Iterator: IteratorProtocol {
        private let list: SpooledList
        private var fileOffset = 0
        private var window: [UInt8] = []
        private var windowStart = 0
        private var bufferOffset = 0

        init(list: SpooledList) { self.list = list }

        public mutating func next() -> Entry? {
            if fileOffset < list.fileSize || windowStart < window.count {
                guard fill(4) else { return nil }
                let length = Self.length(window, at: windowStart)
                guard fill(4 + length) else { return nil }
                defer { windowStart += 4 + length }
                return window.withUnsafeBytes {
                    Entry(decoding: UnsafeRawBufferPointer(rebasing: $0[windowStart + 4..<windowStart + 4 + length]))
                }
            }
            guard bufferOffset < list.buffer.count else { return nil }
            let length = Self.length(list.buffer, at: bufferOffset)
            defer { bufferOffset += 4 + length }
            return list.buffer.withUnsafeBytes {
                Entry(decoding: UnsafeRawBufferPointer(rebasing: $0[bufferOffset + 4..<bufferOffset + 4 + length]))
            }
        }

        /// Makes `count` unread bytes of the file available in the window.
        private mutating func fill(_ count: Int) -> Bool {
            if window.count - windowStart >= count { return true }
            window.removeFirst(windowStart)
            windowStart = 0
            let want = max(count - window.count, 64 << 10)
            let room = min(want, list.fileSize - fileOffset)
            guard room > 0 else { return false }
            let old = window.count
            window.append(contentsOf: repeatElement(0, count: room))
            let read = window.withUnsafeMutableBytes { bytes in
                pread(list.descriptor, bytes.baseAddress! + old, room, off_t(fileOffset))
            }
            guard read == room else {
                window.removeAll()
                fileOffset = list.fileSize
                return false
            }
            fileOffset += room
            return window.count >= count
        }

        private static func length(_ bytes: [UInt8], at offset: Int) -> Int {
            (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
    }

    /// Moves the buffer's frames to the file (created unlinked on first use).
    private func spill() {
        guard let path = directory else { return }
        if descriptor < 0 {
            var template = Array("\(path)/.report-XXXXXX".utf8CString)
            let created = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard created >= 0 else {
                self.directory = nil  // keep everything in memory
                return
            }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            descriptor = created
        }
        let written = buffer.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let count = pwrite(
                    descriptor, bytes.baseAddress! + offset, bytes.count - offset, off_t(fileSize + offset))
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return false }
                offset += count
            }
            return true
        }
        guard written else {
            directory = nil  // the disk refused: what is left stays in memory
            return
        }
        fileSize += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
