import Foundation

extension Complaint {
    /// Writes the record as `complaint/v1`, fields in the documented order, explicit nulls.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("schema", Complaint.schema)
        writer.field("id", id)
        writer.field("channel", channel.rawValue)
        writer.field("received_at", RFC3339.format(receivedAt))
        writer.field("ingested_at", RFC3339.format(ingestedAt))
        writer.field("occurred_at", occurredAt.map(RFC3339.format))

        writer.key("source")
        writer.beginObject()
        writer.field("adapter", source.adapter)
        writer.field("external_id", source.externalID)
        writer.field("raw_id", source.rawID)
        writer.key("extra")
        writer.value(.object(source.extra))
        writer.endObject()

        writer.key("complainant")
        writer.beginObject()
        writer.field("name", complainant.name)
        writer.field("phone", complainant.phone)
        writer.field("email", complainant.email)
        writer.field("anonymous", complainant.anonymous)
        writer.endObject()

        writer.field("subject", subject)
        writer.field("text", text)
        writer.field("category", category)

        writer.key("location")
        writer.beginObject()
        writer.field("address", location.address)
        writer.field("district", location.district)
        writer.field("lat", location.lat)
        writer.field("lon", location.lon)
        writer.endObject()

        writer.key("attachments")
        writer.beginArray()
        for attachment in attachments {
            writer.beginObject()
            writer.field("filename", attachment.filename)
            writer.field("content_type", attachment.contentType)
            writer.field("size", attachment.size)
            writer.field("sha256", attachment.sha256)
            writer.endObject()
        }
        writer.endArray()

        writer.key("thread")
        writer.beginObject()
        writer.field("in_reply_to", thread.inReplyTo)
        writer.key("references")
        writer.beginArray()
        for reference in thread.references { writer.value(reference) }
        writer.endArray()
        writer.endObject()

        writer.key("routing")
        if let routing {
            routing.write(to: &writer)
        } else {
            writer.null()
        }
        writer.endObject()
    }
}

extension Complaint.RoutingInfo {
    /// Writes `{department, priority, due_at, rule, table}` in that order.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("department", department)
        writer.field("priority", priority.rawValue)
        writer.field("due_at", dueAt.map(RFC3339.format))
        writer.field("rule", rule)
        writer.field("table", table)
        writer.endObject()
    }
}
