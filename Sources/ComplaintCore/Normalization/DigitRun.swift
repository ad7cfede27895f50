/// A run of ASCII digits inside the phone normalizer's scratch buffer.
///
/// The rules peel prefixes (`00`, `86`, a trunk `0`) off the same buffer; a run is a view
/// with zero-based indexing, so they do that without copying or allocating.
struct DigitRun {
    /// The scratch buffer the digits live in.
    let base: UnsafeBufferPointer<UInt8>
    /// The digits of this run within `base`.
    let range: Range<Int>

    /// The number of digits.
    var count: Int { range.count }

    /// The ASCII digit at zero-based `index`.
    subscript(index: Int) -> UInt8 { base[range.lowerBound + index] }

    /// The first digit, if any.
    var first: UInt8? { range.isEmpty ? nil : base[range.lowerBound] }

    /// Whether the run starts with `prefix`, given as ASCII digits.
    func hasPrefix(_ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { prefix in
            prefix.count <= count && prefix.indices.allSatisfy { self[$0] == prefix[$0] }
        }
    }

    /// The run without its first `n` digits.
    func dropFirst(_ n: Int) -> DigitRun {
        DigitRun(base: base, range: (range.lowerBound + min(n, count))..<range.upperBound)
    }

    /// The run's first `n` digits.
    func prefix(_ n: Int) -> DigitRun {
        DigitRun(base: base, range: range.lowerBound..<(range.lowerBound + min(n, count)))
    }

    /// The digits as text.
    var text: String { String(decoding: UnsafeBufferPointer(rebasing: base[range]), as: UTF8.self) }
}
