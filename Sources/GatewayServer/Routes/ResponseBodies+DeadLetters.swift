import ComplaintCore
import Foundation
import Storage

extension ResponseBodies {
    /// `GET /v1/deadletters`: `{items: [{complaint_id, department, attempts, dead_at, error, replays, last_attempt}],
    /// next_cursor}` (`next_cursor` when the page is full: there may be more; else null).
    static func deadLetters(_ items: [DeadLetter], nextCursor: DeadLetterCursor? = nil) -> JSONWriter {
        var writer = JSONWriter(capacity: 512 * max(1, items.count))
        writer.beginObject()
        writer.key("items")
        writer.beginArray()
        for item in items {
            writer.beginObject()
            writer.field("complaint_id", item.complaintID)
            writer.field("department", item.department)
            writer.field("attempts", item.attempts)
            writer.field("dead_at", RFC3339.format(item.deadAt))
            writer.field("error", item.error)
            writer.field("replays", item.replays)
            writer.key("last_attempt")
            if let last = item.lastAttempt { write(last, to: &writer) } else { writer.null() }
            writer.endObject()
        }
        writer.endArray()
        writer.field("next_cursor", nextCursor?.description)
        writer.endObject()
        return writer
    }

    /// `POST /v1/deadletters/…/replay`: `{replayed: [ids]}`.
    static func replayed(_ ids: [String]) -> JSONWriter {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("replayed")
        writer.beginArray()
        for id in ids { writer.value(id) }
        writer.endArray()
        writer.field("count", ids.count)
        writer.endObject()
        return writer
    }
}
