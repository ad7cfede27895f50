import Foundation

/// One HTTP header line.
public struct HeaderField: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The result of one HTTP POST to a department.
public enum TransportResult: Sendable, Hashable {
    /// The endpoint answered (any status), with its headers and the first bytes of its body. A
    /// transport may leave out a 2xx's headers: only those of an answer that is not a delivery
    /// (`Retry-After`, `Location`) are read.
    case response(status: Int, headers: [HeaderField], snippet: String)
    /// No answer: timeout, refused, reset, DNS, TLS…
    case failed(String)
}

/// Sends a delivery. Behind a protocol so the dispatcher's logic is testable without sockets.
public protocol DeliveryTransport: Sendable {
    /// POSTs `body` to `url` with `headers`, giving up after `timeout`.
    func post(url: String, headers: [HeaderField], body: Data, timeout: TimeInterval) async -> TransportResult

    /// Starts the same POST and calls `completion` once with its result, on any thread. For
    /// the dispatcher's hot path: a transport that can finish an exchange without a task of its
    /// own saves one per delivery.
    func start(
        url: String, headers: [HeaderField], body: Data, timeout: TimeInterval,
        completion: @escaping @Sendable (TransportResult) -> Void)

    /// Releases connections; called once at shutdown.
    func shutdown() async throws
}

extension DeliveryTransport {
    public func start(
        url: String, headers: [HeaderField], body: Data, timeout: TimeInterval,
        completion: @escaping @Sendable (TransportResult) -> Void
    ) {
        Task { completion(await post(url: url, headers: headers, body: body, timeout: timeout)) }
    }
}
