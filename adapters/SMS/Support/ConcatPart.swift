import ComplaintCore
import Foundation

/// Where one part of a concatenated SMS belongs.
public struct ConcatPart: Sendable, Hashable {
    /// Sender, recipient, the provider's reference and the total: parts sharing it form one message.
    public var setKey: String
    /// 1-based position in the set.
    public var part: Int
    public var total: Int

    public init(setKey: String, part: Int, total: Int) {
        self.setKey = setKey
        self.part = part
        self.total = total
    }
}

/// Joins the parts of a concatenated SMS into one complaint draft.
public enum ConcatAssembler {
    /// `source.extra` key of a part's text exactly as sent (spaces and line breaks at its ends kept).
    public static let partTextKey = "concat_part_text"

    /// Where the text of missing parts belongs in a set released incomplete.
    public static let gapMark = "[…]"

    /// The assembled draft: text of the parts in order with no separator (``gapMark`` where parts
    /// are missing), the first part's message id
    /// as the natural key and its receive time; `source.extra` lists the parts' ids and, when the set
    /// was released incomplete after the timeout, which parts came.
    /// - Parameter parts: the held parts' drafts with their positions. A second part for a taken
    /// position with another message id (no provider sends one: a forgery or a sender's bug) is
    /// not joined in, and kept in `source.extra.concat_conflicting_parts` so it is not lost unseen.
    public static func assemble(_ parts: [(part: Int, draft: Complaint)], total: Int) -> Complaint? {
        var byPosition: [Int: Complaint] = [:]
        var conflicting: [JSONValue] = []
        for (position, draft) in parts {
            guard let taken = byPosition[position] else {
                byPosition[position] = draft
                continue
            }
            if taken.source.externalID != draft.source.externalID {
                let text: String
                if case .string(let sent)? = draft.source.extra[partTextKey] { text = sent } else { text = draft.text }
                conflicting.append(
                    .object([
                        "part": .number(Double(position)),
                        "message_id": draft.source.externalID.map(JSONValue.string) ?? .null,
                        "text": .string(text),
                    ]))
            }
        }
        let positions = byPosition.keys.sorted()
        guard let first = positions.first.flatMap({ byPosition[$0] }) else { return nil }
        var draft = first
        // A missing part (or run of parts) leaves a mark where its text belongs: joined without
        // it, the rest can read as a whole sentence that says something else.
        var pieces: [String] = []
        for position in 1...max(total, positions.last ?? 1) {
            guard let part = byPosition[position] else {
                if pieces.last != gapMark { pieces.append(gapMark) }
                continue
            }
            if case .string(let sent)? = part.source.extra[partTextKey] {
                pieces.append(sent)
            } else {
                pieces.append(part.text)
            }
        }
        draft.text = TextNormalizer.normalize(pieces.joined())
        draft.source.extra["concat-part"] = nil
        draft.source.extra[partTextKey] = nil
        draft.source.extra["concat_message_ids"] = .array(
            positions.compactMap { byPosition[$0]?.source.externalID.map(JSONValue.string) })
        if !conflicting.isEmpty { draft.source.extra["concat_conflicting_parts"] = .array(conflicting) }
        if positions.count < total {
            draft.source.extra["concat_incomplete"] = .bool(true)
            draft.source.extra["concat_parts_received"] = .array(positions.map { .number(Double($0)) })
        }
        return draft
    }
}
