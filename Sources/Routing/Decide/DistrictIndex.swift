import Foundation

/// The districts `district` conditions name, interned, found by their UTF-8 bytes.
///
/// Hashing or comparing a Swift `String` of Chinese text normalizes it first, which costs more
/// than the rest of a decision's district work; comparing bytes does not. `String` equality is
/// canonical equivalence, and for text of ASCII and CJK ideographs only ("plain": no character
/// decomposes or combines) that is byte equality. So the plain districts are kept as bytes; a
/// name with the same bytes as one of them is that district (identical bytes are always an equal
/// string); a plain name matching none is named by no condition unless some district is not
/// plain; anything else goes to the `String` dictionary: the answer is always the dictionary's.
///
/// A class: a decision then reaches the tables through one reference instead of copying
/// (and reference counting) each of them.
final class DistrictIndex: @unchecked Sendable {
    /// Every district, interned.
    let ids: [String: Int32]
    /// The districts that are not plain, compared as strings.
    private let otherNames: [String]
    /// Open addressing by FNV-1a of the bytes of the plain districts (size a power of two).
    /// Immutable after init, in manually allocated memory so a lookup costs no reference counting.
    private let slots: UnsafeMutableBufferPointer<Slot>
    /// The plain districts' UTF-8, one after another.
    private let bytes: UnsafeMutableBufferPointer<UInt8>

    /// One slot: the district `id` (-1: empty) whose name hashes to `hash` and is
    /// `bytes[start..<start + length]`.
    private struct Slot {
        var id: Int32 = -1
        var length: Int32 = 0
        var start = 0
        var hash: UInt64 = 0
    }

    init(_ ids: [String: Int32]) {
        self.ids = ids
        var size = 8
        while size < ids.count * 2 { size *= 2 }
        var slots = [Slot](repeating: Slot(), count: size)
        var bytes: [UInt8] = []
        var otherNames: [String] = []
        for (name, id) in ids {
            let utf8 = Array(name.utf8)
            guard utf8.withUnsafeBufferPointer(Self.isPlain) else {
                otherNames.append(name)
                continue
            }
            let hash = utf8.withUnsafeBufferPointer(Self.hash)
            var slot = Int(hash & UInt64(size - 1))
            while slots[slot].id >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Slot(id: id, length: Int32(utf8.count), start: bytes.count, hash: hash)
            bytes.append(contentsOf: utf8)
        }
        self.slots = .allocate(capacity: size)
        _ = self.slots.initialize(from: slots)
        self.bytes = .allocate(capacity: max(1, bytes.count))
        _ = self.bytes.initialize(from: bytes)
        self.otherNames = otherNames
    }

    deinit {
        slots.deallocate()
        bytes.deallocate()
    }

    /// The id of `name`, -1 when no condition names it.
    func id(of name: String) -> Int32 {
        if ids.isEmpty { return -1 }
        var name = name
        // nil: not decided by bytes.
        let found: Int32? = name.withUTF8 { name in
            // Identical bytes are an equal string, whatever the characters: a hit needs no more.
            let hash = Self.hash(name)
            let mask = slots.count - 1
            var slot = Int(hash & UInt64(mask))
            while slots[slot].id >= 0 {
                let entry = slots[slot]
                if entry.hash == hash && Int(entry.length) == name.count
                    && memcmp(bytes.baseAddress! + entry.start, name.baseAddress!, name.count) == 0
                {
                    return entry.id
                }
                slot = (slot + 1) & mask
            }
            // A miss is final only for a plain name when every district is plain.
            return otherNames.isEmpty && Self.isPlain(name) ? -1 : nil
        }
        return found ?? ids[name] ?? -1
    }

    /// FNV-1a of `bytes`.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    /// Whether `bytes` are plain text: ASCII and CJK ideographs (U+3400 to U+9FFF, E3 90 80 to E9 BF BF).
    private static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            guard byte >= 0xE3 && byte <= 0xE9, index + 3 <= bytes.count else {
                return false
            }
            if byte == 0xE3 && bytes[index + 1] < 0x90 { return false }
            index += 3
        }
        return true
    }
}
