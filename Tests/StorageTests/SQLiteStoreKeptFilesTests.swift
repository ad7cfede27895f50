import ComplaintCore
import Foundation
import Testing

@testable import Storage

@Suite("Uploads' kept files are found beside the store, wherever it was restored")
struct SQLiteStoreKeptFilesTests {
    @Test("a store moved to another directory reads its own uploads, not the old directory's")
    func movedStoreReadsItsOwnUploads() async throws {
        try await withTemporaryDirectory { root in
            let old = root.appendingPathComponent("data", isDirectory: true)
            let restored = root.appendingPathComponent("restored", isDirectory: true)
            let manager = FileManager.default
            try manager.createDirectory(at: old.appendingPathComponent("uploads"), withIntermediateDirectories: true)
            let store = try SQLiteStore(
                configuration: SQLiteConfiguration(path: old.appendingPathComponent("gateway.sqlite").path))
            func upload() -> RawPayload {
                RawPayload(
                    id: GatewayID.raw(ULIDGenerator.shared.next()), channel: .hotline, adapter: "12345",
                    receivedAt: Date(), contentType: "text/csv", headers: [], body: Data())
            }
            let importing = upload()
            let quarantined = upload()
            for raw in [importing, quarantined] {
                let file = old.appendingPathComponent("uploads/\(raw.id).csv")
                try Data("old directory".utf8).write(to: file)
                try await store.storeUpload(
                    raw, bodyPath: file.path, sha256: "00", error: raw.id == quarantined.id ? "no header" : nil)
            }
            // A path outside an uploads directory is left as written.
            let elsewhere = upload()
            try await store.storeUpload(elsewhere, bodyPath: "/srv/kept/\(elsewhere.id).csv", sha256: "00", error: "x")
            try await store.close()

            // Restored at another path, with its files; the old directory is still there.
            try manager.copyItem(at: old, to: restored)
            for raw in [importing, quarantined] {
                try Data("restored copy, longer".utf8).write(
                    to: restored.appendingPathComponent("uploads/\(raw.id).csv"))
            }
            let reopened = try SQLiteStore(
                configuration: SQLiteConfiguration(path: restored.appendingPathComponent("gateway.sqlite").path))
            let own = restored.appendingPathComponent("uploads").path
            let interrupted = try await reopened.interruptedUploads()
            #expect(interrupted.map(\.bodyPath) == ["\(own)/\(importing.id).csv"])
            let body = try #require(try await reopened.quarantinedBody(id: quarantined.id))
            #expect(body.bodyPath == "\(own)/\(quarantined.id).csv")
            let listed = try await reopened.quarantined(limit: 10)
            #expect(listed.first { $0.id == quarantined.id }?.size == "restored copy, longer".utf8.count)
            #expect(try await reopened.quarantinedBody(id: elsewhere.id)?.bodyPath == "/srv/kept/\(elsewhere.id).csv")
            try await reopened.close()
        }
    }
}
