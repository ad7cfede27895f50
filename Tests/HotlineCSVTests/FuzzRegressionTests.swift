import Foundation
import HotlineCSVAdapter
import Testing

/// Inputs the fuzzer (scripts/fuzz.sh, target `csv`) found, kept in Fuzz/corpus/csv/ and replayed here.
@Suite struct FuzzRegressionTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/csv")

    func input(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.corpus.appendingPathComponent(name)))
    }

    /// Records of a GB18030 file read in chunks of `chunk` bytes, with a record limit the file exceeds.
    func records(_ bytes: [UInt8], chunk: Int) throws -> [CSVRecord] {
        try readRecords(bytes, encoding: .gb18030, chunk: chunk, maxRecordBytes: 4096)
    }

    /// Not UTF-8 (so read as GB18030), with an invalid byte sequence: the records must not depend
    /// on where the file's chunks end.
    @Test func gb18030RecordsDoNotDependOnChunkBoundaries() throws {
        let bytes = try input("crash-chunked-gb18030")
        let whole = try records(bytes, chunk: bytes.count)
        for chunk in [1, 2, 3, 12, 97] {
            let chunked = try records(bytes, chunk: chunk)
            #expect(chunked.count == whole.count, "chunk \(chunk)")
            for (a, b) in zip(chunked, whole) where a != b {
                Issue.record("chunk \(chunk): line \(a.line) \(a.kind) != line \(b.line) \(b.kind)")
            }
        }
    }

    /// The limit falls on the same byte whatever the chunks: a long record inside one chunk was let through.
    @Test func aRecordOverTheLimitIsOversizedWhateverTheChunks() {
        let bytes = utf8("a,b\n0123456789,abcdef\nc,d\n")
        for chunk in [1, 4, 7, bytes.count] {
            var tokenizer = CSVTokenizer(maxRecordBytes: 10)
            var records: [CSVRecord] = []
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunk)
                tokenizer.feed(Array(bytes[offset..<end])) { records.append($0) }
                offset = end
            }
            tokenizer.finish { records.append($0) }
            #expect(
                records == [
                    CSVRecord(line: 1, kind: .fields(["a", "b"])),
                    CSVRecord(line: 2, kind: .oversized(fields: ["0123456789"], limit: 10)),
                    CSVRecord(line: 3, kind: .fields(["c", "d"])),
                ], "chunk \(chunk)")
        }
    }
}
