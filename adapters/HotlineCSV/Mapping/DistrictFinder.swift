import ComplaintCore
import Glibc

/// The district an address names, from a profile's `districts` list.
///
/// Call-centre exports rarely have a district column, but their address almost always names it
/// (`杭州市西湖区文三路1号`), and district offices are where complaints go: rules route on
/// `location.district`. The district is the listed name that occurs first in the address; a tie
/// (one name starting where another does, `新区` inside `新区街道`?) goes to the longer name.
/// Names and addresses are both NFC, so their UTF-8 bytes are compared directly: no per-row
/// string normalization.
public struct DistrictFinder: Sendable {
    /// The names as listed (NFC), with their UTF-8 bytes.
    private let names: [(name: String, bytes: [UInt8])]

    public init(_ names: [String]) {
        self.names = names.map { name in
            let normalized = TextNormalizer.normalize(name)
            return (normalized, Array(normalized.utf8))
        }
    }

    public var isEmpty: Bool { names.isEmpty }

    /// The listed district `address` names first, or nil when it names none.
    public func district(in address: String) -> String? {
        var address = address
        return address.withUTF8 { haystack -> String? in
            var best: (offset: Int, length: Int, name: String)?
            for (name, bytes) in names where !bytes.isEmpty {
                guard let offset = Self.firstOffset(of: bytes, in: UnsafeRawBufferPointer(haystack)) else { continue }
                if best == nil || offset < best!.offset || (offset == best!.offset && bytes.count > best!.length) {
                    best = (offset, bytes.count, name)
                }
            }
            return best?.name
        }
    }

    /// Where `needle` first starts in `haystack`: `memchr` to each candidate first byte, `memcmp` the rest.
    private static func firstOffset(of needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let base = haystack.baseAddress, needle.count <= haystack.count else { return nil }
        return needle.withUnsafeBytes { needle in
            let last = haystack.count - needle.count
            var start = 0
            while start <= last {
                guard let hit = memchr(base + start, Int32(needle[0]), last - start + 1) else { return nil }
                let offset = UnsafeRawPointer(hit) - base
                if memcmp(base + offset, needle.baseAddress!, needle.count) == 0 { return offset }
                start = offset + 1
            }
            return nil
        }
    }
}
