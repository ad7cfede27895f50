import Foundation

/// The raw messages mail services post inside envelopes of their own: Amazon SES through an SNS
/// topic (a JSON notification whose `Message` is SES's JSON, the mail in its `content`), and
/// Mandrill's inbound webhook (a form field `mandrill_events`: a JSON array of events, each
/// message's `raw_msg`). The message inside is taken byte for byte as any raw message is.
public enum MailServiceEnvelopes {
    /// What an Amazon SNS HTTP(S) delivery holds.
    public enum SNSDelivery: Equatable, Sendable {
        /// An SES receipt notification with the mail's content (a receipt rule's SNS action).
        case message([UInt8])
        /// SNS asks the endpoint to confirm the subscription: nothing is delivered until someone
        /// opens `subscribeURL` (or confirms it in the SNS console).
        case subscriptionConfirmation(topic: String, subscribeURL: String)
        /// An SES receipt notification without the content: the rule's action stored the mail
        /// elsewhere (S3, or a WorkMail or Lambda action), which this notification only announces.
        case receivedWithoutContent(messageID: String?)
        /// Anything else SNS sends: an unsubscribe confirmation, SES bounce, complaint or delivery
        /// feedback, another topic's messages. Named by the SNS type and SES `notificationType`.
        case other(String)
    }

    /// Nil when `json` is not an SNS delivery: SNS's JSON (`Type` and `TopicArn` or `MessageId`),
    /// or, with the subscription's raw message delivery on, SES's notification itself.
    public static func sns(_ json: [UInt8]) -> SNSDelivery? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { return nil }
        if object["Type"] == nil, let kind = sesKind(object) { return ses(object, kind: kind) }
        guard let type = object["Type"] as? String, object["TopicArn"] is String || object["MessageId"] is String
        else { return nil }
        let topic = object["TopicArn"] as? String ?? ""
        switch type {
        case "SubscriptionConfirmation":
            return .subscriptionConfirmation(topic: topic, subscribeURL: object["SubscribeURL"] as? String ?? "")
        case "Notification":
            guard let text = object["Message"] as? String,
                let ses = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                let kind = sesKind(ses)
            else { return .other("Notification") }
            return Self.ses(ses, kind: kind)
        default:
            return .other(type)
        }
    }

    private static func sesKind(_ notification: [String: Any]) -> String? {
        (notification["notificationType"] ?? notification["eventType"]) as? String
    }

    /// An SES notification: a receipt's mail, or a notice that holds none.
    private static func ses(_ notification: [String: Any], kind: String) -> SNSDelivery {
        guard kind == "Received" else { return .other("Notification \(kind)") }
        let mail = notification["mail"] as? [String: Any]
        guard let content = notification["content"] as? String, !content.isEmpty else {
            return .receivedWithoutContent(messageID: mail?["messageId"] as? String)
        }
        let action = (notification["receipt"] as? [String: Any])?["action"] as? [String: Any]
        if (action?["encoding"] as? String)?.uppercased() == "BASE64",
            let bytes = Data(base64Encoded: content, options: .ignoreUnknownCharacters)
        {
            return .message(Array(bytes))
        }
        return .message(Array(content.utf8))
    }

    /// One event of a Mandrill inbound webhook.
    public enum MandrillEvent: Equatable, Sendable {
        /// An inbound message's `raw_msg`.
        case message([UInt8])
        /// An event that carries no message (Mandrill's other webhooks post to their own URL; an
        /// inbound event without `raw_msg`), named by its `event`.
        case other(String)
    }

    /// The events of a Mandrill webhook's `mandrill_events` field; nil when it is not a JSON array.
    public static func mandrill(_ events: [UInt8]) -> [MandrillEvent]? {
        guard let array = try? JSONSerialization.jsonObject(with: Data(events)) as? [Any] else { return nil }
        return array.map { item in
            let event = item as? [String: Any]
            let name = event?["event"] as? String ?? "(no event)"
            guard name == "inbound", let message = event?["msg"] as? [String: Any],
                let raw = message["raw_msg"] as? String, !raw.isEmpty
            else { return .other(name) }
            return .message(Array(raw.utf8))
        }
    }
}
