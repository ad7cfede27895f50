import ComplaintCore
import EmailAdapter
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Storage

/// Mail services whose post wraps the raw message in an envelope of their own: Amazon SES through
/// an SNS topic, and Mandrill's inbound webhook (which can carry several messages at once).
extension EmailRoutes {
    static let snsMessageType = HTTPField.Name("x-amz-sns-message-type")!

    /// An Amazon SNS delivery: the SES notification's message taken as any raw message; a
    /// subscription confirmation, or a notification whose mail SES kept elsewhere, kept in
    /// quarantine with what to do (200, so SNS does not post it again); any other notice kept raw
    /// as ignored.
    func snsDelivery(_ body: [UInt8], from sender: Sender, _ context: BasicRequestContext) async throws -> Response {
        guard let delivery = MailServiceEnvelopes.sns(body) else {
            throw try await refusal(
                body, "the x-amz-sns-message-type header is set, but the body is not an Amazon SNS message",
                code: "not_sns", from: sender)
        }
        let reason: String
        switch delivery {
        case .message(let message):
            return Self.response(to: try await take(message, from: sender, context))
        case .subscriptionConfirmation(let topic, let subscribeURL):
            reason =
                "Amazon SNS asks to confirm the subscription to \(topic): open its SubscribeURL once, or confirm "
                + "the subscription in the SNS console (the gateway makes no request of its own to an address a "
                + "request names); until then SNS delivers nothing. SubscribeURL: \(subscribeURL)"
            context.logger.warning(
                "Amazon SNS subscription to confirm",
                metadata: ["cg.sns.topic": "\(topic)", "cg.sns.subscribe_url": "\(subscribeURL)"])
        case .receivedWithoutContent(let messageID):
            reason =
                "an SES receipt notification without the mail's content (SES message \(messageID ?? "with no id")): "
                + "the receipt rule's action kept the mail elsewhere (S3); add an SNS action with encoding Base64 "
                + "to the rule, which posts the mail itself"
            context.logger.warning(
                "SES notification without the mail", metadata: ["cg.sns.message": "\(messageID ?? "")"])
        case .other(let kind):
            let notice = "an Amazon SNS \(kind), which holds no mail"
            let rawID = try await intake.ignoreNotice(
                body, adapter: sender.tokenName, reason: notice, headers: sender.headers,
                contentType: sender.contentType, kind: "sns_notice")
            return Self.response(to: .ignored(reason: notice, rawID: rawID))
        }
        let rawID = try await intake.quarantineNotAMessage(
            body, adapter: sender.tokenName, reason: reason, headers: sender.headers, contentType: sender.contentType,
            code: "sns_not_a_message")
        return Self.response(to: .ignored(reason: reason, rawID: rawID))
    }

    /// A post that cannot be read, kept in quarantine as it came: the 400 that names it.
    private func refusal(_ body: [UInt8], _ reason: String, code: String, from sender: Sender) async throws
        -> GatewayError
    {
        let rawID = try await intake.quarantineNotAMessage(
            body, adapter: sender.tokenName, reason: reason, headers: sender.headers,
            contentType: sender.contentType, code: code)
        return GatewayError.badRequest(reason, code: code, rawID: rawID)
    }

    /// Mandrill's inbound webhook: every event's `raw_msg` taken as a raw message, in order, and
    /// one answer (200, `messages`: one object per event) for all of them. An event whose
    /// `raw_msg` is not a message is kept in quarantine (its object is the refusal) and does not
    /// hold back the others; a store failure is 503, and Mandrill's retry of the whole post finds
    /// the messages taken before it as duplicates.
    func mandrillEvents(_ events: [UInt8], form: [UInt8], from sender: Sender, _ context: BasicRequestContext)
        async throws -> Response
    {
        guard let items = MailServiceEnvelopes.mandrill(events) else {
            throw try await refusal(
                form, "the form's mandrill_events field is not a JSON array of Mandrill events",
                code: "malformed_mandrill_events", from: sender)
        }
        var writer = JSONWriter(capacity: 256 * max(items.count, 1))
        writer.beginObject()
        writer.key("messages")
        writer.beginArray()
        var others: [String] = []
        for item in items {
            switch item {
            case .message(let message):
                do {
                    Self.write(try await take(message, from: sender, context), to: &writer)
                } catch let refusal as GatewayError where refusal.code == "not_a_message" {
                    writer.beginObject()
                    writer.key("error")
                    writer.beginObject()
                    writer.field("code", refusal.code)
                    writer.field("message", refusal.message)
                    writer.field("raw_id", refusal.rawID)
                    writer.endObject()
                    writer.endObject()
                }
            case .other(let name):
                others.append(name)
                writer.beginObject()
                writer.field("ignored", true)
                writer.field("reason", "a Mandrill \"\(name)\" event, which holds no inbound message")
                writer.endObject()
            }
        }
        writer.endArray()
        if !others.isEmpty {
            // Kept once, the whole post, so nothing Mandrill sent is lost.
            let rawID = try await intake.ignoreNotice(
                form, adapter: sender.tokenName,
                reason: "Mandrill events without an inbound message: \(others.joined(separator: ", "))",
                headers: sender.headers, contentType: sender.contentType, kind: "mandrill_event")
            writer.field("events_kept_raw_id", rawID)
        }
        writer.endObject()
        return jsonResponse(writer)
    }
}
