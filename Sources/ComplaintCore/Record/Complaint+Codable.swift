import Foundation

// `complaint/v1` on the wire. Hand-written rather than synthesized because the contract wants
// explicit `null`s (synthesized coding omits nil optionals), snake_case names, a fixed field
// order, and RFC 3339 UTC seconds whatever date strategy the caller's coder uses.

extension Complaint: Codable {
    enum CodingKeys: String, CodingKey {
        case schema, id, channel
        case receivedAt = "received_at"
        case ingestedAt = "ingested_at"
        case occurredAt = "occurred_at"
        case source, complainant, subject, text, category, location, attachments, thread, routing
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let schema = try c.decode(String.self, forKey: .schema)
        guard schema == Complaint.schema else {
            throw DecodingError.dataCorruptedError(
                forKey: .schema, in: c, debugDescription: "unsupported schema \"\(schema)\"")
        }
        self.init(
            id: try c.decode(String.self, forKey: .id),
            channel: try c.decode(Channel.self, forKey: .channel),
            receivedAt: try c.decodeTimestamp(forKey: .receivedAt),
            ingestedAt: try c.decodeTimestamp(forKey: .ingestedAt),
            occurredAt: try c.decodeTimestampIfPresent(forKey: .occurredAt),
            source: try c.decode(Source.self, forKey: .source),
            complainant: try c.decode(Complainant.self, forKey: .complainant),
            subject: try c.decodeIfPresent(String.self, forKey: .subject),
            text: try c.decode(String.self, forKey: .text),
            category: try c.decodeIfPresent(String.self, forKey: .category),
            location: try c.decode(Location.self, forKey: .location),
            attachments: try c.decodeIfPresent([Attachment].self, forKey: .attachments) ?? [],
            thread: try c.decodeIfPresent(Thread.self, forKey: .thread) ?? Thread(),
            routing: try c.decodeIfPresent(RoutingInfo.self, forKey: .routing)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Complaint.schema, forKey: .schema)
        try c.encode(id, forKey: .id)
        try c.encode(channel, forKey: .channel)
        try c.encode(RFC3339.format(receivedAt), forKey: .receivedAt)
        try c.encode(RFC3339.format(ingestedAt), forKey: .ingestedAt)
        try c.encode(occurredAt.map(RFC3339.format), forKey: .occurredAt)
        try c.encode(source, forKey: .source)
        try c.encode(complainant, forKey: .complainant)
        try c.encode(subject, forKey: .subject)
        try c.encode(text, forKey: .text)
        try c.encode(category, forKey: .category)
        try c.encode(location, forKey: .location)
        try c.encode(attachments, forKey: .attachments)
        try c.encode(thread, forKey: .thread)
        try c.encode(routing, forKey: .routing)
    }
}

extension Complaint.Source: Codable {
    enum CodingKeys: String, CodingKey {
        case adapter
        case externalID = "external_id"
        case rawID = "raw_id"
        case extra
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            adapter: try c.decode(String.self, forKey: .adapter),
            externalID: try c.decodeIfPresent(String.self, forKey: .externalID),
            rawID: try c.decodeIfPresent(String.self, forKey: .rawID),
            extra: try c.decodeIfPresent([String: JSONValue].self, forKey: .extra) ?? [:]
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(adapter, forKey: .adapter)
        try c.encode(externalID, forKey: .externalID)
        try c.encode(rawID, forKey: .rawID)
        try c.encode(extra, forKey: .extra)
    }
}

extension Complaint.Complainant: Codable {
    enum CodingKeys: String, CodingKey { case name, phone, email, anonymous }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decodeIfPresent(String.self, forKey: .name),
            phone: try c.decodeIfPresent(String.self, forKey: .phone),
            email: try c.decodeIfPresent(String.self, forKey: .email),
            anonymous: try c.decodeIfPresent(Bool.self, forKey: .anonymous) ?? false
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(phone, forKey: .phone)
        try c.encode(email, forKey: .email)
        try c.encode(anonymous, forKey: .anonymous)
    }
}

extension Complaint.Location: Codable {
    enum CodingKeys: String, CodingKey { case address, district, lat, lon }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            address: try c.decodeIfPresent(String.self, forKey: .address),
            district: try c.decodeIfPresent(String.self, forKey: .district),
            lat: try c.decodeIfPresent(Double.self, forKey: .lat),
            lon: try c.decodeIfPresent(Double.self, forKey: .lon)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(address, forKey: .address)
        try c.encode(district, forKey: .district)
        try c.encode(lat, forKey: .lat)
        try c.encode(lon, forKey: .lon)
    }
}

extension Complaint.Attachment: Codable {
    enum CodingKeys: String, CodingKey {
        case filename
        case contentType = "content_type"
        case size, sha256
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            filename: try c.decodeIfPresent(String.self, forKey: .filename),
            contentType: try c.decode(String.self, forKey: .contentType),
            size: try c.decode(Int.self, forKey: .size),
            sha256: try c.decode(String.self, forKey: .sha256)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(filename, forKey: .filename)
        try c.encode(contentType, forKey: .contentType)
        try c.encode(size, forKey: .size)
        try c.encode(sha256, forKey: .sha256)
    }
}

extension Complaint.Thread: Codable {
    enum CodingKeys: String, CodingKey {
        case inReplyTo = "in_reply_to"
        case references
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            inReplyTo: try c.decodeIfPresent(String.self, forKey: .inReplyTo),
            references: try c.decodeIfPresent([String].self, forKey: .references) ?? []
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inReplyTo, forKey: .inReplyTo)
        try c.encode(references, forKey: .references)
    }
}

extension Complaint.RoutingInfo: Codable {
    enum CodingKeys: String, CodingKey {
        case department, priority
        case dueAt = "due_at"
        case rule, table
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            department: try c.decode(String.self, forKey: .department),
            priority: try c.decode(Priority.self, forKey: .priority),
            dueAt: try c.decodeTimestampIfPresent(forKey: .dueAt),
            rule: try c.decode(String.self, forKey: .rule),
            table: try c.decode(String.self, forKey: .table)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(department, forKey: .department)
        try c.encode(priority, forKey: .priority)
        try c.encode(dueAt.map(RFC3339.format), forKey: .dueAt)
        try c.encode(rule, forKey: .rule)
        try c.encode(table, forKey: .table)
    }
}

extension KeyedDecodingContainer {
    /// Decodes an RFC 3339 timestamp string, with a precise error naming the field.
    public func decodeTimestamp(forKey key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "not an RFC 3339 timestamp: \"\(text)\"")
        }
        return date
    }

    /// Decodes an optional RFC 3339 timestamp string (absent or `null` gives nil).
    public func decodeTimestampIfPresent(forKey key: Key) throws -> Date? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "not an RFC 3339 timestamp: \"\(text)\"")
        }
        return date
    }
}
