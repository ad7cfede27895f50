import ComplaintCore
import Foundation
import Logging
import Synchronization

/// `logging.format`: how a log line is written to standard error.
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's text line (`2026-12-05T00:41:56+0000 warning complaint-gateway: cg.x=1 [Module] message`).
    case text
    /// One JSON object per line, for log shippers (Loki, Elasticsearch, journald's JSON): `time`
    /// (RFC 3339 UTC, milliseconds), `level`, `logger`, `message`, `source`, then each metadata key
    /// (`cg.complaint_id`, …) as a field of its own.
    case json
}

/// Writes log events as JSON lines, whole lines at a time (events from many threads never mix).
struct JSONLogLine {
    /// The line for one event, newline included.
    static func render(_ event: LogEvent, label: String, metadata: Logger.Metadata) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.field("time", time(Date()))
        writer.field("level", event.level.rawValue)
        writer.field("logger", label)
        writer.field("message", event.message.description)
        writer.field("source", event.source)
        for key in metadata.keys.sorted() {
            // The five names above stay the line's own.
            guard !["time", "level", "logger", "message", "source"].contains(key) else { continue }
            writer.key(escaping: key)
            write(metadata[key]!, into: &writer)
        }
        writer.endObject()
        var bytes = writer.takeBytes()
        bytes.append(0x0A)
        return bytes
    }

    /// RFC 3339 in UTC with milliseconds (`2026-12-05T00:41:56.123Z`): lines within one second keep their order.
    static func time(_ date: Date) -> String {
        let whole = RFC3339.format(date)
        let fraction = date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)
        let milliseconds = min(Int(fraction * 1000), 999)
        let digits = String(milliseconds)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    private static func write(_ value: Logger.Metadata.Value, into writer: inout JSONWriter) {
        switch value {
        case .string(let text): writer.value(text)
        case .stringConvertible(let convertible): writer.value(convertible.description)
        case .array(let items):
            writer.beginArray()
            for item in items { write(item, into: &writer) }
            writer.endArray()
        case .dictionary(let fields):
            writer.beginObject()
            for key in fields.keys.sorted() {
                writer.key(escaping: key)
                write(fields[key]!, into: &writer)
            }
            writer.endObject()
        }
    }

    /// Standard error, one writer at a time: a line is written whole.
    static let standardError = Mutex<Void>(())

    static func emit(_ bytes: [UInt8]) {
        standardError.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
}
