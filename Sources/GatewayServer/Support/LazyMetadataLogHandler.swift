import Logging

/// A stderr log handler whose logger metadata costs nothing until a line is written.
///
/// The HTTP server attaches request metadata to a logger for every request, and
/// `StreamLogHandler` renders its metadata to text on every change, so each request paid for a
/// string no line at the default level ever printed. This handler keeps the metadata as data and
/// hands it to a `StreamLogHandler` only when it logs, so the output is byte for byte the same.
public struct LazyMetadataLogHandler: LogHandler {
    private var output: StreamLogHandler
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let format: LogFormat

    /// Writes to standard error, as text lines or JSON lines.
    public init(label: String, format: LogFormat = .text) {
        output = StreamLogHandler.standardError(label: label)
        self.label = label
        self.format = format
    }

    /// Writes to `stream`.
    public init(label: String, stream: any TextOutputStream & Sendable) {
        output = StreamLogHandler(label: label, stream: stream)
        self.label = label
        format = .text
    }

    public var logLevel: Logger.Level {
        get { output.logLevel }
        set { output.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { output.metadataProvider }
        set { output.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            // The line's own metadata wins over the logger's, as in StreamLogHandler.
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        switch format {
        case .text:
            output.log(event: event)
        case .json:
            var all = output.metadataProvider?.get() ?? [:]
            all.merge(event.metadata ?? [:]) { _, explicit in explicit }
            JSONLogLine.emit(JSONLogLine.render(event, label: label, metadata: all))
        }
    }
}
