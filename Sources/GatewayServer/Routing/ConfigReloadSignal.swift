import Logging
import Routing
import ServiceLifecycle
import UnixSignals

/// Reloads the rule tables and departments on SIGHUP, the Unix convention for "re-read your
/// configuration".
struct ConfigReloadSignal: Service {
    let reloader: ConfigReloader
    let notifier: ServiceManagerNotifier
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading rule tables")
            // `systemctl reload` (ExecReload sends SIGHUP) waits for READY=1 after RELOADING=1.
            notifier.reloading()
            switch reloader.reload() {
            case .reloaded(_, let configuration, let departments, _, _):
                notifier.ready(
                    status: "reloaded: " + counted(departments.count, "department") + ", "
                        + counted(configuration.tables.count, "rule table"))
            case .refused(let version, let issues):
                notifier.ready(
                    status: "reload refused (" + counted(issues.count, "issue")
                        + ", see the log); tables \(version) still in force")
            }
        }
    }
}
