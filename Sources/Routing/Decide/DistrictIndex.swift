import Foundation

/// The districts `district` conditions name, interned, found by their UTF-8 bytes.
///
/// Hashing or comparing a Swift `String` of Chinese text normalizes it first, which costs more
/// than the rest of a decision's district work; comparing bytes does not. `String` equality is
/// canonical equivalence, and for text of ASCII and CJK ideographs only ("plain": no character
/// decomposes or combines) that is byte equality. So plain names are found by their bytes,
/// a plain name missing from the plain districts is named by no condition unless some district
/// is not plain (then compared as a `String`), and any other name goes to the `String` dictionary:
/// the answer is always the dictionary's.
///
/// A class: a decision then reaches the tables through one reference instead of copying
/// (and reference counting) each of them.
final class DistrictIndex: Sendable {
    /// Every district, interned.
    let ids: [String: Int32]
    /// The districts that are not plain, compared as strings.
    private let otherNames: [String]
    /// Open addressing by FNV-1a of the bytes of the plain districts: an entry number, -1 for an empty slot.
    private let slots: [Int32]
    /// Entry `e` is the district `entryIDs[e]` whose bytes are `bytes[starts[e]..<starts[e + 1]]`.
    private let entryIDs: [Int32]
    private let starts: [Int]
    private let bytes: [UInt8]

    init(_ ids: [String: Int32]) {
        self.ids = ids
        var size = 8
        while size < ids.count * 2 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        var entryIDs: [Int32] = []
        var starts = [0]
        var bytes: [UInt8] = []
        var otherNames: [String] = []
        for (name, id) in ids {
            let utf8 = Array(name.utf8)
            guard let hash = Self.plainHash(utf8) else {
                otherNames.append(name)
                continue
            }
            var slot = Int(hash & UInt64(size - 1))
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(entryIDs.count)
            entryIDs.append(id)
            bytes.append(contentsOf: utf8)
            starts.append(bytes.count)
        }
        self.slots = slots
        self.entryIDs = entryIDs
        self.starts = starts
        self.bytes = bytes
        self.otherNames = otherNames
    }

    /// The id of `name`, -1 when no condition names it.
    func id(of name: String) -> Int32 {
        if ids.isEmpty { return -1 }
        var name = name
        // nil: not decided by bytes.
        let found: Int32? = name.withUTF8 { name in
            guard let hash = Self.plainHash(name) else { return nil }
            return slots.withUnsafeBufferPointer { slots in
                let mask = slots.count - 1
                var slot = Int(hash & UInt64(mask))
                while slots[slot] >= 0 {
                    let entry = Int(slots[slot])
                    if equal(entry, name) { return entryIDs[entry] }
                    slot = (slot + 1) & mask
                }
                return otherNames.isEmpty ? -1 : nil
            }
        }
        return found ?? ids[name] ?? -1
    }

    /// Whether entry `entry`'s bytes are `name`.
    private func equal(_ entry: Int, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[entry]
        guard starts[entry + 1] - start == name.count else { return false }
        return bytes.withUnsafeBufferPointer { bytes in
            memcmp(bytes.baseAddress! + start, name.baseAddress!, name.count) == 0
        }
    }

    /// FNV-1a of `bytes` when they are plain text (ASCII and CJK ideographs), else nil.
    private static func plainHash(_ bytes: some Collection<UInt8>) -> UInt64? {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
            if byte < 0x80 { continue }
            // A three-byte character from U+3400 (E3 90 80) to U+9FFF (E9 BF BF).
            guard byte >= 0xE3 && byte <= 0xE9, let second = iterator.next(), let third = iterator.next() else {
                return nil
            }
            if byte == 0xE3 && second < 0x90 { return nil }
            hash = (hash ^ UInt64(second)) &* 0x100_0000_01B3
            hash = (hash ^ UInt64(third)) &* 0x100_0000_01B3
        }
        return hash
    }
}
