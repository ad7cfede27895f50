import Foundation
import Testing

@testable import Storage

/// The embedded store's in-memory leases: what a claim may hand out, and that remembering
/// released items does not grow without bound.
@Suite struct DeliveryLeasesTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// One claim of `ids`: returns those it leased.
    private func claim(_ leases: DeliveryLeases, _ ids: [String], at now: Date, for seconds: TimeInterval = 60)
        -> [String]
    {
        let (token, _) = leases.beginClaim(now: now)
        return leases.finishClaim(
            token, candidates: ids, id: { $0 }, limit: ids.count, now: now, expiry: now + seconds)
    }

    @Test func aHeldItemIsNotHandedOutTwiceAndAnExpiredOneIs() {
        let leases = DeliveryLeases()
        #expect(claim(leases, ["a", "b"], at: start, for: 10) == ["a", "b"])
        let (token, held) = leases.beginClaim(now: start + 5)
        #expect(held.isHeld("a"))
        #expect(!held.isHeld("c"))
        #expect(
            leases.finishClaim(token, candidates: ["a", "c"], id: { $0 }, limit: 2, now: start + 5, expiry: start + 65)
                == ["c"])
        // The attempt on "b" never reported back: once its lease expires it is handed out again.
        #expect(claim(leases, ["b"], at: start + 11) == ["b"])
    }

    @Test func anItemReleasedDuringAClaimIsNotHandedOutByThatClaim() {
        let leases = DeliveryLeases()
        #expect(claim(leases, ["a"], at: start) == ["a"])
        // This claim's read began while "a" was out: it may still see "a" as pending.
        let (token, _) = leases.beginClaim(now: start + 1)
        leases.release("a")
        #expect(
            leases.finishClaim(token, candidates: ["a"], id: { $0 }, limit: 1, now: start + 1, expiry: start + 61)
                == [])
        // A claim that began after the release may take it (its attempt was recorded, so only a
        // retry or a replay would make it due again).
        #expect(claim(leases, ["a"], at: start + 2) == ["a"])
    }

    @Test func releasedItemsAreForgottenOnceNoClaimCanStillSeeThem() {
        let leases = DeliveryLeases()
        var remembered: [Int] = []
        for round in 0..<200 {
            let ids = (0..<30).map { "r\(round)-\($0)" }
            #expect(claim(leases, ids, at: start + Double(round)).count == 30)
            leases.release(ids)
            let (token, held) = leases.beginClaim(now: start + Double(round))
            remembered.append(held.count)
            _ = leases.finishClaim(token, candidates: [String](), id: { $0 }, limit: 0, now: start, expiry: start)
        }
        // 6,000 items went through; what is remembered stays near the pruning floor.
        #expect(remembered.max()! <= 600)
    }
}
