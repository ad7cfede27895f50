import Foundation
import HotlineCSVAdapter
import Testing

@Suite("Spooled report lists")
struct SpooledListTests {
    typealias RowIssue = ImportReport.RowIssue

    static func issues(_ lines: some Sequence<Int>, tag: String) -> [RowIssue] {
        lines.map {
            RowIssue(line: $0, ticket: $0 % 3 == 0 ? nil : "GD\($0)", reason: "\(tag) 第\($0)行 \"quoted\"")
        }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(
        "entries come back in order, from memory and after spilling to disk", arguments: [nil, 1, 64, 1000] as [Int?])
    func roundTrip(spillBytes: Int?) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = SpooledList<RowIssue>(
            spillingTo: spillBytes == nil ? nil : directory.path, spillBytes: spillBytes ?? 1 << 20)
        let entries = Self.issues(1...5000, tag: "bad")
        for entry in entries { list.append(entry) }
        #expect(list.count == 5000)
        #expect(list.spilled == (spillBytes != nil))
        #expect(Array(IteratorSequence(list.makeIterator())) == entries)
        // The spill file is unlinked at once: nothing is left behind in the directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        list.removeAll()
        var emptied = list.makeIterator()
        #expect(list.count == 0 && emptied.next() == nil)
    }

    @Test("rejected rows from reading and from committing are reported in line order")
    func mergedInLineOrder() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = ImportReport(
            fileSHA256: "00", profile: "12345", encoding: .gb18030, rawID: "raw_1", spillDirectory: directory.path)
        let onRead = Self.issues(stride(from: 2, to: 60_000, by: 3), tag: "read")
        let onCommit = Self.issues(stride(from: 5, to: 60_000, by: 11), tag: "dup")
        for issue in onRead { report.rejectedOnRead.append(issue) }
        for issue in onCommit { report.rejectedOnCommit.append(issue) }
        #expect(report.rejectedOnRead.spilled)
        #expect(report.rejectedCount == onRead.count + onCommit.count)
        let merged = Array(report.rejected())
        #expect(merged.map(\.line) == (onRead + onCommit).map(\.line).sorted())
        #expect(Set(merged) == Set(onRead + onCommit))
    }

    @Test("the JSON written in pieces from spilled lists is the same document as one built in memory")
    func chunkedJSON() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func makeReport(spill: String?) -> ImportReport {
            var report = ImportReport(
                fileSHA256: "ab", profile: "12345", encoding: .utf8, rawID: "raw_2", spillDirectory: spill)
            report.rows = 9000
            report.accepted = 7000
            report.duplicates = 10
            for issue in Self.issues(stride(from: 2, to: 9000, by: 5), tag: "read") {
                report.rejectedOnRead.append(issue)
            }
            for issue in Self.issues(stride(from: 4, to: 9000, by: 13), tag: "dup") {
                report.rejectedOnCommit.append(issue)
            }
            for issue in Self.issues(stride(from: 3, to: 9000, by: 9), tag: "warn") {
                report.warningsOnCommit.append(issue)
            }
            for issue in Self.issues(stride(from: 7, to: 9000, by: 1000), tag: "layout") {
                report.warningsOnRead.append(issue)
            }
            for line in 2..<9000 { report.idsByLine.append(ImportReport.LineID(line: line, id: "cmp_\(line)")) }
            report.rejectedCSVPath = "/v1/hotline/imports/raw_2/rejected.csv"
            return report
        }
        let inMemory = makeReport(spill: nil).json(includeIDs: true)
        var chunks = makeReport(spill: directory.path).jsonChunks(includeIDs: true, chunkBytes: 1000)
        var pieced: [UInt8] = []
        var pieces = 0
        while let chunk = chunks.next() {
            pieced += chunk
            pieces += 1
        }
        #expect(pieces > 100)
        #expect(pieced == inMemory)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(pieced)) as? [String: Any])
        let rejected = try #require(object["rejected"] as? [[String: Any]])
        #expect(rejected.count == 1800 + 692)
        #expect(rejected.map { $0["line"] as? Int ?? 0 } == rejected.map { $0["line"] as? Int ?? 0 }.sorted())
        let warnings = try #require(object["warnings"] as? [[String: Any]])
        #expect(warnings.count == 1000 + 9)
        #expect(warnings.map { $0["line"] as? Int ?? 0 } == warnings.map { $0["line"] as? Int ?? 0 }.sorted())
        #expect((object["ids_by_line"] as? [String: String])?.count == 8998)
        #expect(object["rejected_csv"] as? String == "/v1/hotline/imports/raw_2/rejected.csv")
    }
}
