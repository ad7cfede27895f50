import Foundation
import Synchronization
import Testing

@testable import ComplaintDispatch

@Suite struct NextDueCacheTests {
    private final class Asks: Sendable {
        let count = Mutex(0)
        let answer: Mutex<Date?>
        init(_ answer: Date?) { self.answer = Mutex(answer) }
        func ask() -> Date? {
            count.withLock { $0 += 1 }
            return answer.withLock { $0 }
        }
    }

    @Test func theStoreIsAskedOncePerIntervalAndWhenAKnownTimeHasCome() async {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let asks = Asks(start.addingTimeInterval(30))
        let cache = NextDueCache(maxAge: 1)
        #expect(await cache.next(now: start) { asks.ask() } == start.addingTimeInterval(30))
        #expect(await cache.next(now: start.addingTimeInterval(0.5)) { asks.ask() } == start.addingTimeInterval(30))
        #expect(asks.count.withLock { $0 } == 1)

        // A retry this process scheduled counts at once, without asking.
        cache.scheduled(start.addingTimeInterval(2))
        #expect(await cache.next(now: start.addingTimeInterval(0.6)) { asks.ask() } == start.addingTimeInterval(2))
        #expect(asks.count.withLock { $0 } == 1)

        // Past the interval the store is asked again; a scheduled time still ahead is kept.
        asks.answer.withLock { $0 = nil }
        #expect(await cache.next(now: start.addingTimeInterval(1.5)) { asks.ask() } == start.addingTimeInterval(2))
        #expect(asks.count.withLock { $0 } == 2)

        // Once that time has come it may have been claimed: ask, and forget it.
        asks.answer.withLock { $0 = start.addingTimeInterval(60) }
        #expect(await cache.next(now: start.addingTimeInterval(2.1)) { asks.ask() } == start.addingTimeInterval(60))
        #expect(asks.count.withLock { $0 } == 3)
    }
}
