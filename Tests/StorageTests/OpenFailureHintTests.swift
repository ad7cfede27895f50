import Foundation
import Testing

@testable import Storage

@Suite("A store that cannot be opened says whose it is")
struct OpenFailureHintTests {
    @Test("a data directory another user owns, mode 0700, is named with its owner, mode and our uid")
    func anotherUsersDirectory() async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
            let owner = try #require(
                try FileManager.default.attributesOfItem(atPath: directory.path)[.ownerAccountID] as? NSNumber)
            let path = directory.appendingPathComponent("gateway.sqlite").path
            let stranger = uid_t(owner.uint32Value &+ 4242)
            let hint = try #require(OpenFailureHint.hint(forStoreAt: path, uid: stranger))
            #expect(hint.hasPrefix("\(directory.path) is owned by uid \(owner) with mode 700"), "\(hint)")
            #expect(hint.contains("this process runs as uid \(stranger)"))
            // Its owner may: no hint.
            #expect(OpenFailureHint.hint(forStoreAt: path, uid: uid_t(owner.uint32Value)) == nil)
        }
    }

    @Test("a store file the user may read but not write is named")
    func readOnlyFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            try Data().write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            let owner = try #require(
                try FileManager.default.attributesOfItem(atPath: path)[.ownerAccountID] as? NSNumber)
            let stranger = uid_t(owner.uint32Value &+ 4242)
            let hint = try #require(OpenFailureHint.hint(forStoreAt: path, uid: stranger))
            #expect(hint.hasPrefix("\(path) is owned by uid \(owner) with mode 644"), "\(hint)")
        }
    }
}
