import ComplaintCore
import ComplaintDispatch
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus
import Routing
import SMSAdapter
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
    /// Raw messages to complaints, for `POST /v1/email`, the mailbox pollers and `email import`.
    let emailIntake: EmailIntake
    /// `complaint/v1` records (and their files) to complaints, for `POST /v1/complaints`.
    let apiIntake: APIIntake
    let reloader: ConfigReloader
    /// Concatenated-SMS parts waiting for their set; nil when the store cannot hold them.
    let smsConcat: SMSConcatBuffer?
    let hotlineImporter: HotlineImporter
    let logger: Logger
    let registry: PrometheusCollectorRegistry?
    private let group = Mutex<ServiceGroup?>(nil)
    /// systemd's notifications (ready, reloading, stopping, watchdog); inert without `NOTIFY_SOCKET`.
    let notifier = ServiceManagerNotifier()
    /// Taken before the store opens, so that a second gateway started on the directory (a newer
    /// version, say) refuses before it could migrate the store the first one serves; given up
    /// once ``run(handleSignals:onListening:)`` has closed the store. Nil for an offline gateway
    /// (``offline(configuration:logger:)``): a command-line import works beside the serving one.
    private let lock: Mutex<DataDirectoryLock?>

    /// Opens the store and builds every component; nothing listens until ``run(onListening:)``.
    public convenience init(
        configuration: GatewayConfiguration, logger: Logger, registry: PrometheusCollectorRegistry? = nil,
        transport: (any DeliveryTransport)? = nil
    ) throws {
        try self.init(
            configuration: configuration, logger: logger, registry: registry, transport: transport,
            claimsDataDirectory: true)
    }

    init(
        configuration: GatewayConfiguration, logger: Logger, registry: PrometheusCollectorRegistry?,
        transport: (any DeliveryTransport)?, claimsDataDirectory: Bool
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.registry = registry
        // One gateway serves a data directory at a time.
        lock = Mutex(
            claimsDataDirectory ? try DataDirectoryLock(directory: configuration.storage.dataDirectory) : nil)
        let store: any ComplaintStore
        switch configuration.storage.backend {
        case .sqlite:
            store = try SQLiteStore(configuration: configuration.storage.sqlite, logger: logger)
        }
        self.store = store
        // Idle connections kept per origin up to the delivery slots: departments often share a
        // host (an ESB, a gateway).
        let maxIdlePerOrigin = configuration.dispatch.maxInFlight
        let makeTransport: @Sendable ([Department]) throws -> any DeliveryTransport = { departments in
            try HTTP1Transport(departments: departments, maxIdlePerOrigin: maxIdlePerOrigin)
        }
        dispatcher = OutboxDispatcher(
            store: store, transport: try transport ?? makeTransport(configuration.departments),
            departments: configuration.departments,
            settings: configuration.dispatch, logger: logger)
        let routers = RouterHolder(RuleRouter(configuration: configuration.routing))
        let profiles = HotlineProfileSet(configuration.hotlineProfiles)
        reloader = ConfigReloader(
            routers: routers, profiles: profiles, directory: configuration.directory, dispatcher: dispatcher,
            makeTransport: transport == nil ? makeTransport : nil, runningDepartments: configuration.departments,
            environment: configuration.environment, logger: logger)
        let pipeline = IntakePipeline(store: store, routers: routers, dispatcher: dispatcher)
        self.pipeline = pipeline
        apiIntake = APIIntake(pipeline: pipeline, maxAttachmentBytes: configuration.email.maxAttachmentBytes)
        emailIntake = try EmailIntake(
            pipeline: pipeline, settings: configuration.email,
            lockFile: URL(fileURLWithPath: configuration.storage.dataDirectory)
                .appendingPathComponent("email-intake.lock").path)
        let concatTimeout = configuration.sms.concatTimeout
        smsConcat = (store as? any SMSPartStore).map {
            SMSConcatBuffer(store: $0, pipeline: pipeline, timeout: concatTimeout)
        }
        hotlineImporter = try HotlineImporter(
            pipeline: pipeline, profiles: profiles,
            files: UploadFiles(dataDirectory: URL(fileURLWithPath: configuration.storage.dataDirectory)),
            profileDirectory: configuration.directory.appendingPathComponent("hotline"))
    }

    /// Processes quarantined payloads again, through the channels this gateway runs.
    func quarantineReprocessor(sms: SMSIntake) -> QuarantineReprocessor {
        QuarantineReprocessor(
            api: apiIntake, email: emailIntake, sms: sms, providers: configuration.sms.providers,
            importer: hotlineImporter)
    }

    /// The HTTP router with every route and middleware.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ResponseMiddleware(metrics: RequestMetrics()))
        let auth = Authenticator(tokens: configuration.auth.tokens)
        ComplaintRoutes(
            intake: apiIntake, auth: auth, maxBodyBytes: configuration.server.maxBodyBytes,
            maxFormBytes: configuration.server.maxFormBytes
        ).register(
            on: router)
        let smsIntake = SMSIntake(pipeline: pipeline, concat: smsConcat)
        SMSRoutes(
            providers: configuration.sms.providers, maxBodyBytes: configuration.server.maxBodyBytes, intake: smsIntake
        ).register(on: router)
        EmailRoutes(
            intake: emailIntake, auth: auth,
            maxMessageBytes: configuration.email.maxMessageBytes
        ).register(on: router)
        let dispatcher = self.dispatcher
        OperationsRoutes(
            store: store, auth: auth, registry: registry, dataDirectory: configuration.storage.dataDirectory
        ) {
            await dispatcher.refreshOutboxDepth()
            RegexTimeoutMetric.refresh()
        }
        .register(on: router)
        RoutingRoutes(reloader: reloader, auth: auth, maxBodyBytes: configuration.server.maxBodyBytes).register(
            on: router)
        DeadLetterRoutes(store: store, auth: auth, dispatcher: dispatcher).register(on: router)
        QuarantineRoutes(store: store, auth: auth, reprocessor: quarantineReprocessor(sms: smsIntake))
            .register(on: router)
        HotlineRoutes(importer: hotlineImporter, auth: auth, maxUploadBytes: configuration.server.maxUploadBytes)
            .register(
                on: router)
        router.add(middleware: MethodNotAllowed(routes: router.routes))
        return router
    }

    /// Runs until SIGTERM/SIGINT (when `handleSignals`) or ``shutdown()``; then drains and closes.
    ///
    /// - Parameter onListening: called with the bound port once the server accepts connections.
    public func run(handleSignals: Bool = true, onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        async throws
    {
        // Given up once the store is closed, however the run ends.
        defer { lock.withLock { $0 = nil } }
        let server = configuration.server
        let app = Application(
            responder: HeadAsGet(inner: makeRouter().buildResponder()),
            server: .http1(
                configuration: server.http1Configuration(
                    maxMessageBytes: configuration.email.maxMessageBytes, logger: logger)),
            configuration: ApplicationConfiguration(
                address: .hostname(server.host, port: server.port),
                serverName: "complaint-gateway",
                availableConnectionsDelegate: MaximumAvailableConnections(server.maxConnections, logger: logger)),
            onServerRunning: { [notifier, configuration] channel in
                let port = channel.localAddress?.port ?? server.port
                notifier.ready(
                    status: "listening on http://\(server.host):\(port); "
                        + counted(configuration.departments.count, "department") + ", "
                        + counted(configuration.routing.tables.count, "rule table") + ", "
                        + counted(configuration.email.mailboxes.count, "mailbox", plural: "mailboxes"))
                await onListening(port)
            },
            logger: logger)
        // Services shut down in reverse order: the HTTP server and mailbox pollers first, the
        // dispatcher after them.
        let pollers = configuration.email.mailboxes.map { mailbox in
            ServiceGroupConfiguration.ServiceConfiguration(
                service: MailboxPoller(
                    settings: mailbox, intake: emailIntake, store: store,
                    maxMessageBytes: configuration.email.maxMessageBytes, logger: logger))
        }
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: dispatcher),
                    .init(
                        service: InterruptedImports(importer: hotlineImporter, interval: .seconds(5), logger: logger),
                        successTerminationBehavior: .ignore),
                ]
                    + (smsConcat.map { buffer in
                        [.init(service: SMSConcatSweeper(buffer: buffer, interval: .seconds(5), logger: logger))]
                    } ?? []) + pollers + [.init(service: app)]
                    + (handleSignals
                        ? [.init(service: ConfigReloadSignal(reloader: reloader, notifier: notifier, logger: logger))]
                        : [])
                    + (notifier.isActive ? [.init(service: ServiceManagerLink(notifier: notifier, store: store))] : []),
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger))
        group.withLock { $0 = serviceGroup }
        do {
            try await serviceGroup.run()
        } catch {
            try? await store.close()
            throw ListenError(error, host: server.host, port: server.port) ?? error
        }
        try await store.close()
        logger.info("gateway stopped; all commits flushed")
    }

    /// Reloads the rule tables and departments, as SIGHUP and `POST /v1/routing/reload` do.
    @discardableResult
    public func reloadRouting() -> ConfigReloader.Outcome { reloader.reload() }

    /// Starts a graceful shutdown of a running gateway.
    public func shutdown() async {
        let serviceGroup = group.withLock { $0 }
        await serviceGroup?.triggerGracefulShutdown()
    }
}
