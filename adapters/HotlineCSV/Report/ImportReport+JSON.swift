import ComplaintCore

extension ImportReport {
    /// The report as JSON, in the shape DESIGN.md gives (plus `raw_id`, `profile`, `encoding`, `rejected_csv`, `rejected_file`).
    /// Builds the whole document: for small reports and tests; answers use ``jsonChunks(includeIDs:chunkBytes:)``.
    public func json(includeIDs: Bool) -> [UInt8] {
        var chunks = jsonChunks(includeIDs: includeIDs)
        var bytes: [UInt8] = []
        while let chunk = chunks.next() { bytes += chunk }
        return bytes
    }

    /// The report's counts, as the upload history keeps them once the import finished:
    /// `{"encoding", "sheets"?, "rows", "accepted", "duplicates", "rejected", "warnings",
    /// "rejected_csv"?}`, `rejected` and `warnings` counting the report's entries.
    public var summaryJSON: String {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writeCounts(to: &writer)
        writer.field("rejected", rejectedCount)
        writer.field("warnings", warningCount)
        if let path = rejectedCSVPath { writer.field("rejected_csv", path) }
        writer.endObject()
        return String(decoding: writer.takeBytes(), as: UTF8.self)
    }

    /// `encoding`, `sheets` (when several were read), `rows`, `accepted`, `duplicates`: the head
    /// of the report and of its summary alike.
    fileprivate func writeCounts(to writer: inout JSONWriter) {
        writer.field("encoding", encoding.rawValue)
        if sheets.count > 1 {
            writer.key("sheets")
            writer.beginArray()
            for name in sheets { writer.value(name) }
            writer.endArray()
        }
        writer.field("rows", rows)
        writer.field("accepted", accepted)
        writer.field("duplicates", duplicates)
    }

    /// The same JSON in pieces of about `chunkBytes`, read from the spooled lists as it is sent,
    /// so writing out a report with 40,000 rejected rows takes no more memory than one with ten.
    public func jsonChunks(includeIDs: Bool, chunkBytes: Int = 64 << 10) -> JSONChunks {
        JSONChunks(report: self, includeIDs: includeIDs, chunkBytes: chunkBytes)
    }

    /// Produces a report's JSON piece by piece.
    public struct JSONChunks: IteratorProtocol {
        private enum Stage { case head, rejected, warnings, ids, tail, done }

        private let report: ImportReport
        private let includeIDs: Bool
        private let chunkBytes: Int
        private var stage = Stage.head
        private var writer: JSONWriter
        private var rejected: MergedIssues
        private var warnings: MergedIssues
        private var ids: SpooledList<LineID>.Iterator

        init(report: ImportReport, includeIDs: Bool, chunkBytes: Int) {
            self.report = report
            self.includeIDs = includeIDs
            self.chunkBytes = chunkBytes
            writer = JSONWriter(capacity: chunkBytes + 1024)
            rejected = report.rejected()
            warnings = report.warnings()
            ids = report.idsByLine.makeIterator()
        }

        public mutating func next() -> [UInt8]? {
            while stage != .done && writer.bytes.count < chunkBytes { advance() }
            let bytes = writer.takeBytes()
            return bytes.isEmpty && stage == .done ? nil : bytes
        }

        /// Writes the next entry (or section boundary).
        private mutating func advance() {
            switch stage {
            case .head:
                writer.beginObject()
                writer.field("file_sha256", report.fileSHA256)
                writer.field("raw_id", report.rawID)
                writer.field("profile", report.profile)
                report.writeCounts(to: &writer)
                writer.key("rejected")
                writer.beginArray()
                stage = .rejected
            case .rejected:
                if let issue = rejected.next() {
                    write(issue)
                } else {
                    writer.endArray()
                    writer.key("warnings")
                    writer.beginArray()
                    stage = .warnings
                }
            case .warnings:
                if let issue = warnings.next() {
                    write(issue)
                } else {
                    writer.endArray()
                    if let path = report.rejectedCSVPath { writer.field("rejected_csv", path) }
                    if let file = report.rejectedFile { writer.field("rejected_file", file) }
                    if includeIDs {
                        writer.key("ids_by_line")
                        writer.beginObject()
                        stage = .ids
                    } else {
                        stage = .tail
                    }
                }
            case .ids:
                if let entry = ids.next() {
                    writer.key(escaping: report.lineKey(sheet: entry.sheet, line: entry.line))
                    writer.value(entry.id)
                } else {
                    writer.endObject()
                    stage = .tail
                }
            case .tail:
                writer.endObject()
                stage = .done
            case .done:
                break
            }
        }

        private mutating func write(_ issue: RowIssue) {
            writer.beginObject()
            if report.sheets.count > 1, report.sheets.indices.contains(issue.sheet) {
                writer.field("sheet", report.sheets[issue.sheet])
            }
            writer.field("line", issue.line)
            writer.field("ticket", issue.ticket)
            writer.field("reason", issue.reason)
            writer.endObject()
        }
    }
}
