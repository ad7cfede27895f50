import ComplaintCore
import EmailAdapter
import Foundation

/// A TNEF stream (Outlook's `winmail.dat`) attached to a message, through the email-to-record
/// mapping that opens it: the stream's lengths and counts are the input's own.
enum TNEFTarget {
    static func run(_ bytes: [UInt8]) {
        let encoded = Data(bytes).base64EncodedString(options: .lineLength76Characters)
        let raw =
            "From: a@example.org\r\nMessage-ID: <fuzz@example.org>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\r\n\r\n--b\r\n"
            + "Content-Type: application/ms-tnef\r\nContent-Disposition: attachment; filename=winmail.dat\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n\(encoded)\r\n--b--\r\n"
        switch MIMETarget.builder.build(Array(raw.utf8), adapter: "fuzz-mail", receivedAt: Invariants.receivedAt) {
        case .complaint(let draft): Invariants.encodes(draft.complaint)
        case .automatic: break
        }
    }
}
