import ComplaintCore

/// What an inbound message becomes: a complaint draft, or an automatic message to keep raw only.
public enum EmailVerdict: Sendable {
    case complaint(EmailDraft)
    /// An auto-reply or bounce (``AutoReplyDetector``): stored raw and counted, never a complaint.
    case automatic(reason: String, messageID: String?)
}

/// A complaint draft from one message, with what intake needs beyond the record.
public struct EmailDraft: Sendable {
    public var complaint: Complaint
    /// Attachment bytes, in the record's `attachments` order; nil for one over the size limit.
    public var attachmentBytes: [[UInt8]?]
    /// Message-IDs this message answers, most specific first (`In-Reply-To`, then `References`
    /// newest first): the first that names a stored complaint makes this a follow-up of it.
    public var threadCandidates: [String]
    /// Every fingerprint an earlier copy of this message may be stored under
    /// (`source.extra.content_sha256`), today's first.
    public var contentFingerprints: [String] = []
}
