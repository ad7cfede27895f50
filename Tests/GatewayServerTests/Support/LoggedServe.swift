import Foundation
import GatewayTestSupport
import Glibc

/// `complaint-gateway serve` as a child process on an ephemeral port, its standard error in a
/// file the test reads: for what only the real process shows (signals, the log's own format).
struct LoggedServe {
    let process: SpawnedChild
    let log: URL

    /// Starts `serve --config config --data-dir scratch/data --listen 127.0.0.1:0`, logging to
    /// `scratch/serve.log`.
    static func start(config: URL, scratch: URL, environment: [String: String]) throws -> LoggedServe {
        let log = scratch.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let descriptor = open(log.path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        defer { close(descriptor) }
        let process = try SpawnedChild(
            GatewayProcess.executable.path,
            [
                "serve", "--config", config.path, "--data-dir", scratch.appendingPathComponent("data").path,
                "--listen", "127.0.0.1:0",
            ],
            environment: environment, errorOutput: descriptor)
        return LoggedServe(process: process, log: log)
    }

    /// What the process has logged so far.
    var text: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Ends the process (a test that failed early leaves it running). Called from a `defer`,
    /// where nothing can be awaited: the exit is waited for on a thread of its own, not on the
    /// cooperative pool, whose few threads every other test's tasks need meanwhile.
    func stop() {
        process.send(SIGTERM)
        let process = process
        Thread { process.wait() }.start()
    }
}
