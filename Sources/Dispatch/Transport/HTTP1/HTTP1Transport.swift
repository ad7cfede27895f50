import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// ``DeliveryTransport`` over keep-alive HTTP/1.1 connections (TLS for `https`), owned by the
/// dispatcher.
///
/// A delivery is one POST whose whole request is known up front, and whose response matters
/// only for its status, `Retry-After` and a snippet for operators. So each request is written
/// as one buffer and the response is read by a small parser on the connection's event loop,
/// which costs a fraction of a general-purpose client's per-request work (the dispatcher's
/// throughput is bound by CPU per delivery). Redirects are not followed (a 3xx is the
/// department's misconfiguration, and following it could send a complaint somewhere
/// unintended). The timeout covers the whole attempt: connect, TLS, request and response.
public final class HTTP1Transport: DeliveryTransport {
    /// Largest response body kept for operators.
    static let snippetLimit = 512
    /// A connection attempt gives up after this long even when the attempt's timeout is longer.
    static let connectTimeout = TimeAmount.seconds(5)

    private let pool: HTTP1ConnectionPool
    private let targets = Mutex<[String: Result<HTTP1Target, HTTP1Target.Failure>]>([:])
    private let allocator = ByteBufferAllocator()
    /// The TLS profile of each endpoint URL with settings of its own (profile 0 is the default).
    private let tlsProfiles: [String: Int]
    /// The proxy profile of each endpoint URL that has one (from 1), and the proxies by profile less one.
    private let proxyProfiles: [String: Int]
    private let proxies: [EndpointProxy]

    /// - Parameters:
    ///   - tlsConfiguration: for `https` endpoints; the default verifies certificates against the
    ///     system's trust roots and the host name.
    ///   - endpointTLS: for the endpoint URLs given, their own TLS settings instead (a CA file,
    ///     a client certificate).
    ///   - endpointProxies: for the endpoint URLs given, the HTTP proxy to reach them through.
    ///   - maxIdlePerOrigin: connections kept open per endpoint origin between deliveries.
    ///   - maxIdleTime: a connection idle longer is closed rather than reused.
    public init(
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        endpointTLS: [String: TLSConfiguration] = [:], endpointProxies: [String: EndpointProxy] = [:],
        maxIdlePerOrigin: Int = 64, maxIdleTime: Duration = .seconds(50),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        let configurations: [TLSConfiguration]
        (configurations, tlsProfiles) = Self.profiles(endpointTLS) { $0.bestEffortEquals($1) }
        (proxies, proxyProfiles) = Self.profiles(endpointProxies, same: ==)
        pool = HTTP1ConnectionPool(
            group: group, tlsConfigurations: [tlsConfiguration] + configurations, proxies: proxies,
            snippetLimit: Self.snippetLimit, maxIdlePerOrigin: maxIdlePerOrigin, maxIdleTime: TimeAmount(maxIdleTime))
    }

    /// Numbers the distinct settings of `byURL` from 1 (0 is "none of its own"). Endpoints on one
    /// host with the same settings then share connections, as endpoints without settings do.
    private static func profiles<Value>(_ byURL: [String: Value], same: (Value, Value) -> Bool)
        -> (distinct: [Value], byURL: [String: Int])
    {
        var distinct: [Value] = []
        var numbers: [String: Int] = [:]
        for (url, value) in byURL.sorted(by: { $0.key < $1.key }) {
            if let index = distinct.firstIndex(where: { same($0, value) }) {
                numbers[url] = index + 1
            } else {
                distinct.append(value)
                numbers[url] = distinct.count
            }
        }
        return (distinct, numbers)
    }

    /// A transport for `departments`: each endpoint with `tls:` or `proxy:` settings gets them.
    /// - Throws: when an endpoint's TLS files cannot be read (the loader reports that first).
    public convenience init(departments: [Department], maxIdlePerOrigin: Int) throws {
        var endpointTLS: [String: TLSConfiguration] = [:]
        var endpointProxies: [String: EndpointProxy] = [:]
        for department in departments {
            if let tls = department.endpoint.tls { endpointTLS[department.endpoint.url] = try tls.configuration() }
            if let proxy = department.endpoint.proxy { endpointProxies[department.endpoint.url] = proxy }
        }
        self.init(endpointTLS: endpointTLS, endpointProxies: endpointProxies, maxIdlePerOrigin: maxIdlePerOrigin)
    }

    public func post(url: String, headers: [HeaderField], body: Data, timeout: TimeInterval) async -> TransportResult {
        await withCheckedContinuation { continuation in
            start(url: url, headers: headers, body: body, timeout: timeout) { continuation.resume(returning: $0) }
        }
    }

    /// On a kept-alive connection (the steady state) the whole exchange runs on the connection's
    /// event loop and `completion` is called there: no task is made for the delivery. A new
    /// connection is opened by a task (``sendOnNewConnection(_:)``), also when the kept-alive one
    /// turns out stale: closed by the endpoint while it was idle, it fails before any answer,
    /// and the request goes once more on a fresh connection.
    public func start(
        url: String, headers: [HeaderField], body: Data, timeout: TimeInterval,
        completion: @escaping @Sendable (TransportResult) -> Void
    ) {
        let prepared: Prepared
        switch prepare(url: url, headers: headers, body: body, timeout: timeout) {
        case .success(let value): prepared = value
        case .failure(let failed):
            completion(failed.result)
            return
        }
        guard let channel = pool.idleConnection(to: prepared.target.origin) else {
            Task { completion(await self.sendOnNewConnection(prepared)) }
            return
        }
        exchange(prepared.request, timeout: prepared.timeout, on: channel) { result in
            switch result {
            case .success(let response):
                completion(self.finish(response, on: channel, to: prepared.target.origin))
            case .failure(let failure as HTTP1ExchangeFailure) where failure.nothingReceived:
                Task { completion(await self.sendOnNewConnection(prepared)) }
            case .failure(let error):
                completion(.failed(Self.describe(error)))
            }
        }
    }

    /// A request ready to write, with where it goes and how long its attempt may take.
    private struct Prepared: Sendable {
        var target: HTTP1Target
        var request: ByteBuffer
        var timeout: TimeAmount
    }

    /// Why a request could not be made (an invalid URL or header): the attempt's result.
    private struct NotPrepared: Error {
        var result: TransportResult
    }

    private func prepare(url: String, headers: [HeaderField], body: Data, timeout: TimeInterval)
        -> Result<Prepared, NotPrepared>
    {
        do {
            let target = try self.target(url).get()
            let request = try target.request(headers: headers, body: body, allocator: allocator)
            let timeout = TimeAmount.nanoseconds(Int64(max(0, timeout) * 1_000_000_000))
            return .success(Prepared(target: target, request: request, timeout: timeout))
        } catch {
            return .failure(NotPrepared(result: .failed(Self.describe(error))))
        }
    }

    /// Opens a connection for `prepared` and sends it there.
    private func sendOnNewConnection(_ prepared: Prepared) async -> TransportResult {
        let started = NIODeadline.now()
        let connection: any Channel
        do {
            connection = try await pool.connect(
                to: prepared.target.origin, timeout: min(Self.connectTimeout, prepared.timeout))
            let response = try await withUnsafeThrowingContinuation { continuation in
                exchange(prepared.request, timeout: prepared.timeout, connectingSince: started, on: connection) {
                    continuation.resume(with: $0)
                }
            }
            return finish(response, on: connection, to: prepared.target.origin)
        } catch {
            return .failed(Self.describe(error))
        }
    }

    /// The attempt's result; the connection goes back to the pool when it may carry another request.
    private func finish(_ response: HTTP1Response, on channel: any Channel, to origin: HTTP1Target.Origin)
        -> TransportResult
    {
        if response.keepAlive { pool.release(channel, to: origin) }
        return .response(
            status: response.status, headers: response.headers,
            snippet: ResponseSnippet.text(
                response.snippet, headers: response.headers, truncated: response.snippet.count >= Self.snippetLimit))
    }

    public func shutdown() async throws {
        await pool.shutdown()
    }

    /// Writes `request` on `channel` and calls `completion` with the response, on the channel's
    /// event loop. The write is made from one task on that loop: writing from another thread
    /// hops onto the loop for the write and again for each callback registered on its future
    /// (each an enqueue under a lock, often a wake-up of the loop).
    private func exchange(
        _ request: ByteBuffer, timeout: TimeAmount, connectingSince: NIODeadline? = nil, on channel: any Channel,
        completion: @escaping @Sendable (Result<HTTP1Response, any Error>) -> Void
    ) {
        let loop = channel.eventLoop
        loop.execute {
            // On the loop, an active channel still has its handler, which then owns the exchange;
            // a closed one never got the request: nothing was sent.
            guard channel.isActive else {
                completion(
                    .failure(HTTP1ExchangeFailure.io(ChannelError.ioOnClosedChannel, status: nil, receivedAny: false)))
                return
            }
            channel.writeAndFlush(
                HTTP1Exchange(
                    request: request, timeout: timeout, connectingSince: connectingSince, completion: completion),
                promise: nil)
        }
    }

    private func target(_ url: String) -> Result<HTTP1Target, HTTP1Target.Failure> {
        if let known = targets.withLock({ $0[url] }) { return known }
        let profile = tlsProfiles[url] ?? 0
        let parsed = Result { () throws(HTTP1Target.Failure) in
            var target = try HTTP1Target(url: url)
            target.origin.tlsProfile = profile
            if let number = proxyProfiles[url] { target.route(through: proxies[number - 1], profile: number) }
            return target
        }
        targets.withLock { $0[url] = parsed }
        return parsed
    }

    /// Short, stable descriptions for the attempt log.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let failure as HTTP1ExchangeFailure:
            switch failure {
            case .timeout: return "timeout: no complete response in time"
            case .closed(let status, _):
                return midResponse(status, "connection closed by the endpoint")
            case .io(let error, let status, _):
                return midResponse(status, describe(error))
            case .malformed(let reason): return "invalid HTTP response: \(reason)"
            case .busy: return "connection busy"
            }
        case let failure as HTTP1Target.Failure:
            switch failure {
            case .invalid(let reason): return reason
            }
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return describe(first.error) }
            return "cannot resolve host \(error.host)"
        case let error as ChannelError:
            switch error {
            case .connectTimeout: return "connect timeout"
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed:
                return "connection closed by the endpoint"
            default: return "\(error)"
            }
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ECONNRESET: return "connection reset"
            case EPIPE: return "connection closed by the endpoint"
            case ETIMEDOUT: return "connect timeout"
            case ENETUNREACH: return "network unreachable"
            case EHOSTUNREACH: return "host unreachable"
            default: return "\(error)"
            }
        case let error as NIOSSLError:
            return "TLS: \(error)"
        case let error as BoringSSLError:
            return "TLS: \(error)"
        default:
            return "\(error)"
        }
    }

    private static func midResponse(_ status: Int?, _ reason: String) -> String {
        guard let status else { return reason }
        return "connection lost mid-response after HTTP \(status): \(reason)"
    }
}
