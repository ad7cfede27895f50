import ComplaintCore
import Storage

/// `GET /v1/hotline/imports`: the uploads, newest first, as staff see them under the upload
/// page's form. Staff who closed the page before downloading the rejected rows, or who wonder
/// whether a colleague already sent this morning's file, find each upload there with its file's
/// name, what became of it and its report's counts.
enum UploadHistory {
    /// The kept header that holds the uploaded file's name: a form's file part's `filename`, or the
    /// file `complaint-gateway import` read.
    static let fileNameHeader = "X-Source-File"
    /// The kept header that names the token an upload came with (its `name` in `auth.tokens`).
    static let tokenNameHeader = "X-Token-Name"

    /// What staff read for a stored disposition.
    static func state(of disposition: String) -> String {
        switch disposition {
        case "accepted": "imported"
        case "quarantined": "refused"
        default: disposition  // importing, superseded
        }
    }

    static func json(_ entries: [UploadHistoryEntry], nextCursor: String?) -> JSONWriter {
        ResponseBodies.page(entries, nextCursor: nextCursor, capacity: 512 * max(1, entries.count)) { entry, writer in
            write(entry, to: &writer)
        }
    }

    private static func write(_ entry: UploadHistoryEntry, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("raw_id", entry.rawID)
        writer.field("received_at", RFC3339.format(entry.receivedAt))
        writer.field("profile", entry.profile)
        writer.field("file_name", entry.headers.last { $0.name == fileNameHeader }?.value)
        // Who sent it, by token name: null for `complaint-gateway import`, run on the gateway's machine.
        writer.field("uploaded_by", entry.headers.last { $0.name == tokenNameHeader }?.value)
        let named = SheetChoice(headers: entry.headers)
        if !named.isEmpty {
            writer.key("sheets_named")
            writer.beginArray()
            for name in named.names { writer.value(name) }
            writer.endArray()
        }
        writer.field("file_sha256", entry.sha256)
        writer.key("size")
        if let size = entry.size { writer.value(size) } else { writer.null() }
        writer.field("state", state(of: entry.disposition))
        writer.field("error", entry.error)
        writer.key("report")
        if let summary = entry.summaryJSON { writer.raw(summary.utf8) } else { writer.null() }
        writer.endObject()
    }
}
