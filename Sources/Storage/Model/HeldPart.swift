import Foundation

/// One part of a concatenated SMS held until its set is complete (or times out).
public struct HeldPart: Sendable, Hashable {
    public var adapter: String
    /// The provider's id of this part (unique; a retry of the part carries the same one).
    public var messageID: String
    /// Identifies the set: sender, recipient, reference and total.
    public var setKey: String
    /// 1-based position.
    public var part: Int
    public var total: Int
    /// The stored raw payload of this part.
    public var rawID: String
    /// The part's complaint draft as `complaint/v1` JSON.
    public var draftJSON: Data
    public var heldAt: Date

    public init(
        adapter: String, messageID: String, setKey: String, part: Int, total: Int, rawID: String, draftJSON: Data,
        heldAt: Date
    ) {
        self.adapter = adapter
        self.messageID = messageID
        self.setKey = setKey
        self.part = part
        self.total = total
        self.rawID = rawID
        self.draftJSON = draftJSON
        self.heldAt = heldAt
    }
}

/// What holding a part did.
public enum HoldOutcome: Sendable, Hashable {
    /// Held; `held` is every part of its set held so far, in part order.
    case held([HeldPart])
    /// This message id was seen before (held or already released): nothing new.
    case duplicate
}
