import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the rule tables and departments on SIGHUP, the Unix convention for "re-read your
/// configuration".
struct ConfigReloadSignal: Service {
    let reloader: ConfigReloader
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading rule tables")
            reloader.reload()
        }
    }
}
