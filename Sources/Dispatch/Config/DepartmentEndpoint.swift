import Foundation

/// A department and where its complaints are delivered (one entry of departments.yaml).
public struct Department: Sendable, Hashable {
    /// Stable id used in rules and records (`urban-management`).
    public var id: String
    /// Display name (`城市管理局`).
    public var name: String
    public var endpoint: Endpoint

    public init(id: String, name: String, endpoint: Endpoint) {
        self.id = id
        self.name = name
        self.endpoint = endpoint
    }

    /// The department's HTTP endpoint and its delivery settings.
    public struct Endpoint: Sendable, Hashable {
        /// `url`: where the record is POSTed.
        public var url: String
        /// `timeout_ms` (default 10000): time for the whole request.
        public var timeout: TimeInterval
        /// `max_in_flight` (default 16): concurrent deliveries to this endpoint.
        public var maxInFlight: Int
        /// `retry`: the backoff schedule.
        public var retry: RetryPolicy
        /// `headers`: extra request headers (values may use `${ENV}`).
        public var headers: [HeaderField]
        /// `auth`: how the gateway authenticates to the endpoint (none by default).
        public var auth: EndpointAuth
        /// `signing_secret`: Standard Webhooks secret (`whsec_…`); nil (or empty in the file) signs nothing.
        public var signingSecret: WebhookSecret?
        /// `circuit_breaker`: when to stop sending to a failing endpoint and how to probe it.
        public var breaker: CircuitBreakerPolicy
        /// `body_template`: a Mustache template rendering the department's own body shape;
        /// nil sends the `complaint/v1` record as committed.
        public var template: BodyTemplate?
        /// `tls`: a CA file and client certificate for this `https` endpoint; nil uses the
        /// system's roots and presents no client certificate.
        public var tls: EndpointTLS?
        /// `proxy`: the HTTP proxy to reach the endpoint through; nil connects directly.
        public var proxy: EndpointProxy?
        /// `rate_limit`: at most so many requests per second, minute or hour; nil for no limit
        /// beyond `max_in_flight`.
        public var rateLimit: DeliveryRate?

        public init(
            url: String, timeout: TimeInterval = 10, maxInFlight: Int = 16, retry: RetryPolicy = RetryPolicy(),
            headers: [HeaderField] = [], auth: EndpointAuth = .none, signingSecret: WebhookSecret? = nil,
            breaker: CircuitBreakerPolicy = CircuitBreakerPolicy(), template: BodyTemplate? = nil,
            tls: EndpointTLS? = nil, proxy: EndpointProxy? = nil, rateLimit: DeliveryRate? = nil
        ) {
            self.url = url
            self.timeout = timeout
            self.maxInFlight = maxInFlight
            self.retry = retry
            self.headers = headers
            self.auth = auth
            self.signingSecret = signingSecret
            self.breaker = breaker
            self.template = template
            self.tls = tls
            self.proxy = proxy
            self.rateLimit = rateLimit
        }
    }
}
