import ComplaintCore
import Foundation
import Testing

/// ULID encoding, parsing, ordering and the monotonic generator, plus the prefixed ids.
struct ULIDTests {
    /// The example from the ULID specification: its timestamp part `01ARYZ6S41`.
    static let specTimestamp: UInt64 = 1_469_918_176_385

    @Test func encodesTheSpecificationExample() {
        let id = ULID(timestamp: Self.specTimestamp, random: (0, 0))
        #expect(id.description == "01ARYZ6S410000000000000000")
        #expect(ULID(string: "01ARYZ6S41TSV4RRFFQ69G5FAV")?.timestampMilliseconds == Self.specTimestamp)
    }

    @Test(arguments: [
        (UInt64(0), UInt16(0), UInt64(0), "00000000000000000000000000"),
        (ULID.maxTimestamp, UInt16.max, UInt64.max, "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"),
        (UInt64(1), UInt16(0), UInt64(1), "00000000010000000000000001"),
        // Random bit 64 is bit 4 of the 13th symbol from the right: value 16, "G".
        (UInt64(0), UInt16(1), UInt64(0), "0000000000000G000000000000"),
        (UInt64(0), UInt16(0), UInt64(1) << 63, "00000000000008000000000000"),
        (UInt64(0), UInt16(0), UInt64(31), "0000000000000000000000000Z"),
    ])
    func encodesBitLayout(timestamp: UInt64, randomHigh: UInt16, randomLow: UInt64, expected: String) {
        let id = ULID(timestamp: timestamp, random: (randomHigh, randomLow))
        #expect(id.description == expected)
        #expect(id.timestampMilliseconds == timestamp)
        #expect(ULID(string: expected) == id)
    }

    @Test func roundTripsRandomIDsThroughStrings() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let timestamp = UInt64.random(in: 0...ULID.maxTimestamp, using: &generator)
            let id = ULID(timestamp: timestamp, random: (generator.next(), generator.next()))
            let text = id.description
            #expect(text.utf8.count == 26)
            #expect(ULID(string: text) == id)
            #expect(ULID(string: text.lowercased()) == id)
            #expect(id.timestampMilliseconds == timestamp)
        }
    }

    @Test func parsingIgnoresCase() {
        #expect(ULID(string: "01aryz6s41tsv4rrffq69g5fav") == ULID(string: "01ARYZ6S41TSV4RRFFQ69G5FAV"))
        #expect(ULID(string: "01aRyZ6s41TsV4rRfFq69G5fAv") == ULID(string: "01ARYZ6S41TSV4RRFFQ69G5FAV"))
    }

    @Test(arguments: [
        "",
        "01ARYZ6S41TSV4RRFFQ69G5FA",  // 25 characters
        "01ARYZ6S41TSV4RRFFQ69G5FAVX",  // 27 characters
        "80000000000000000000000000",  // above 128 bits
        "ZZZZZZZZZZZZZZZZZZZZZZZZZZ",
        "01ARYZ6S41TSV4RRFFQ69G5FAI",  // I, L, O and U are not in the alphabet
        "01ARYZ6S41TSV4RRFFQ69G5FAL",
        "01ARYZ6S41TSV4RRFFQ69G5FAO",
        "01ARYZ6S41TSV4RRFFQ69G5FAU",
        "01ARYZ6S41TSV4RRFFQ69G5FA-",
        "01ARYZ6S41TSV4RRFFQ69G5FA ",
        " 01ARYZ6S41TSV4RRFFQ69G5FA",
        "01ARYZ6S41TSV4RRFFQ69G5FÄ",  // 26 bytes, non-ASCII
        "01ARYZ6S41TSV4RRFFQ69G5F０",
    ])
    func parsingRejects(text: String) {
        #expect(ULID(string: text) == nil)
    }

    @Test func ordersLikeItsStrings() {
        var generator = SystemRandomNumberGenerator()
        let ids = (0..<500).map { _ in
            ULID(
                timestamp: UInt64.random(in: 0...ULID.maxTimestamp, using: &generator),
                random: (generator.next(), generator.next()))
        }
        #expect(ids.sorted().map(\.description) == ids.map(\.description).sorted())
    }

    @Test func generatorIsMonotonicWithinOneMillisecond() {
        let generator = ULIDGenerator()
        let now = Date(timeIntervalSince1970: 1_796_030_000.123)
        let ids = (0..<10_000).map { _ in generator.next(now: now) }
        let strings = ids.map(\.description)
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 })
        #expect(zip(strings, strings.dropFirst()).allSatisfy { $0 < $1 })
        #expect(ids.allSatisfy { $0.timestampMilliseconds == 1_796_030_000_123 })
        #expect(Set(ids).count == ids.count)
    }

    @Test func generatorKeepsOrderWhenTheClockGoesBack() {
        let generator = ULIDGenerator()
        let first = generator.next(now: Date(timeIntervalSince1970: 1_000))
        let second = generator.next(now: Date(timeIntervalSince1970: 999))
        let third = generator.next(now: Date(timeIntervalSince1970: 1_001))
        #expect(first < second)
        #expect(second.timestampMilliseconds == 1_000_000)
        #expect(second < third)
        #expect(third.timestampMilliseconds == 1_001_000)
    }

    @Test func generatorUsesTheGivenTime() {
        let id = ULIDGenerator().next(now: Date(timeIntervalSince1970: 1_469_918_176.385))
        #expect(id.timestampMilliseconds == Self.specTimestamp)
        #expect(id.description.hasPrefix("01ARYZ6S41"))
        #expect(ULIDGenerator().next(now: Date(timeIntervalSince1970: -5)).timestampMilliseconds == 0)
    }

    @Test func generatorIsMonotonicAcrossThreads() async {
        let generator = ULIDGenerator()
        let ids = await withTaskGroup(of: [ULID].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<1_000).map { _ in generator.next() } }
            }
            var all: [ULID] = []
            for await batch in group {
                // Each task's own ids come out in order, whatever the interleaving.
                #expect(batch == batch.sorted())
                all += batch
            }
            return all
        }
        #expect(Set(ids).count == 4_000)
    }

    @Test func sharedGeneratorWorks() {
        let first = ULIDGenerator.shared.next()
        #expect(first < ULIDGenerator.shared.next())
    }

    @Test func prefixedIDs() {
        let id = ULID(timestamp: Self.specTimestamp, random: (0x1234, 0x5678))
        #expect(GatewayID.complaint(id) == "cmp_" + id.description)
        #expect(GatewayID.raw(id) == "raw_" + id.description)
        #expect(GatewayID.ulid(from: GatewayID.complaint(id)) == id)
        #expect(GatewayID.ulid(from: GatewayID.raw(id)) == id)
        #expect(GatewayID.ulid(from: id.description) == id)
        #expect(GatewayID.ulid(from: "att_" + id.description.lowercased()) == id)
    }

    @Test(arguments: [
        "", "cmp_", "cmp", "cmp_01ARYZ6S41", "cmp_01ARYZ6S41TSV4RRFFQ69G5FAV_", "cmp-01ARYZ6S41TSV4RRFFQ69G5FAV",
    ])
    func prefixedIDRejects(text: String) {
        #expect(GatewayID.ulid(from: text) == nil)
    }
}
