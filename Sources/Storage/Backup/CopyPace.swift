import Foundation

/// Holds a long copy to a rate, so that a backup leaves the disk to the serving gateway: each
/// call after a chunk sleeps for as long as the copy is ahead of the rate since it began.
public struct CopyPace: Sendable {
    /// Bytes per second; nil copies as fast as the disk goes.
    public let bytesPerSecond: Int?
    private let started = ContinuousClock.now
    private var bytes = 0

    public init(bytesPerSecond: Int?) {
        self.bytesPerSecond = bytesPerSecond.map { max(1, $0) }
    }

    /// Counts `count` more bytes copied, then waits until the rate allows them.
    public mutating func copied(_ count: Int) {
        bytes += count
        guard let bytesPerSecond else { return }
        let due = started + .seconds(Double(bytes) / Double(bytesPerSecond))
        let ahead = due - ContinuousClock.now
        guard ahead > .zero else { return }
        let (seconds, attoseconds) = ahead.components
        Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// A rate as `curl --limit-rate` takes it: bytes per second, or with a suffix K, M or G
    /// (powers of 1024; `40M` is 40 MiB/s). Nil for anything else, zero included.
    public static func parseRate(_ text: String) -> Int? {
        var digits = text.trimmingCharacters(in: .whitespaces)
        var unit = 1
        if let last = digits.last, let power = ["k": 1, "m": 2, "g": 3][last.lowercased()] {
            unit = 1 << (10 * power)
            digits.removeLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(digits), value.isFinite
        else { return nil }
        let rate = value * Double(unit)
        guard rate >= 1, rate < Double(Int.max) else { return nil }
        return Int(rate)
    }
}
