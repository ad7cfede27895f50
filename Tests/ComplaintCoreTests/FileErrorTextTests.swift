import ComplaintCore
import Foundation
import Testing

@Suite("Foundation's file errors in words")
struct FileErrorTextTests {
    private func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("a missing file is named, with the reason and no dump of domain, code and user info")
    func missingFile() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("calls.csv").path
        let error = #expect(throws: (any Error).self) { try Data(contentsOf: URL(fileURLWithPath: missing)) }
        let text = FileErrorText.describe(try #require(error))
        #expect(text == "\(missing): no such file or directory")
    }

    @Test("a directory under a plain file says why, from the underlying errno")
    func notADirectory() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("data")
        try Data("x".utf8).write(to: file)
        let error = #expect(throws: (any Error).self) {
            try FileManager.default.createDirectory(
                at: file.appendingPathComponent("store"), withIntermediateDirectories: true)
        }
        let text = FileErrorText.describe(try #require(error))
        #expect(text.contains("not a directory") || text.contains("exists"), "\(text)")
        #expect(!text.contains("NSCocoaErrorDomain") && !text.contains("UserInfo"), "\(text)")
    }

    @Test("the caller's path replaces the error's, and other errors describe themselves")
    func callerPathAndOtherErrors() {
        let denied = CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: "/srv/other"])
        #expect(FileErrorText.describe(denied, at: "/srv/calls.csv").hasPrefix("/srv/calls.csv: permission denied"))
        #expect(FileErrorText.describe(denied).hasPrefix("/srv/other: permission denied"))
        let posix = NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))
        #expect(FileErrorText.describe(posix, at: "/srv/x") == "/srv/x: no space left on device")
        struct Odd: Error, CustomStringConvertible { var description: String { "odd failure" } }
        #expect(FileErrorText.describe(Odd()) == "odd failure")
    }
}
