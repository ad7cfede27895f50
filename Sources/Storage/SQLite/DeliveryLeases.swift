import Foundation
import Synchronization

/// Which outbox items are out with the dispatcher, for the embedded store.
///
/// Leases live in memory: the embedded store serves one process, and after a restart whatever
/// was in flight must be sent again at once. A released item is remembered until every claim
/// that began reading before its release has finished, because such a read may still see the
/// item as pending and would otherwise hand it out a second time.
final class DeliveryLeases: Sendable {
    fileprivate enum Lease: Sendable {
        case held(until: Date)
        case released(sequence: UInt64)
    }

    private struct State {
        var sequence: UInt64 = 0
        var leases: [String: Lease] = [:]
        /// Start sequences of claims whose read is in progress.
        var activeClaims: [UInt64: Int] = [:]
        /// How many leases the last pruning kept.
        var kept = 0
    }

    /// Below this many leases, stale ones are not pruned (they are harmless, only kept longer).
    private static let pruneFloor = 256

    private let state = Mutex(State())

    /// The items held when a claim began, for its scan to step over (``finishClaim`` decides).
    struct Snapshot: Sendable {
        fileprivate let leases: [String: Lease]
        fileprivate let now: Date

        /// Holds nothing: what a claim keeps once its scan is done.
        static let none = Snapshot(leases: [:], now: .distantPast)

        /// How many items are held or remembered as released (an upper bound on what the
        /// claim's scan steps over).
        var count: Int { leases.count }

        /// Whether `id` is out with the dispatcher (not handed out again by this claim).
        func isHeld(_ id: String) -> Bool {
            if case .held(let until) = leases[id], until > now { return true }
            return false
        }
    }

    /// Begins a claim: returns a token to pass to ``finishClaim(_:candidates:limit:now:expiry:)``
    /// and what is held now.
    func beginClaim(now: Date) -> (token: UInt64, held: Snapshot) {
        state.withLock { state in
            let token = state.sequence
            state.activeClaims[token, default: 0] += 1
            // Pruned when the leases have doubled since the last pruning: amortized, each lease
            // is looked at a constant number of times, not once per claim.
            if state.leases.count > max(Self.pruneFloor, 2 * state.kept) {
                let oldest = state.activeClaims.keys.min() ?? token
                state.leases = state.leases.filter { _, lease in
                    switch lease {
                    case .held(let until): until > now
                    case .released(let sequence): sequence > oldest
                    }
                }
                state.kept = state.leases.count
            }
            return (token, Snapshot(leases: state.leases, now: now))
        }
    }

    /// Leases up to `limit` of `candidates` that are neither held nor released after the claim began.
    /// `select`, when given, picks which free candidates to take (e.g. per-department quotas);
    /// it receives the candidates and a test for "not held and not released since the claim began".
    func finishClaim<Item: Sendable>(
        _ token: UInt64, candidates: [Item], id: (Item) -> String, limit: Int, now: Date,
        expiry: Date, select: (([Item], (Item) -> Bool) -> [Item])? = nil
    ) -> [Item] {
        state.withLock { state in
            if let count = state.activeClaims[token] {
                state.activeClaims[token] = count > 1 ? count - 1 : nil
            }
            var leases = state.leases
            let chosen = withoutActuallyEscaping(id) { id in
                let isFree = { (item: Item) -> Bool in
                    switch leases[id(item)] {
                    case .held(let until) where until > now: return false
                    case .released(let sequence) where sequence > token: return false
                    default: return true
                    }
                }
                return select?(candidates, isFree) ?? Array(candidates.filter(isFree).prefix(limit))
            }
            // Let go of the second reference before writing: held on to, it made every lease
            // below copy the whole table (a retain of every key) on each claim.
            leases = [:]
            for item in chosen.prefix(limit) { state.leases[id(item)] = .held(until: expiry) }
            return Array(chosen.prefix(limit))
        }
    }

    /// Marks an item's attempt as recorded (called after the commit).
    func release(_ id: String) {
        release(CollectionOfOne(id))
    }

    /// Marks the attempts of several items as recorded, under one lock.
    func release(_ ids: some Sequence<String>) {
        state.withLock { state in
            for id in ids {
                state.sequence += 1
                state.leases[id] = .released(sequence: state.sequence)
            }
        }
    }
}
