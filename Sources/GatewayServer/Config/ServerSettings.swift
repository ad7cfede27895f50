import ComplaintCore

/// `server:` in gateway.yaml.
public struct ServerSettings: Sendable, Hashable {
    /// `listen` (default `127.0.0.1:8080`): host and port to bind.
    public var host: String
    public var port: Int
    /// `max_body_bytes` (default 1 MiB): larger request bodies get 413.
    public var maxBodyBytes: Int
    /// `idle_timeout_s` (default 60): the read timeout. A connection is closed when this long passes
    /// without a complete request head or a piece of body arriving while no request is being answered:
    /// idle keep-alive connections, and slow-loris clients that dribble or stall their headers.
    public var idleTimeoutSeconds: Int
    /// `body_timeout_s` (default 30) and `body_min_rate` (bytes per second, default 500): a request
    /// body must end within `body_timeout_s` of its head, plus one second per `body_min_rate` bytes
    /// received; a slower one has its connection closed (``SlowBodyCloser``).
    public var bodyTimeoutSeconds: Int = 30
    public var bodyMinRate: Int = 500
    /// `max_header_bytes` (default 32 KiB): the request line and headers together; more gets 431.
    public var maxHeaderBytes: Int = 32 << 10
    /// `max_headers` (default 100): header fields per request; more gets 431.
    public var maxHeaders: Int = 100
    /// `max_connections` (default 4096): connections served at once; past it, new ones wait in the
    /// listen backlog. Bounds memory against floods of slow clients (each may hold a body up to `max_body_bytes`).
    public var maxConnections: Int = 4096
    /// `max_upload_bytes` (default 4 GiB): a hotline CSV upload; it streams to disk, so this bounds disk, not memory.
    public var maxUploadBytes: Int = 4 << 30
    /// `max_form_bytes` (default 32 MiB): a complaint sent to `POST /v1/complaints` as
    /// `multipart/form-data`, its files included (a JSON body stays under `max_body_bytes`).
    public var maxFormBytes: Int = 32 << 20

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20, idleTimeoutSeconds: Int = 60)
    {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    static func read(_ node: ConfigNode) -> ServerSettings {
        node.expectMapping(allowedKeys: [
            "listen", "max_body_bytes", "idle_timeout_s", "max_header_bytes", "max_headers", "max_upload_bytes",
            "max_connections", "body_timeout_s", "body_min_rate", "max_form_bytes",
        ])
        var settings = ServerSettings()
        if let listen = node["listen"].string() {
            if let (host, port) = parseListen(listen) {
                settings.host = host
                settings.port = port
            } else {
                node["listen"].error("expected HOST:PORT (e.g. 127.0.0.1:8080), found \"\(listen)\"")
            }
        }
        settings.maxBodyBytes = node["max_body_bytes"].int(default: settings.maxBodyBytes, in: 1024...(1 << 30))
        settings.idleTimeoutSeconds = node["idle_timeout_s"].int(default: settings.idleTimeoutSeconds, in: 1...3600)
        settings.bodyTimeoutSeconds = node["body_timeout_s"].int(default: settings.bodyTimeoutSeconds, in: 1...3600)
        settings.bodyMinRate = node["body_min_rate"].int(default: settings.bodyMinRate, in: 1...(1 << 30))
        settings.maxHeaderBytes = node["max_header_bytes"].int(default: settings.maxHeaderBytes, in: 1024...(1 << 20))
        settings.maxHeaders = node["max_headers"].int(default: settings.maxHeaders, in: 16...10_000)
        settings.maxConnections = node["max_connections"].int(default: settings.maxConnections, in: 1...1_000_000)
        settings.maxUploadBytes = node["max_upload_bytes"].int(default: settings.maxUploadBytes, in: 1024...(1 << 40))
        settings.maxFormBytes = node["max_form_bytes"].int(default: settings.maxFormBytes, in: 1024...(1 << 30))
        return settings
    }

    /// Parses `host:port` or `[v6]:port`; port 0 asks the system for a free one.
    public static func parseListen(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}
