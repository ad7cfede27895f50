import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A progress bar on standard error when it is a terminal; silent otherwise (logs and CI).
final class ProgressBar {
    private let total: Int
    private let unit: String
    private let enabled = isatty(STDERR_FILENO) == 1
    private var lastDrawn = Date.distantPast

    init(total: Int, unit: String) {
        self.total = total
        self.unit = unit
    }

    func update(_ done: Int) {
        guard enabled, done == total || Date().timeIntervalSince(lastDrawn) > 0.1 else { return }
        lastDrawn = Date()
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) \(unit)".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
