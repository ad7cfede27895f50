import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the rule tables on SIGHUP, the Unix convention for "re-read your configuration".
struct RoutingReloadSignal: Service {
    let reloader: RoutingReloader
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading rule tables")
            reloader.reload()
        }
    }
}
