import ComplaintCore
import EmailAdapter

/// Rich text as a message's only body (`text/rtf`), through the mail builder's RTF reader: control
/// words, numbers, `\'hh` bytes, groups and destinations are the input's own.
enum RTFTarget {
    static func run(_ bytes: [UInt8]) {
        let head = Array("From: a@example.org\r\nMessage-ID: <rtf@example.org>\r\nContent-Type: text/rtf\r\n\r\n".utf8)
        switch MIMETarget.builder.build(head + bytes, adapter: "fuzz-mail", receivedAt: Invariants.receivedAt) {
        case .complaint(let draft): Invariants.encodes(draft.complaint)
        case .automatic: break
        }
    }
}
