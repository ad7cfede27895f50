import ComplaintCore
import Foundation

/// One SMS provider's webhook: who may call it, how its body becomes complaints, and what it wants back.
///
/// Adding a provider is one type conforming to this and an entry in ``SMSConfiguration``. Providers are
/// pure: `authenticate` and `parse` do no I/O, so the gateway can run them inline before it commits.
public protocol SMSProvider: Sendable {
    /// The `{provider}` in `POST /v1/sms/{provider}`, and `source.adapter` of the records.
    var name: String { get }

    /// Checks the request's signature or token; never looks at the parsed body.
    /// - Parameter now: the clock timestamped schemes compare against.
    func authenticate(_ request: SMSRequest, now: Date) -> SMSAuthentication

    /// Turns an authenticated request into complaint drafts (or says why the body is not a message).
    /// - Parameter receivedAt: arrival at the gateway, used when the provider sends no receive time.
    /// - Throws: ``SMSParseError`` when an authentic body cannot be read; the gateway quarantines it.
    func parse(_ request: SMSRequest, receivedAt: Date) throws(SMSParseError) -> SMSParseResult

    /// The reply the provider expects once the messages are committed (or recognized as duplicates).
    var acknowledgement: SMSReply { get }

    /// Whether the provider can be set to send a message as the query of a GET (Twilio, Vonage,
    /// Plivo); the others are answered 405 on GET.
    var acceptsGET: Bool { get }
}

extension SMSProvider {
    public var acceptsGET: Bool { false }
}

/// The verdict on a request's credentials.
public enum SMSAuthentication: Sendable, Equatable {
    case accepted
    case rejected(SMSRejection)
}

/// Why a request was refused, without anything from its body: safe to log and to count.
public struct SMSRejection: Error, Sendable, Equatable {
    /// A stable short code, also the metric label (`bad_signature`, `stale_timestamp`, …).
    public var code: String
    /// What was wrong, for the log and the 403 body; never the message text or a phone number.
    public var message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// An authentic body that could not be read; the payload is kept in quarantine with this message.
public struct SMSParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What an authenticated body held.
public enum SMSParseResult: Sendable {
    /// Inbound messages, one draft each (Alibaba Cloud batches several in one request).
    case messages([SMSMessage])
    /// A callback that is not an inbound message (a delivery report, an outbound event): acknowledged, not stored.
    case ignored(reason: String)
    /// A batch some of whose items could not be read: the others are taken, and the request is
    /// quarantined for the unreadable ones (`problems`), as a whole unreadable request is.
    case partial(messages: [SMSMessage], problems: [String])
}

/// One inbound message as a complaint draft; the gateway assigns id, raw id, routing and ingest time.
public struct SMSMessage: Sendable {
    public var draft: Complaint
    /// Set when the message is one part of a concatenated SMS the provider does not reassemble.
    public var concat: ConcatPart?

    public init(draft: Complaint, concat: ConcatPart? = nil) {
        self.draft = draft
        self.concat = concat
    }
}

/// The HTTP reply a provider expects.
public struct SMSReply: Sendable, Equatable {
    public var status: Int
    public var contentType: String?
    public var body: String

    public init(status: Int = 200, contentType: String? = nil, body: String = "") {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// An empty 200.
    public static let empty = SMSReply()
    /// Empty TwiML / Plivo XML: "received, send nothing back".
    public static let emptyXMLResponse = SMSReply(contentType: "text/xml; charset=utf-8", body: "<Response/>")
}
