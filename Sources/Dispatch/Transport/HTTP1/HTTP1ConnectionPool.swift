import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Keep-alive connections to department endpoints, per origin.
///
/// A connection is taken for one exchange and given back when its response allowed reuse.
/// The dispatcher bounds how many deliveries run at once per department, so the pool bounds
/// only what it keeps idle; connections the endpoint closed while idle are dropped when next
/// looked at.
final class HTTP1ConnectionPool: Sendable {
    private let group: any EventLoopGroup
    /// TLS contexts by ``HTTP1Target/Origin/tlsProfile``: the default first, then one per
    /// endpoint with TLS settings of its own; a failure is kept to be reported per attempt.
    private let tlsContexts: [Result<NIOSSLContext, HTTP1TransportError>]
    /// Proxies by ``HTTP1Target/Origin/proxyProfile`` less one (profile 0 connects directly).
    private let proxies: [EndpointProxy]
    private let snippetLimit: Int
    private let maxIdlePerOrigin: Int
    private let maxIdleTime: TimeAmount
    /// Idle connections per origin, each with the time it was given back; the most recent last.
    private let idle = Mutex<[HTTP1Target.Origin: [(channel: any Channel, since: NIODeadline)]]>([:])
    private let closed = Atomic<Bool>(false)

    /// - Parameters:
    ///   - tlsConfigurations: by TLS profile; the first is the default.
    ///   - proxies: by proxy profile, from 1.
    init(
        group: any EventLoopGroup, tlsConfigurations: [TLSConfiguration], proxies: [EndpointProxy] = [],
        snippetLimit: Int, maxIdlePerOrigin: Int, maxIdleTime: TimeAmount
    ) {
        self.group = group
        self.proxies = proxies
        self.maxIdleTime = maxIdleTime
        self.snippetLimit = snippetLimit
        self.maxIdlePerOrigin = maxIdlePerOrigin
        tlsContexts = tlsConfigurations.map { configuration in
            Result { try NIOSSLContext(configuration: configuration) }
                .mapError { HTTP1TransportError("TLS unavailable: \($0)") }
        }
    }

    /// An idle connection to `origin`, if one is still open and was not idle too long.
    ///
    /// A connection idle for long may have been dropped silently by a firewall or NAT on the
    /// way: a request on it would wait for the whole timeout. Such connections are closed.
    func idleConnection(to origin: HTTP1Target.Origin) -> (any Channel)? {
        let oldest = NIODeadline.now() - maxIdleTime
        var expired: [any Channel] = []
        let found = idle.withLock { idle -> (any Channel)? in
            while let entry = idle[origin]?.popLast() {
                guard entry.channel.isActive else { continue }
                guard entry.since >= oldest else {
                    // The rest of the list went idle even earlier.
                    expired.append(entry.channel)
                    expired += idle.removeValue(forKey: origin)?.map(\.channel) ?? []
                    return nil
                }
                return entry.channel
            }
            return nil
        }
        for channel in expired { channel.close(promise: nil) }
        return found
    }

    /// Keeps `channel` for the next exchange with `origin`, or closes it when enough are idle.
    func release(_ channel: any Channel, to origin: HTTP1Target.Origin) {
        let entry = (channel: channel, since: NIODeadline.now())
        let limit = maxIdlePerOrigin
        let kept = idle.withLock { idle -> Bool in
            guard !closed.load(ordering: .relaxed) else { return false }
            // One lookup of the origin, under the lock both event loops take for every delivery.
            return Self.append(entry, to: &idle[origin, default: []], limit: limit)
        }
        if !kept { channel.close(promise: nil) }
    }

    private static func append(
        _ entry: (channel: any Channel, since: NIODeadline),
        to list: inout [(channel: any Channel, since: NIODeadline)],
        limit: Int
    ) -> Bool {
        guard list.count < limit else { return false }
        list.append(entry)
        return true
    }

    /// Opens a new connection to `origin` (TLS for https), through its proxy if it has one,
    /// giving up after `timeout`.
    func connect(to origin: HTTP1Target.Origin, timeout: TimeAmount) async throws -> any Channel {
        guard origin.proxyProfile > 0 else { return try await connectDirectly(to: origin, timeout: timeout) }
        let proxy = proxies[origin.proxyProfile - 1]
        do {
            return try await connect(to: origin, through: proxy, timeout: timeout)
        } catch let error as HTTP1ProxyError {
            throw HTTP1TransportError("proxy \(proxy): \(error)")
        } catch let error as NIOSSLError {
            throw error
        } catch let error as BoringSSLError {
            throw error
        } catch {
            throw HTTP1TransportError("proxy \(proxy): \(HTTP1Transport.describe(error))")
        }
    }

    /// Through `proxy`: a plain connection to it for `http` (requests name the whole URL), a
    /// `CONNECT` tunnel with TLS inside for `https`. Tunnel and handshake share `timeout`.
    private func connect(to origin: HTTP1Target.Origin, through proxy: EndpointProxy, timeout: TimeAmount)
        async throws -> any Channel
    {
        let snippetLimit = self.snippetLimit
        let eventLoop = group.next()
        let started = NIODeadline.now()
        let tunnel = origin.tls ? eventLoop.makePromise(of: Void.self) : nil
        let handshake = origin.tls ? eventLoop.makePromise(of: Void.self) : nil
        let authority = origin.host.contains(":") ? "[\(origin.host)]:\(origin.port)" : "\(origin.host):\(origin.port)"
        // Both promises end on every path (a second completion is ignored): on success, on
        // failure, and at the deadline.
        let timer = eventLoop.scheduleTask(deadline: started + timeout) {
            let expired = ChannelError.connectTimeout(timeout)
            tunnel?.fail(expired)
            handshake?.fail(expired)
        }
        defer { timer.cancel() }
        let tlsContext = tlsContexts[origin.tlsProfile]
        let serverName = Self.serverName(origin.host)
        var connected: (any Channel)?
        do {
            let channel = try await Self.open(host: proxy.host, port: proxy.port, on: eventLoop, timeout: timeout) {
                channel in
                guard let tunnel, let handshake else {
                    try channel.pipeline.syncOperations.addHandler(HTTP1ClientHandler(snippetLimit: snippetLimit))
                    return
                }
                try channel.pipeline.syncOperations.addHandler(
                    HTTP1ProxyTunnelHandler(authority: authority, authorization: proxy.authorization, tunnel: tunnel))
                // TLS goes in as soon as the tunnel is up, on the connection's event loop. Not
                // after this task resumes: on a busy machine that can come after the deadline,
                // failing a connection that was ready in time.
                tunnel.futureResult.whenComplete { result in
                    do {
                        try result.get()
                        try channel.pipeline.syncOperations.addHandlers(
                            NIOSSLClientHandler(context: try tlsContext.get(), serverHostname: serverName),
                            HTTP1ClientHandler(snippetLimit: snippetLimit, handshake: handshake))
                    } catch {
                        handshake.fail(error)
                    }
                }
            }
            connected = channel
            try await handshake?.futureResult.get()
            return channel
        } catch {
            tunnel?.fail(error)
            handshake?.fail(error)
            connected?.close(promise: nil)
            throw error
        }
    }

    /// A connection straight to `origin`.
    private func connectDirectly(to origin: HTTP1Target.Origin, timeout: TimeAmount) async throws -> any Channel {
        let tlsContext: NIOSSLContext?
        if origin.tls {
            // Profiles are numbered by the transport together with these contexts.
            tlsContext = try tlsContexts[origin.tlsProfile].get()
        } else {
            tlsContext = nil
        }
        let serverName = Self.serverName(origin.host)
        let snippetLimit = self.snippetLimit
        let eventLoop = group.next()
        let handshake = tlsContext == nil ? nil : eventLoop.makePromise(of: Void.self)
        let started = NIODeadline.now()
        let channel = try await Self.open(host: origin.host, port: origin.port, on: eventLoop, timeout: timeout) {
            channel in
            let pipeline = channel.pipeline.syncOperations
            if let tlsContext {
                try pipeline.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
            }
            try pipeline.addHandler(HTTP1ClientHandler(snippetLimit: snippetLimit, handshake: handshake))
        }
        if let handshake {
            // The handshake shares the connect timeout.
            let timer = eventLoop.scheduleTask(deadline: started + timeout) {
                handshake.fail(ChannelError.connectTimeout(timeout))
            }
            do {
                try await handshake.futureResult.get()
                timer.cancel()
            } catch {
                timer.cancel()
                channel.close(promise: nil)
                throw error
            }
        }
        return channel
    }

    /// Closes every idle connection; later releases close theirs.
    func shutdown() async {
        closed.store(true, ordering: .relaxed)
        let channels = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle.values.flatMap { $0.map(\.channel) }
        }
        for channel in channels {
            try? await channel.close()
        }
    }

    /// A TCP connection (Nagle off: a request is written whole) whose pipeline `install` sets up.
    private static func open(
        host: String, port: Int, on eventLoop: any EventLoop, timeout: TimeAmount,
        install: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> any Channel {
        try await ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try install(channel) }
            }
            .connect(host: host, port: port)
            .get()
    }

    /// The TLS server name for `host`: SNI carries names only; an IP address is verified against
    /// the certificate's IP entries.
    private static func serverName(_ host: String) -> String? { isIPAddress(host) ? nil : host }

    private static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || host.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }
    }
}

/// A transport failure described for the attempt log.
struct HTTP1TransportError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
