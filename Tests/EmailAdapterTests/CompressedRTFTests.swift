import ComplaintCore
import Foundation
import Testing

@testable import EmailAdapter

/// Compressed RTF (MS-OXRTFCP) against the `compressed_rtf` package's reading of the same
/// Outlook streams (`rtf_sha256` in Corpus/tnef/expected.json).
@Suite("compressed RTF")
struct CompressedRTFTests {
    @Test("each Outlook stream's RTF body decompresses to the bytes compressed_rtf gives")
    func matchesOracle() throws {
        let (root, _) = try TNEFTests.corpus()
        let data = try Data(contentsOf: root.appendingPathComponent("expected.json"))
        let expected = try JSONDecoder().decode([String: Oracle].self, from: data)
        var compared = 0
        for (name, oracle) in expected.sorted(by: { $0.key < $1.key }) {
            let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent(name)))
            let content = try #require(TNEFReader.read(bytes[...]), "\(name)")
            #expect(content.rtf.map { ContentHash.sha256Hex($0) } == oracle.rtfSHA256, "\(name)")
            if oracle.rtfSHA256 != nil { compared += 1 }
        }
        #expect(compared == 7)
    }

    @Test("a stream cut short or lying about its size gives what it holds, never more than its raw size")
    func damaged() throws {
        let (root, _) = try TNEFTests.corpus()
        let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent("rtf.tnef")))
        let rtf = try #require(TNEFReader.read(bytes[...])?.rtf)
        let compressed = TNEFTests.literalLZFu(rtf)
        #expect(CompressedRTF.decompress(compressed[...]) == rtf)
        for cut in [16, 17, 40, compressed.count - 3] {
            let partial = try #require(CompressedRTF.decompress(compressed.prefix(cut)))
            #expect(rtf.starts(with: partial))
        }
        var small = compressed
        small[4] = 10  // raw size 10
        small[5] = 0
        #expect(CompressedRTF.decompress(small[...]) == Array(rtf.prefix(10)))
        #expect(CompressedRTF.decompress([0, 0, 0, 0, 1, 0, 0, 0, 0x41, 0x42, 0x43, 0x44][...]) == nil)
    }

    struct Oracle: Decodable {
        var rtfSHA256: String?
        enum CodingKeys: String, CodingKey { case rtfSHA256 = "rtf_sha256" }
    }
}
