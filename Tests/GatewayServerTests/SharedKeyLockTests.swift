import Foundation
import Synchronization
import Testing

@testable import GatewayServer

@Suite("A key lock shared by the processes on one data directory")
struct SharedKeyLockTests {
    @Test("two holders of the lock file (as two processes are) take one key in turn; other keys pass")
    func excludesAcrossOpenFiles() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cg-keylock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Two opens of the file: the kernel tells them apart as it tells two processes apart.
        let gateway = try SharedKeyLock(path: path)
        let importer = try SharedKeyLock(path: path)
        let events = Mutex<[String]>([])
        let held = AsyncStream<Void>.makeStream()
        let otherPassed = AsyncStream<Void>.makeStream()
        let first = Task {
            try await gateway.withLock("<m1@example.cn>") {
                events.withLock { $0.append("gateway in") }
                held.continuation.yield()
                // Held until the other key has been through, or for 10 s: had the other key
                // waited for this one, it comes after "gateway out".
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { for await _ in otherPassed.stream { break } }
                    group.addTask { try? await Task.sleep(for: .seconds(10)) }
                    await group.next()
                    group.cancelAll()
                }
                events.withLock { $0.append("gateway out") }
            }
        }
        for await _ in held.stream { break }
        // Another message is not held up by it.
        try await importer.withLock("<m2@example.cn>") { events.withLock { $0.append("other key") } }
        otherPassed.continuation.yield()
        try await importer.withLock("<m1@example.cn>") { events.withLock { $0.append("importer in") } }
        try await first.value
        #expect(events.withLock { $0 } == ["gateway in", "other key", "gateway out", "importer in"])
    }

    @Test("a key's byte is the same in every process: FNV-1a, not the per-process seeded hash")
    func stableSlot() {
        #expect(SharedKeyLock.slot("abc") == 0xe71f_a219_0541_574b % SharedKeyLock.slots)
        #expect(SharedKeyLock.slot("<m1@example.cn>") < SharedKeyLock.slots)
    }
}
