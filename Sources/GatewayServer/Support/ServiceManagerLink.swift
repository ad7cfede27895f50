import ServiceLifecycle
import Storage

/// The gateway's side of the service manager's watchdog and stop: pings the watchdog while the
/// store answers, and says "stopping" as soon as a graceful shutdown begins. Last in the service
/// group, so it is the first told of a shutdown.
struct ServiceManagerLink: Service {
    let notifier: ServiceManagerNotifier
    let store: any ComplaintStore

    func run() async throws {
        if let interval = notifier.watchdogInterval {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                // Answered, whatever the answer: a full disk makes the store refuse commits but
                // a restart would not help it, while a store that never answers is what the
                // watchdog is for.
                try? await store.ping()
                notifier.watchdog()
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        } else {
            try? await gracefulShutdown()
        }
        notifier.stopping()
    }
}
