import ComplaintDispatch
import Foundation
import Testing

/// Which results are delivered, retried, or given up, and how `Retry-After` is read.
@Suite struct DeliveryClassificationTests {
    /// 1994-11-06T08:49:07Z: 30 s before the RFC 9110 example date.
    static let now = Date(timeIntervalSince1970: 784_111_747)

    static func response(_ status: Int, _ headers: [HeaderField] = []) -> TransportResult {
        .response(status: status, headers: headers, snippet: "")
    }

    @Test(arguments: [200, 201, 202, 204, 299])
    func twoHundredsAreSuccess(status: Int) {
        #expect(DeliveryClassification.classify(Self.response(status)) == .success)
    }

    @Test(arguments: [408, 429, 500, 502, 503, 504, 599])
    func transientStatusesAreRetried(status: Int) {
        #expect(
            DeliveryClassification.classify(Self.response(status))
                == .retry(reason: "HTTP \(status)", retryAfter: nil))
    }

    @Test(arguments: [400, 401, 403, 404, 409, 410, 413, 422, 301, 302, 307])
    func otherStatusesAreNotRetried(status: Int) {
        #expect(DeliveryClassification.classify(Self.response(status)) == .dontRetry(reason: "HTTP \(status)"))
    }

    @Test(arguments: [301, 302, 307, 308])
    func aRedirectIsNotFollowedAndNamesWhereTo(status: Int) {
        let result = TransportResult.response(
            status: status, headers: [HeaderField(name: "location", value: " https://new.example.gov/v2/in ")],
            snippet: "")
        #expect(
            DeliveryClassification.classify(result)
                == .dontRetry(
                    reason: "HTTP \(status): redirected to https://new.example.gov/v2/in, not followed; "
                        + "update the endpoint URL"))
    }

    @Test func transportFailuresAreRetried() {
        #expect(
            DeliveryClassification.classify(.failed("connection refused"))
                == .retry(reason: "connection refused", retryAfter: nil))
        #expect(
            DeliveryClassification.classify(.failed("timeout: no complete response in time"))
                == .retry(reason: "timeout: no complete response in time", retryAfter: nil))
    }

    @Test(arguments: ["Retry-After", "retry-after", "RETRY-AFTER"])
    func retryAfterSecondsIsRead(name: String) {
        let result = Self.response(
            503, [HeaderField(name: "X-Other", value: "1"), HeaderField(name: name, value: "120")])
        #expect(DeliveryClassification.classify(result, now: Self.now) == .retry(reason: "HTTP 503", retryAfter: 120))
    }

    @Test func retryAfterDateIsRead() {
        let result = Self.response(429, [HeaderField(name: "Retry-After", value: "Sun, 06 Nov 1994 08:49:37 GMT")])
        #expect(DeliveryClassification.classify(result, now: Self.now) == .retry(reason: "HTTP 429", retryAfter: 30))
    }

    @Test func retryAfterOnAPermanentFailureIsIgnored() {
        let result = Self.response(400, [HeaderField(name: "Retry-After", value: "5")])
        #expect(DeliveryClassification.classify(result, now: Self.now) == .dontRetry(reason: "HTTP 400"))
    }

    @Test(arguments: [
        ("0", 0.0), ("30", 30), (" 30 ", 30), ("86400", 86_400),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 30),
        ("Sun, 06 Nov 1994 09:49:07 GMT", 3_600),
        ("Sunday, 06-Nov-94 08:49:37 GMT", 30),
        ("Sun Nov  6 08:49:37 1994", 30),
        // A date already past means "now".
        ("Sat, 05 Nov 1994 08:49:37 GMT", 0),
        // Beyond a 64-bit integer: still a very long wait, which the retry policy caps.
        ("99999999999999999999999", .greatestFiniteMagnitude),
    ])
    func retryAfterParses(value: String, expected: Double) {
        #expect(RetryAfter.parse(value, now: Self.now) == expected)
    }

    @Test(arguments: ["", "soon", "-5", "1.5", "30s", "Sun, 32 Nov 1994 08:49:37 GMT", "tomorrow at noon"])
    func garbageRetryAfterIsNil(value: String) {
        #expect(RetryAfter.parse(value, now: Self.now) == nil)
    }

    @Test func anOverflowingRetryAfterWaitsTheLongestDelay() {
        var generator = SystemRandomNumberGenerator()
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 60)
        let retryAfter = RetryAfter.parse("99999999999999999999999", now: Self.now)
        #expect(policy.delay(afterAttempt: 1, retryAfter: retryAfter, using: &generator) == 60)
    }

    @Test func garbageRetryAfterHeaderStillRetries() {
        let result = Self.response(503, [HeaderField(name: "Retry-After", value: "later please")])
        #expect(DeliveryClassification.classify(result, now: Self.now) == .retry(reason: "HTTP 503", retryAfter: nil))
    }
}
