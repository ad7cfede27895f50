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
    private let snippetLimit: Int
    private let maxIdlePerOrigin: Int
    private let maxIdleTime: TimeAmount
    /// Idle connections per origin, each with the time it was given back; the most recent last.
    private let idle = Mutex<[HTTP1Target.Origin: [(channel: any Channel, since: NIODeadline)]]>([:])
    private let closed = Atomic<Bool>(false)

    /// - Parameter tlsConfigurations: by TLS profile; the first is the default.
    init(
        group: any EventLoopGroup, tlsConfigurations: [TLSConfiguration], snippetLimit: Int, maxIdlePerOrigin: Int,
        maxIdleTime: TimeAmount
    ) {
        self.group = group
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
        let kept = idle.withLock { idle -> Bool in
            guard !closed.load(ordering: .relaxed), idle[origin, default: []].count < maxIdlePerOrigin else {
                return false
            }
            idle[origin, default: []].append((channel, .now()))
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// Opens a new connection to `origin` (TLS for https), giving up after `timeout`.
    func connect(to origin: HTTP1Target.Origin, timeout: TimeAmount) async throws -> any Channel {
        let tlsContext: NIOSSLContext?
        if origin.tls {
            // Profiles are numbered by the transport together with these contexts.
            tlsContext = try tlsContexts[origin.tlsProfile].get()
        } else {
            tlsContext = nil
        }
        // SNI carries names only; an IP address is verified against the certificate's IP entries.
        let serverName = Self.isIPAddress(origin.host) ? nil : origin.host
        let snippetLimit = self.snippetLimit
        let eventLoop = group.next()
        let handshake = tlsContext == nil ? nil : eventLoop.makePromise(of: Void.self)
        let started = NIODeadline.now()
        let channel = try await ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        HTTP1ClientHandler(snippetLimit: snippetLimit, handshake: handshake))
                }
            }
            .connect(host: origin.host, port: origin.port)
            .get()
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

    private static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || host.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }
    }
}

/// A transport failure described for the attempt log.
struct HTTP1TransportError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
