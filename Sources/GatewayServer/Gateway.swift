import ComplaintCore
import ComplaintDispatch
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import Routing
import ServiceLifecycle
import Storage
import Synchronization
import UnixSignals

/// The running gateway: store, router, dispatcher and HTTP server, wired from one configuration.
///
/// Shutdown order matters: the HTTP server stops first (finishing requests already inside,
/// which await their commits), then the dispatcher (finishing attempts in flight), then the
/// store flushes and closes.
public final class Gateway: Sendable {
    public let configuration: GatewayConfiguration
    let store: any ComplaintStore
    let dispatcher: OutboxDispatcher
    let pipeline: IntakePipeline
    let hotlineImporter: HotlineImporter
    let logger: Logger
    let registry: PrometheusCollectorRegistry?
    private let group = Mutex<ServiceGroup?>(nil)

    /// Opens the store and builds every component; nothing listens until ``run(onListening:)``.
    public init(
        configuration: GatewayConfiguration, logger: Logger, registry: PrometheusCollectorRegistry? = nil,
        transport: (any DeliveryTransport)? = nil
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.registry = registry
        let store: any ComplaintStore
        switch configuration.storage.backend {
        case .sqlite:
            store = try SQLiteStore(configuration: configuration.storage.sqlite, logger: logger)
        }
        self.store = store
        dispatcher = OutboxDispatcher(
            store: store, transport: transport ?? HTTPClientTransport(), departments: configuration.departments,
            settings: configuration.dispatch, logger: logger)
        pipeline = IntakePipeline(
            store: store, routers: RouterHolder(RuleRouter(configuration: configuration.routing)),
            dispatcher: dispatcher)
        hotlineImporter = try HotlineImporter(
            pipeline: pipeline, profiles: configuration.hotlineProfiles,
            uploadsDirectory: URL(fileURLWithPath: configuration.storage.dataDirectory).appendingPathComponent(
                "uploads"))
    }

    /// The HTTP router with every route and middleware.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorRenderingMiddleware())
        router.add(middleware: MetricsMiddleware())
        let auth = Authenticator(tokens: configuration.auth.tokens)
        ComplaintRoutes(pipeline: pipeline, auth: auth, maxBodyBytes: configuration.server.maxBodyBytes).register(
            on: router)
        OperationsRoutes(store: store, auth: auth, registry: registry).register(on: router)
        HotlineRoutes(importer: hotlineImporter, auth: auth).register(on: router)
        return router
    }

    /// Runs until SIGTERM/SIGINT (when `handleSignals`) or ``shutdown()``; then drains and closes.
    ///
    /// - Parameter onListening: called with the bound port once the server accepts connections.
    public func run(handleSignals: Bool = true, onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        async throws
    {
        let server = configuration.server
        let app = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(server.idleTimeoutSeconds)))),
            configuration: ApplicationConfiguration(
                address: .hostname(server.host, port: server.port),
                serverName: "complaint-gateway"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? server.port) },
            logger: logger)
        // Services shut down in reverse order: the HTTP server first, the dispatcher after it.
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: [.init(service: dispatcher), .init(service: app)],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger))
        group.withLock { $0 = serviceGroup }
        do {
            try await serviceGroup.run()
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        logger.info("gateway stopped; all commits flushed")
    }

    /// Starts a graceful shutdown of a running gateway.
    public func shutdown() async {
        let serviceGroup = group.withLock { $0 }
        await serviceGroup?.triggerGracefulShutdown()
    }
}
