import Foundation
import GatewayTestSupport
import Synchronization
import Testing

@testable import GatewayServer

#if canImport(Glibc)
    import Glibc
#endif

/// systemd's side of `Type=notify` and `WatchdogSec=`, played by a Unix datagram socket the test
/// binds: the real executable must say when it is ready, reloading and stopping, and keep
/// pinging the watchdog.
@Suite("Service manager notifications (sd_notify)")
struct ServiceManagerNotifyTests {
    /// A bound `SOCK_DGRAM` socket, read without blocking.
    final class NotifySocket: Sendable {
        let name: String
        private let descriptor: Int32
        private let received = Mutex<[String]>([])

        /// - Parameter abstract: a name in Linux's abstract namespace (`@name`) instead of a file.
        init(abstract: Bool = false) throws {
            let id = UUID().uuidString.prefix(8)
            name = abstract ? "@cg-notify-\(id)" : "/tmp/cg-notify-\(id).sock"
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            var path = Array(name.utf8)
            if abstract { path[0] = 0 }
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
            let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + path.count + (abstract ? 0 : 1)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(length)) }
            }
            guard descriptor >= 0, bound == 0 else { throw POSIXError(.EADDRINUSE) }
        }

        deinit {
            close(descriptor)
            if name.hasPrefix("/") { unlink(name) }
        }

        /// Every datagram received so far, in order.
        var messages: [String] {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                guard count > 0 else { break }
                let text = String(decoding: buffer.prefix(count), as: UTF8.self)
                received.withLock { $0.append(text) }
            }
            return received.withLock { $0 }
        }
    }

    @Test("ready once listening, reloading then ready on SIGHUP, watchdog pings, stopping on SIGTERM")
    func lifecycle() async throws {
        let socket = try NotifySocket()
        let downstream = try await DownstreamServer.start()
        let dataDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cg-notify-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let gateway = try await GatewayProcess.start(
            downstream: downstream.baseURL, dataDirectory: dataDirectory,
            extraEnvironment: ["NOTIFY_SOCKET": socket.name, "WATCHDOG_USEC": "400000"])
        try await eventually("READY=1") { socket.messages.contains { $0.hasPrefix("READY=1\n") } }
        let ready = try #require(socket.messages.first { $0.hasPrefix("READY=1\n") })
        #expect(ready.hasPrefix("READY=1\nSTATUS=listening on http://127.0.0.1:\(gateway.port); "), "\(ready)")
        #expect(ready.hasSuffix(" departments, 2 rule tables, 0 mailboxes"), "\(ready)")
        // Every 0.2 s (half of WATCHDOG_USEC) while the store answers.
        try await eventually("three watchdog pings") { socket.messages.filter { $0 == "WATCHDOG=1" }.count >= 3 }

        gateway.process.send(SIGHUP)
        try await eventually("ready again after the reload") {
            socket.messages.contains { $0.hasPrefix("READY=1\nSTATUS=reloaded: ") }
        }
        let messages = socket.messages
        let reloading = try #require(messages.firstIndex { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") })
        let reloaded = try #require(messages.firstIndex { $0.hasPrefix("READY=1\nSTATUS=reloaded: ") })
        #expect(reloading < reloaded)
        // MONOTONIC_USEC is CLOCK_MONOTONIC, as systemd compares it with its own (Python's
        // time.monotonic() reads that clock).
        let (_, clock) = try await spawnCapturingOutput(
            "/usr/bin/python3", ["-c", "import time; print(int(time.monotonic() * 1e6))"])
        let mine = Int(String(decoding: clock, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        let said = Int(messages[reloading].split(separator: "=").last ?? "") ?? 0
        #expect(said <= mine && mine - said < 30_000_000, "\(said) against \(mine)")

        await gateway.stop()
        let stopping = socket.messages.filter { $0.hasPrefix("STOPPING=1\n") }
        #expect(stopping == ["STOPPING=1\nSTATUS=stopping: finishing commits and deliveries in flight"])
        #expect(socket.messages.last?.hasPrefix("STOPPING=1") == true, "pinged after saying it stops")
        await downstream.stop()
    }

    @Test("an abstract socket name (@…) is reached; a watchdog for another process, or no socket, is not ours")
    func environment() throws {
        let socket = try NotifySocket(abstract: true)
        let notifier = ServiceManagerNotifier(environment: ["NOTIFY_SOCKET": socket.name, "WATCHDOG_USEC": "10000000"])
        notifier.ready(status: "listening")
        #expect(socket.messages == ["READY=1\nSTATUS=listening"])
        #expect(notifier.watchdogInterval == .seconds(5))

        let other = ServiceManagerNotifier(
            environment: ["NOTIFY_SOCKET": socket.name, "WATCHDOG_USEC": "10000000", "WATCHDOG_PID": "1"],
            processID: 4242)
        #expect(other.isActive && other.watchdogInterval == nil)
        let none = ServiceManagerNotifier(environment: ["WATCHDOG_USEC": "10000000"])
        #expect(!none.isActive && none.watchdogInterval == nil)
        none.ready(status: "nobody hears")
    }
}
