import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Tells the service manager how the gateway is doing, by systemd's notification protocol
/// (`sd_notify(3)`: `KEY=value` lines in one datagram to the Unix socket named by `NOTIFY_SOCKET`),
/// written here in a few lines rather than linking libsystemd.
///
/// With `Type=notify` systemd counts the gateway started only once it is listening (opening the
/// store and upgrading its schema can take minutes), and `systemctl status` shows its `STATUS=`
/// line. With `WatchdogSec=` it restarts a gateway that stops answering. Without `NOTIFY_SOCKET`
/// (run by hand, in a container, by the tests) every call does nothing.
public struct ServiceManagerNotifier: Sendable {
    /// Where to send, or nil when no service manager listens. A leading `@` names an abstract
    /// socket (Linux), as systemd's protocol says.
    let socketPath: String?
    /// How often the watchdog must hear from us (half of `WATCHDOG_USEC`), or nil when no watchdog
    /// runs or it watches another process (`WATCHDOG_PID`).
    public let watchdogInterval: Duration?

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, processID: Int32 = getpid()
    ) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.hasPrefix("/") || $0.hasPrefix("@") ? $0 : nil }
        socketPath = path
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == processID } ?? true
        watchdogInterval = environment["WATCHDOG_USEC"].flatMap(UInt64.init).flatMap { microseconds in
            path != nil && forUs && microseconds > 0 ? Duration.microseconds(Int64(microseconds / 2)) : nil
        }
    }

    /// Whether a service manager listens.
    public var isActive: Bool { socketPath != nil }

    /// Started: listening, the store open. `status` is what `systemctl status` shows.
    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }

    /// A configuration reload begins (SIGHUP); ``ready(status:)`` ends it.
    public func reloading() {
        // CLOCK_MONOTONIC, which libdispatch's uptime reads on Linux.
        send("RELOADING=1\nMONOTONIC_USEC=\(DispatchTime.now().uptimeNanoseconds / 1000)")
    }

    /// The graceful shutdown began: commits and deliveries in flight are being finished.
    public func stopping() { send("STOPPING=1\nSTATUS=stopping: finishing commits and deliveries in flight") }

    /// Alive: the watchdog's timer starts again.
    public func watchdog() { send("WATCHDOG=1") }

    /// One datagram; a failure is ignored (the service manager may be gone, and nothing the
    /// gateway does depends on it hearing).
    func send(_ state: String) {
        guard let socketPath else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        let abstract = path.first == UInt8(ascii: "@")
        if abstract { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        // An abstract name's length is exact; a path's includes its terminating zero.
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + path.count + (abstract ? 0 : 1)
        let bytes = Array(state.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL), $0, socklen_t(length))
            }
        }
    }
}

/// `1 department`, `7 departments`: for status lines people read.
func counted(_ count: Int, _ singular: String, plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}
