import EmailAdapter
import Foundation
import Testing

/// An mbox is split at its postmark lines only, not at a sentence of a body that starts with `From `.
@Suite struct MboxSplitTests {
    @Test func aBodyLineStartingWithFromDoesNotSplitTheMessage() throws {
        let mbox = """
            From citizen@example.cn Tue Nov  3 08:15:02 2026
            From: citizen@example.cn
            Subject: 噪音

            From what I saw at 10:30, the site works all night.

            From 23:00 to 06:00 every day.
            >From the window it is loud.

            From hotline@example.gov.cn Tue Nov  3 09:00:00 2026
            From: other@example.cn
            Subject: 路灯

            路灯不亮。

            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(UUID().uuidString).mbox")
        try Data(mbox.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let files = try MailboxFiles(path: url.path)
        #expect(files.count == 2)
        let first = String(decoding: try files.message(at: 0), as: UTF8.self)
        #expect(first.contains("From 23:00 to 06:00 every day."))
        #expect(first.contains("\nFrom the window it is loud."))
        #expect(String(decoding: try files.message(at: 1), as: UTF8.self).hasPrefix("From: other@example.cn"))
    }
}
