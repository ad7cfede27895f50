import ComplaintCore
import Metrics

/// Intake counters, created once: looking a counter up per request costs a lock in the factory.
struct IntakeMetrics: Sendable {
    private let accepted: [Channel: Counter]
    private let duplicates: [Channel: Counter]

    init() {
        accepted = Dictionary(
            uniqueKeysWithValues: Channel.allCases.map {
                ($0, Counter(label: "cg_complaints_accepted_total", dimensions: [("channel", $0.rawValue)]))
            })
        duplicates = Dictionary(
            uniqueKeysWithValues: Channel.allCases.map {
                ($0, Counter(label: "cg_complaints_duplicate_total", dimensions: [("channel", $0.rawValue)]))
            })
    }

    func accepted(_ channel: Channel, count: Int = 1) {
        if count > 0 { accepted[channel]?.increment(by: count) }
    }

    func duplicate(_ channel: Channel, count: Int = 1) {
        if count > 0 { duplicates[channel]?.increment(by: count) }
    }

    /// Messages kept raw but deliberately not complaints (auto-replies, bounces).
    func ignored(_ channel: Channel, kind: String) {
        Counter(label: "cg_intake_ignored_total", dimensions: [("channel", channel.rawValue), ("kind", kind)])
            .increment()
    }

    /// Rejections are rare; their counter is looked up when needed.
    func rejected(_ channel: Channel, code: String) {
        Counter(label: "cg_intake_rejected_total", dimensions: [("channel", channel.rawValue), ("code", code)])
            .increment()
    }
}
