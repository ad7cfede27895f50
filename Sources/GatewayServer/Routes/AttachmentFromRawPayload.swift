import ComplaintCore
import EmailAdapter
import Foundation
import Storage

/// The bytes of a file the store listed but did not keep apart (over `email.max_attachment_bytes`
/// when it came: a phone's video), read again from the raw payload, which holds every file: the
/// message (or the form or JSON a mail service posted it in, when that was kept), or the API request
/// (a form's file field, a JSON body's base64). The payload is parsed
/// as intake parsed it, with no size limit, and the file at the same position is served only when
/// its SHA-256 is the one the record lists.
enum AttachmentFromRawPayload {
    static func bytes(of attachment: StoredAttachment, at position: Int, complaintID: String, store: any ComplaintStore)
        async throws -> Data?
    {
        guard let source = try await store.attachmentSource(ofComplaint: complaintID) else { return nil }
        let files: [Data?]
        switch source.channel {
        case .api:
            guard case .success(let form) = APISubmissionForm.body(source.body, contentType: source.contentType),
                let parsed = try? APISubmissionParser().parse(
                    form.json, files: form.files, adapter: "", receivedAt: Date())
            else { return nil }
            files = parsed.attachmentData
        default:
            let builder = EmailComplaintBuilder(maxAttachmentBytes: .max)
            guard let message = StoredEmailPayload.message(Array(source.body), contentType: source.contentType),
                case .complaint(let draft) = builder.build(message, adapter: "", receivedAt: Date())
            else { return nil }
            files = draft.attachmentBytes.map { $0.map { Data($0) } }
        }
        guard files.indices.contains(position), let bytes = files[position],
            ContentHash.sha256Hex(bytes) == attachment.sha256
        else { return nil }
        return bytes
    }
}
