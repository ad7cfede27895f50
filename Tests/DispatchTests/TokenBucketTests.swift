import ComplaintDispatch
import Foundation
import Testing

/// `rate_limit`: parsing the rate, and the bucket that spreads an endpoint's requests.
@Suite struct TokenBucketTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: [
        ("20/s", 20.0), ("600/min", 10.0), ("1000/h", 1000.0 / 3600), ("0.5/s", 0.5), (" 3 / minute ", 0.05),
    ])
    func ratesAreReadPerSecond(_ text: String, _ perSecond: Double) throws {
        let rate = try DeliveryRate(parsing: text)
        #expect(abs(rate.perSecond - perSecond) < 1e-9)
    }

    @Test(arguments: ["20", "20/day", "x/s", "0/s", "-5/min", "/s", "20/s/s"])
    func malformedRatesAreRefused(_ text: String) {
        #expect(throws: DeliveryRateError.self) { try DeliveryRate(parsing: text) }
    }

    @Test func aBucketHoldsOneSecondsShareAndRefillsAtTheRate() throws {
        var bucket = TokenBucket(rate: try DeliveryRate(parsing: "10/s"), now: start)
        #expect(bucket.available(now: start) == 10)
        bucket.take(10, now: start)
        #expect(bucket.available(now: start) == 0)
        #expect(abs(bucket.timeUntilNext(now: start) - 0.1) < 1e-9)
        #expect(bucket.available(now: start.addingTimeInterval(0.35)) == 3)
        // Idle for long, it keeps no more than one second's share.
        #expect(bucket.available(now: start.addingTimeInterval(3600)) == 10)
    }

    @Test func aSlowRateLetsOneRequestGoAtATime() throws {
        var bucket = TokenBucket(rate: try DeliveryRate(parsing: "2/min"), now: start)
        #expect(bucket.available(now: start) == 1)
        bucket.take(1, now: start)
        #expect(abs(bucket.timeUntilNext(now: start.addingTimeInterval(20)) - 10) < 1e-6)
        #expect(bucket.available(now: start.addingTimeInterval(29)) == 0)
        #expect(bucket.available(now: start.addingTimeInterval(30)) == 1)
        #expect(bucket.available(now: start.addingTimeInterval(600)) == 1)
    }

    @Test func overAnyPeriodNoMoreStartThanTheShareAndTheRate() throws {
        // Claims every 10 ms for 5 s take whatever the bucket allows.
        var bucket = TokenBucket(rate: try DeliveryRate(parsing: "40/s"), now: start)
        var started: [Double] = []
        for step in 0...500 {
            let now = start.addingTimeInterval(Double(step) / 100)
            let count = bucket.available(now: now)
            bucket.take(count, now: now)
            started += Array(repeating: Double(step) / 100, count: count)
        }
        #expect(started.count == 40 + 40 * 5)
        for from in stride(from: 0.0, through: 4.0, by: 0.25) {
            let window = started.filter { $0 >= from && $0 < from + 1 }.count
            #expect(window <= 40 + 40, "\(window) in the second from \(from)")
        }
        #expect(started.filter { $0 >= 1 && $0 < 2 }.count <= 41)
    }
}
