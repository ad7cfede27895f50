import ComplaintCore
import Glibc

/// The district an address names, from a profile's `districts` list.
///
/// Call-centre exports rarely have a district column, but their address almost always names it
/// (`杭州市西湖区文三路1号`), and district offices are where complaints go: rules route on
/// `location.district`. The district is the listed name that occurs first in the address; a tie
/// (one name starting where another does) goes to the longer name. Latin letters match in any
/// case, and a name that begins or ends with a letter or digit must stand as a word there
/// (`Queens` is not found in `Queensbridge Rd`). Names and addresses are both NFC, so their UTF-8
/// bytes are compared directly: no per-row string normalization.
public struct DistrictFinder: Sendable {
    /// The names as listed (NFC), with their UTF-8 bytes, ASCII letters lowercased.
    private let names: [(name: String, bytes: [UInt8])]
    /// Whether a name holds an ASCII letter: only then is the address lowercased (a copy per row).
    private let foldsCase: Bool

    public init(_ names: [String]) {
        self.names = names.map { name in
            let normalized = TextNormalizer.normalize(name)
            return (normalized, normalized.utf8.map(Self.lowercased))
        }
        foldsCase = names.contains { $0.utf8.contains(where: Self.isLetter) }
    }

    public var isEmpty: Bool { names.isEmpty }

    /// The listed district `address` names first, or nil when it names none.
    public func district(in address: String) -> String? { searchable(address, first(in:)) }

    /// `text`'s UTF-8 bytes as the names are compared with them: ASCII letters lowercased when a
    /// name holds one (a copy), else the string's own bytes.
    private func searchable<Result>(_ text: String, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        if foldsCase { return text.utf8.map(Self.lowercased).withUnsafeBytes(body) }
        var text = text
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// The one listed district `texts` name, or nil when they name none or several (`我住滨江区，
    /// 在西湖区上班` could be either). A name found only inside another found name (`西湖` in
    /// `西湖区`, both listed) is not one more.
    public func onlyDistrict(in texts: [String]) -> String? {
        var found: [String] = []
        for text in texts {
            searchable(text) { bytes in
                for (name, needle) in names where !needle.isEmpty && !found.contains(name) {
                    if Self.firstOffset(of: needle, in: bytes) != nil { found.append(name) }
                }
            }
        }
        let distinct = found.filter { name in !found.contains { $0 != name && $0.contains(name) } }
        return distinct.count == 1 ? distinct[0] : nil
    }

    private func first(in haystack: UnsafeRawBufferPointer) -> String? {
        var best: (offset: Int, length: Int, name: String)?
        for (name, bytes) in names where !bytes.isEmpty {
            guard let offset = Self.firstOffset(of: bytes, in: haystack) else { continue }
            if best == nil || offset < best!.offset || (offset == best!.offset && bytes.count > best!.length) {
                best = (offset, bytes.count, name)
            }
        }
        return best?.name
    }

    /// The listed spelling of `name` when it is a listed district in another case (`BROOKLYN`), so
    /// a district column's value meets the rules' `district` conditions; else nil.
    public func listed(_ name: String) -> String? {
        if names.isEmpty { return nil }  // no list: no copy of the value per row
        let folded = name.utf8.map(Self.lowercased)
        return names.first { $0.bytes == folded }?.name
    }

    /// Where `needle` first stands in `haystack` (as a word, where it begins or ends with a letter
    /// or digit): `memchr` to each candidate first byte, `memcmp` the rest.
    private static func firstOffset(of needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let base = haystack.baseAddress, needle.count <= haystack.count else { return nil }
        let wordStart = isWordByte(needle[0])
        let wordEnd = isWordByte(needle[needle.count - 1])
        return needle.withUnsafeBytes { needleBytes in
            let last = haystack.count - needle.count
            var start = 0
            while start <= last {
                guard let hit = memchr(base + start, Int32(needle[0]), last - start + 1) else { return nil }
                let offset = UnsafeRawPointer(hit) - base
                start = offset + 1
                guard memcmp(base + offset, needleBytes.baseAddress!, needle.count) == 0 else { continue }
                if wordStart && offset > 0 && isWordByte(haystack[offset - 1]) { continue }
                let end = offset + needle.count
                if wordEnd && end < haystack.count && isWordByte(haystack[end]) { continue }
                return offset
            }
            return nil
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    private static func isWordByte(_ byte: UInt8) -> Bool { isLetter(byte) || (0x30...0x39).contains(byte) }
    private static func lowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
}

extension DistrictFinder {
    /// A configuration's `districts:` list, NFC: an entry listed twice (Latin names in any case,
    /// as they match) is an error at its line.
    public static func readList(_ node: ConfigNode) -> [String] {
        var districts: [String] = []
        for item in node.items() {
            guard let name = item.requiredString() else { continue }
            let normalized = TextNormalizer.normalize(name)
            if let earlier = districts.first(where: { $0.lowercased() == normalized.lowercased() }) {
                item.error(
                    "district \"\(normalized)\" is listed twice" + (earlier == normalized ? "" : " (as \"\(earlier)\")")
                )
            } else {
                districts.append(normalized)
            }
        }
        return districts
    }
}
