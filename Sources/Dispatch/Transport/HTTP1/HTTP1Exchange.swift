import NIOCore

/// One request written to a connection, and what to call with its response.
struct HTTP1Exchange: Sendable {
    var request: ByteBuffer
    /// How long the attempt may take. The clock starts when the handler writes the request, on
    /// the connection's event loop, so time the process spent waiting for a thread before that
    /// is not charged to the endpoint (a request that has already timed out would be sent
    /// anyway and then given up at once: the endpoint would get it again on the retry).
    var timeout: TimeAmount
    /// When opening this connection began, for its first request: the connecting is part of the
    /// attempt, so its time comes off `timeout`. Nil on a kept-alive connection.
    var connectingSince: NIODeadline?
    /// Called once, on the connection's event loop. A callback, not a promise: a promise and its
    /// future are allocations per request that the one consumer does not need.
    var completion: @Sendable (Result<HTTP1Response, any Error>) -> Void
}

/// A complete response as a delivery records it.
struct HTTP1Response: Sendable {
    var status: Int
    var headers: [HeaderField]
    var snippet: [UInt8]
    /// Whether the connection may carry the next request.
    var keepAlive: Bool
}

/// Why an exchange got no complete response.
enum HTTP1ExchangeFailure: Error {
    case timeout
    /// The connection ended; `status` when the head had arrived, `receivedAny` when any byte had.
    case closed(status: Int?, receivedAny: Bool)
    /// A socket error; `status` and `receivedAny` as for ``closed(status:receivedAny:)``.
    case io(any Error, status: Int?, receivedAny: Bool)
    case malformed(String)
    /// A request was written while another was outstanding (a bug, never the endpoint's doing).
    case busy

    /// Nothing came back: on a reused keep-alive connection the endpoint may have closed it
    /// just before the request arrived, so it is safe to send again on a fresh connection.
    var nothingReceived: Bool {
        switch self {
        case .closed(_, let receivedAny), .io(_, _, let receivedAny): !receivedAny
        case .timeout, .malformed, .busy: false
        }
    }
}
