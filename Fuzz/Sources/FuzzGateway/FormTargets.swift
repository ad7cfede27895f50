import ComplaintCore
import EmailAdapter
import Foundation

@testable import GatewayServer

/// Forms taken whole in memory: a complaint with its files (`POST /v1/complaints`), and a mail
/// forwarder's parsed mail rebuilt into a message (`POST /v1/email`: SendGrid's or Mailgun's
/// fields, Mailgun's URL-encoded post, Postmark's JSON), the message then read as mail is.
enum FormTargets {
    static let contentType = "multipart/form-data; boundary=cgFuzz"

    static func apiForm(_ bytes: [UInt8]) {
        guard case .success(let form) = APISubmissionForm.read(Data(bytes), contentType: contentType),
            let parsed = try? JSONTargets.submissions.parse(
                form.json, files: form.files, adapter: "api", receivedAt: Invariants.receivedAt)
        else { return }
        Invariants.encodes(parsed.draft)
    }

    static func emailForm(_ bytes: [UInt8]) {
        var messages: [[UInt8]] = []
        if case .success(let parts) = FormParts.read(bytes, contentType: contentType),
            let (message, _) = ParsedMailFields.message(from: EmailRoutes.fields(of: parts))
        {
            messages.append(message)
        }
        if let (message, _) = ParsedMailFields.message(from: EmailRoutes.fields(ofURLEncoded: bytes)) {
            messages.append(message)
        }
        if let (message, _) = ParsedMailFields.message(fromPostmark: bytes) { messages.append(message) }
        if case .message(let message) = MailServiceEnvelopes.sns(bytes) { messages.append(message) }
        for case .message(let message) in MailServiceEnvelopes.mandrill(bytes) ?? [] { messages.append(message) }
        for message in messages { MIMETarget.run(message) }
    }
}
