import ComplaintCore
import EmailAdapter

/// A raw RFC 5322 message through the MIME parser and the email-to-record mapping.
enum MIMETarget {
    static let builder = EmailComplaintBuilder(maxAttachmentBytes: 4096)

    static func run(_ bytes: [UInt8]) {
        switch builder.build(bytes, adapter: "fuzz-mail", receivedAt: Invariants.receivedAt) {
        case .complaint(let draft): Invariants.encodes(draft.complaint)
        case .automatic: break
        }
    }
}
