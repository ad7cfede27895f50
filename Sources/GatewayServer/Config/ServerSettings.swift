import ComplaintCore

/// `server:` in gateway.yaml.
public struct ServerSettings: Sendable, Hashable {
    /// `listen` (default `127.0.0.1:8080`): host and port to bind.
    public var host: String
    public var port: Int
    /// `max_body_bytes` (default 1 MiB): larger request bodies get 413.
    public var maxBodyBytes: Int
    /// `idle_timeout_s` (default 60): idle keep-alive connections are closed after this.
    public var idleTimeoutSeconds: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20, idleTimeoutSeconds: Int = 60)
    {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    static func read(_ node: ConfigNode) -> ServerSettings {
        node.expectMapping(allowedKeys: ["listen", "max_body_bytes", "idle_timeout_s"])
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
