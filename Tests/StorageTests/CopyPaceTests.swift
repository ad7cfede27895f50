import Foundation
import GatewayTestSupport
import Storage
import Testing

/// A backup's pace: how `--limit-rate` is read, and that a copy keeps to it.
@Suite struct CopyPaceTests {
    @Test("rates are read as curl's --limit-rate reads them")
    func parsing() {
        #expect(CopyPace.parseRate("1000000") == 1_000_000)
        #expect(CopyPace.parseRate("512K") == 512 * 1024)
        #expect(CopyPace.parseRate("40m") == 40 << 20)
        #expect(CopyPace.parseRate("1.5G") == 3 << 29)
        #expect(CopyPace.parseRate(" 8M ") == 8 << 20)
        for bad in ["", "M", "0", "0.5", "-1M", "40MB", "40 M/s", "fast", "1e9", "nan"] {
            #expect(CopyPace.parseRate(bad) == nil, "\(bad)")
        }
    }

    @Test("a paced copy takes at least its bytes over the rate; an unpaced one never waits")
    func keepsToTheRate() async {
        // The pace sleeps its thread: never one of the pool's, which other tests need meanwhile.
        let waited = await onOwnThread {
            var unpaced = CopyPace(bytesPerSecond: nil)
            unpaced.copied(1 << 40)  // a terabyte: any wait at all would be hours

            let started = ContinuousClock.now
            var pace = CopyPace(bytesPerSecond: 8 << 20)
            for _ in 0..<4 { pace.copied(3 << 20) }  // 12 MiB at 8 MiB/s: 1.5 s
            return ContinuousClock.now - started
        }
        #expect(waited >= .milliseconds(1450))
    }

    @Test("a paced file copy is the same bytes, new, owner-only, and kept to the rate")
    func pacedFileCopy() async throws {
        try await withTemporaryDirectory { directory in
            let source = directory.appendingPathComponent("upload.csv")
            let bytes = Data((0..<(9 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
            try bytes.write(to: source)
            let copy = directory.appendingPathComponent("copy.csv")
            let (copied, waited) = try await onOwnThread {
                let started = ContinuousClock.now
                var pace = CopyPace(bytesPerSecond: 6 << 20)
                let copied = try PacedFileCopy.copy(from: source, to: copy, pace: &pace)
                return (copied, ContinuousClock.now - started)
            }
            #expect(copied == bytes.count)
            #expect(waited >= .milliseconds(1450))  // 9 MiB at 6 MiB/s
            var pace = CopyPace(bytesPerSecond: nil)
            #expect(try Data(contentsOf: copy) == bytes)
            let mode = try FileManager.default.attributesOfItem(atPath: copy.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            // Never over an existing file: a backup does not overwrite.
            #expect(throws: StorageError.self) { try PacedFileCopy.copy(from: source, to: copy, pace: &pace) }
            #expect(throws: StorageError.self) {
                try PacedFileCopy.copy(from: directory.appendingPathComponent("none"), to: copy, pace: &pace)
            }
        }
    }
}
