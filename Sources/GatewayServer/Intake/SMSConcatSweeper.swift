import ComplaintCore
import Foundation
import Logging
import ServiceLifecycle

/// Releases concatenated-SMS sets that are complete (after a restart) or timed out, periodically.
struct SMSConcatSweeper: Service {
    let buffer: SMSConcatBuffer
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let started = Date()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await buffer.sweep(now: Date(), runningSince: started)
                } catch is CancellationError {
                    // Shutting down (or the server could not start): nothing failed.
                    return
                } catch {
                    logger.error(
                        "releasing held SMS parts failed", metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
