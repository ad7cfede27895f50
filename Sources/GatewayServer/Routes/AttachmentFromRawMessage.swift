import ComplaintCore
import EmailAdapter
import Foundation
import Storage

/// The bytes of an email attachment the store listed but did not keep apart (over
/// `email.max_attachment_bytes` when it came: a phone's video), read again from the raw message,
/// which holds every file. The message is parsed as intake parsed it, with no size limit, and the
/// file at the same position is served only when its SHA-256 is the one the record lists.
enum AttachmentFromRawMessage {
    static func bytes(of attachment: StoredAttachment, at position: Int, complaintID: String, store: any ComplaintStore)
        async throws -> Data?
    {
        guard let message = try await store.rawBody(ofComplaint: complaintID) else { return nil }
        let builder = EmailComplaintBuilder(maxAttachmentBytes: .max)
        guard case .complaint(let draft) = builder.build(Array(message), adapter: "", receivedAt: Date()),
            draft.attachmentBytes.indices.contains(position), let bytes = draft.attachmentBytes[position],
            ContentHash.sha256Hex(bytes) == attachment.sha256
        else { return nil }
        return Data(bytes)
    }
}
