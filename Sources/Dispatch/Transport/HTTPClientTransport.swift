import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// ``DeliveryTransport`` over AsyncHTTPClient, owned by the dispatcher.
///
/// Redirects are refused (a 3xx is the department's misconfiguration, and following it could
/// send a complaint somewhere unintended), and timeouts are per request, not the shared
/// client's 90-second defaults.
public final class HTTPClientTransport: DeliveryTransport {
    private let client: HTTPClient
    /// Largest response body kept for operators.
    static let snippetLimit = 512

    public init(maxConnectionsPerHost: Int = 32) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5)),
            connectionPool: .init(
                idleTimeout: .seconds(60),
                concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost)
        )
        configuration.decompression = .disabled
        // A refused connection is an answer: record it and let the retry policy decide, instead of
        // holding a dispatcher slot while the client re-dials until the request deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        // Every attempt is recorded in the store with its latency and outcome; a span per request
        // (no-op unless a tracer is bootstrapped, but built and filled in all the same) only cost CPU.
        configuration.tracing.tracer = nil
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func post(url: String, headers: [HeaderField], body: Data, timeout: TimeInterval) async -> TransportResult {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            return .failed(Self.describe(error))
        }
        var collected = ByteBuffer()
        do {
            // Read at most a little more than the snippet; the rest is discarded unread.
            for try await var chunk in response.body {
                if collected.readableBytes < Self.snippetLimit {
                    collected.writeBuffer(&chunk)
                }
            }
        } catch {
            // The status alone is no answer: the department may not have finished processing
            // (or the proxy in front of it died). Retried; the receiver deduplicates.
            return .failed("connection lost mid-response after HTTP \(response.status.code): \(Self.describe(error))")
        }
        let bytes = collected.readBytes(length: min(collected.readableBytes, Self.snippetLimit)) ?? []
        return .response(
            status: Int(response.status.code),
            headers: response.headers.map { HeaderField(name: $0.name, value: $0.value) },
            snippet: String(decoding: bytes, as: UTF8.self))
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Short, stable descriptions for the attempt log.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "timeout: no complete response in time"
            case .connectTimeout: return "connect timeout"
            case .remoteConnectionClosed: return "connection closed by the endpoint"
            default: return "http client: \(error)"
            }
        }
        let text = "\(error)"
        if text.contains("connectTimeout") { return "connect timeout" }
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("reset") { return "connection reset" }
        return text
    }
}
