import ComplaintCore
import Foundation
import Storage

// Response bodies that carry records are written with `JSONWriter` so the record reads in the
// documented field order here too, exactly as departments receive it.

enum ResponseBodies {
    /// `201`/`200` answer to a submission: `{id, duplicate, routing}`.
    static func submission(
        id: String, duplicate: Bool, routing: Complaint.RoutingInfo, ignored: [String] = []
    ) -> JSONWriter {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.field("id", id)
        writer.field("duplicate", duplicate)
        writer.key("routing")
        routing.write(to: &writer)
        // Only when there are any: the values the gateway set instead are in the stored record.
        if !ignored.isEmpty {
            writer.key("ignored")
            writer.beginArray()
            for name in ignored { writer.value(name) }
            writer.endArray()
        }
        writer.endObject()
        return writer
    }

    /// `GET /v1/complaints/{id}`: record, state, decision with trace, deliveries, events.
    static func detail(_ stored: StoredComplaint, traceComplete: Bool) -> JSONWriter {
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.key("record")
        writer.raw(stored.recordJSON)
        writer.field("state", stored.state.rawValue)
        writer.key("routing_decision")
        writer.beginObject()
        writer.field("tables_version", stored.tablesVersion)
        writer.field("trace_complete", traceComplete)
        writer.key("trace")
        writer.raw(stored.traceJSON)
        writer.endObject()
        writer.key("deliveries")
        writer.beginArray()
        for attempt in stored.deliveries { write(attempt, to: &writer) }
        writer.endArray()
        writer.key("events")
        writer.beginArray()
        for event in stored.events {
            writer.beginObject()
            writer.field("at", RFC3339.format(event.at))
            writer.field("type", event.type)
            writer.field("detail", event.detail)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer
    }

    /// One delivery attempt: time, status, latency, outcome, error and the response's first bytes.
    static func write(_ attempt: DeliveryAttempt, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("attempt", attempt.attempt)
        writer.field("at", RFC3339.format(attempt.startedAt))
        writer.field("department", attempt.department)
        writer.field("url", attempt.url)
        writer.field("status", attempt.statusCode.map(Double.init))
        writer.field("latency_ms", (attempt.latencyMilliseconds * 10).rounded() / 10)
        writer.field("outcome", attempt.outcome)
        writer.field("error", attempt.error)
        writer.field("response_snippet", attempt.responseSnippet)
        writer.endObject()
    }

    /// `GET /v1/complaints`: `{items: [{record, state}], next_cursor}`.
    static func list(_ page: ComplaintPage) -> JSONWriter {
        var writer = JSONWriter(capacity: 2048 * max(1, page.items.count))
        writer.beginObject()
        writer.key("items")
        writer.beginArray()
        for item in page.items {
            writer.beginObject()
            writer.key("record")
            writer.raw(item.recordJSON)
            writer.field("state", item.state.rawValue)
            writer.endObject()
        }
        writer.endArray()
        writer.field("next_cursor", page.nextCursor)
        writer.endObject()
        return writer
    }

    /// `GET /v1/quarantine`: `{items: [...]}`.
    static func quarantine(_ items: [QuarantinedPayload], nextCursor: String?) -> JSONWriter {
        page(items, nextCursor: nextCursor) { item, writer in item.write(to: &writer) }
    }

    /// `{"items": […], "next_cursor"}`: a page of a list (the quarantine, the upload history).
    static func page<Item>(
        _ items: [Item], nextCursor: String?, capacity: Int = 1024, write: (Item, inout JSONWriter) -> Void
    ) -> JSONWriter {
        var writer = JSONWriter(capacity: capacity)
        writer.beginObject()
        writer.key("items")
        writer.beginArray()
        for item in items { write(item, &writer) }
        writer.endArray()
        writer.field("next_cursor", nextCursor)
        writer.endObject()
        return writer
    }

    /// `POST /v1/quarantine/{id}/reprocess` for a payload that is not an upload.
    static func reprocessed(_ payload: QuarantinedBody, _ outcome: QuarantineReprocessor.Outcome) -> JSONWriter {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.field("id", payload.id)
        writer.field("channel", payload.channel.rawValue)
        writer.field("adapter", payload.adapter)
        writer.field("outcome", outcome.kind.rawValue)
        writer.key("complaints")
        writer.beginArray()
        for taken in outcome.complaints {
            writer.beginObject()
            writer.field("id", taken.id)
            writer.field("duplicate", taken.duplicate)
            writer.field("follow_up_of", taken.followUpOf)
            writer.key("routing")
            taken.routing.write(to: &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.field("reason", outcome.reason)
        writer.endObject()
        return writer
    }
}

extension QuarantinedPayload {
    /// One item of `GET /v1/quarantine` (and a line of `quarantine list --json`).
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("id", id)
        writer.field("channel", channel.rawValue)
        writer.field("adapter", adapter)
        writer.field("received_at", RFC3339.format(receivedAt))
        writer.field("sha256", sha256)
        writer.field("size", size)
        writer.field("error", error)
        writer.endObject()
    }
}
