import Glibc
import NIOCore

/// The listen address cannot be bound, said with the address and the setting that names it
/// (NIO's own error names a system call and an errno).
public struct ListenError: Error, CustomStringConvertible, Sendable {
    public let description: String

    /// Nil when `error` is not a failure to bind.
    init?(_ error: any Error, host: String, port: Int) {
        guard let error = error as? IOError, error.description.contains("bind") else { return nil }
        let why =
            switch error.errnoCode {
            case EADDRINUSE: "the address is already in use (another gateway, or another program, listens there)"
            case EACCES: "permission denied (ports below 1024 need privileges)"
            case EADDRNOTAVAIL: "this machine has no such address"
            default: String(cString: strerror(error.errnoCode))
            }
        description = "cannot listen on \(host):\(port) (server.listen or --listen): \(why)"
    }
}
