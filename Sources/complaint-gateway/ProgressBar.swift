import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line progress bar on standard error, redrawn at most every tenth of a second; silent
/// when standard error is not a terminal (logs, CI), so only the final summary is printed there.
final class ProgressBar: @unchecked Sendable {
    /// What `done` and `total` count.
    enum Unit {
        case bytes
        case items(String)
    }

    private let enabled: Bool
    private let unit: Unit
    private let lock = NSLock()
    private var lastDraw = Date.distantPast

    init(unit: Unit, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.unit = unit
        self.enabled = enabled
    }

    func update(done: Int, total: Int) {
        guard enabled, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
        lastDraw = now
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let amount =
            switch unit {
            case .bytes: String(format: "%.1f / %.1f MB", Double(done) / 1e6, Double(total) / 1e6)
            case .items(let name): "\(done) / \(total) \(name)"
            }
        FileHandle.standardError.write(Data("\r[\(bar)] \(Int(fraction * 100))%  \(amount)".utf8))
    }

    /// Removes the bar, before the summary is printed.
    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
