import Foundation

/// The common record every channel normalizes into: `complaint/v1`.
///
/// The JSON field names, the explicit `null`s and the RFC 3339 UTC times are a contract with the
/// departments that receive it; ``ComplaintJSON`` (through ``JSONWriter``) produces them byte for byte.
public struct Complaint: Sendable, Hashable {
    /// The schema tag every record carries.
    public static let schema = "complaint/v1"

    /// Gateway id, `cmp_` + ULID (time-sortable).
    public var id: String
    public var channel: Channel
    /// When the hotline received the complaint; deadlines count from it.
    public var receivedAt: Date
    /// When the gateway committed it.
    public var ingestedAt: Date
    /// When the complainant says it happened, if known.
    public var occurredAt: Date?
    public var source: Source
    public var complainant: Complainant
    public var subject: String?
    public var text: String
    /// 投诉/举报/咨询/求助/建议 when the source says.
    public var category: String?
    public var location: Location
    public var attachments: [Attachment]
    public var thread: Thread
    /// The routing decision; set before the record is committed.
    public var routing: RoutingInfo?

    public init(
        id: String,
        channel: Channel,
        receivedAt: Date,
        ingestedAt: Date,
        occurredAt: Date? = nil,
        source: Source,
        complainant: Complainant = Complainant(),
        subject: String? = nil,
        text: String,
        category: String? = nil,
        location: Location = Location(),
        attachments: [Attachment] = [],
        thread: Thread = Thread(),
        routing: RoutingInfo? = nil
    ) {
        self.id = id
        self.channel = channel
        self.receivedAt = receivedAt
        self.ingestedAt = ingestedAt
        self.occurredAt = occurredAt
        self.source = source
        self.complainant = complainant
        self.subject = subject
        self.text = text
        self.category = category
        self.location = location
        self.attachments = attachments
        self.thread = thread
        self.routing = routing
    }
}

extension Complaint {
    /// Where the record came from: adapter, natural key, stored raw payload, unmapped fields.
    public struct Source: Sendable, Hashable {
        /// Provider, profile or mailbox name (`twilio`, `12345`, `api`).
        public var adapter: String
        /// The channel's natural key, used for deduplication.
        public var externalID: String?
        /// The stored raw payload this record was parsed from.
        public var rawID: String?
        /// Source fields with no place in the record, kept verbatim.
        public var extra: [String: JSONValue]

        public init(adapter: String, externalID: String? = nil, rawID: String? = nil, extra: [String: JSONValue] = [:])
        {
            self.adapter = adapter
            self.externalID = externalID
            self.rawID = rawID
            self.extra = extra
        }
    }

    /// Who complained. `phone` is E.164 or null; an unparseable number stays in `source.extra`.
    public struct Complainant: Sendable, Hashable {
        public var name: String?
        public var phone: String?
        public var email: String?
        public var anonymous: Bool

        public init(name: String? = nil, phone: String? = nil, email: String? = nil, anonymous: Bool = false) {
            self.name = name
            self.phone = phone
            self.email = email
            self.anonymous = anonymous
        }
    }

    /// Where it happened.
    public struct Location: Sendable, Hashable {
        public var address: String?
        public var district: String?
        public var lat: Double?
        public var lon: Double?

        public init(address: String? = nil, district: String? = nil, lat: Double? = nil, lon: Double? = nil) {
            self.address = address
            self.district = district
            self.lat = lat
            self.lon = lon
        }
    }

    /// An attachment's metadata; the bytes are stored beside the raw payload.
    public struct Attachment: Sendable, Hashable {
        public var filename: String?
        public var contentType: String
        public var size: Int
        public var sha256: String

        public init(filename: String?, contentType: String, size: Int, sha256: String) {
            self.filename = filename
            self.contentType = contentType
            self.size = size
            self.sha256 = sha256
        }
    }

    /// Conversation links (email threading).
    public struct Thread: Sendable, Hashable {
        public var inReplyTo: String?
        public var references: [String]

        public init(inReplyTo: String? = nil, references: [String] = []) {
            self.inReplyTo = inReplyTo
            self.references = references
        }
    }

    /// The routing decision as departments see it.
    public struct RoutingInfo: Sendable, Hashable {
        public var department: String
        public var priority: Priority
        public var dueAt: Date?
        /// Id of the rule that decided (`default` when no rule matched).
        public var rule: String
        /// The table that rule lives in.
        public var table: String

        public init(department: String, priority: Priority, dueAt: Date?, rule: String, table: String) {
            self.department = department
            self.priority = priority
            self.dueAt = dueAt
            self.rule = rule
            self.table = table
        }
    }
}
