import Foundation
import GatewayTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to the gateway for what an HTTP client library will not do: send a
/// request byte by byte, stall half-way, or send headers no client would. The socket calls block
/// (reads bounded by a receive timeout, so a test never hangs on a server that keeps the connection
/// open); they run on threads of their own (`onOwnThread`), never on the Swift concurrency pool,
/// which the in-process gateway needs for answering.
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32
    /// The `errno` of the last send that failed.
    private(set) var sendError: Int32 = 0

    init(port: Int, receiveTimeout: Double = 10) throws {
        // Close-on-exec: a child process a test spawns must not keep the connection open.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            _ = Glibc.close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        var timeout = timeval(
            tv_sec: Int(receiveTimeout), tv_usec: Int(receiveTimeout.truncatingRemainder(dividingBy: 1) * 1e6))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var noSignal: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noSignal, socklen_t(MemoryLayout<Int32>.size))
        descriptor = fd
    }

    deinit { _ = Glibc.close(descriptor) }

    /// Sends bytes; false when the server has closed the connection (EPIPE/ECONNRESET).
    @discardableResult
    func send(_ text: String) async -> Bool { await send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) async -> Bool {
        await onOwnThread { self.sendBlocking(bytes) }
    }

    /// Everything the server sends until it closes the connection or the receive timeout passes;
    /// `closed` tells which.
    func readUntilClosed(limit: Int = 1 << 20) async -> (bytes: [UInt8], closed: Bool) {
        await onOwnThread { self.readBlocking(limit: limit) }
    }

    /// What one read returns: the bytes that have arrived, waiting for the first (up to the
    /// receive timeout; empty when none came).
    func readOnce() async -> [UInt8] {
        await onOwnThread {
            var buffer = [UInt8](repeating: 0, count: 16_384)
            let count = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
            return count > 0 ? Array(buffer[..<count]) : []
        }
    }

    private func sendBlocking(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 {
                sendError = sent < 0 ? errno : 0
                return false
            }
            offset += sent
        }
        return true
    }

    private func readBlocking(limit: Int) -> (bytes: [UInt8], closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while received.count < limit {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (received, true) }
            if count < 0 { return (received, errno == ECONNRESET) }
            received += buffer[..<count]
        }
        return (received, false)
    }

    /// What the server has sent so far, without waiting: an answer that came early.
    func readAvailable() -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            if count <= 0 { return received }
            received += buffer[..<count]
        }
    }

    /// Whether the server has closed its side (EOF or reset is waiting), without blocking.
    var isClosedByPeer: Bool {
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if count == 0 { return true }
        return count < 0 && errno != EAGAIN && errno != EWOULDBLOCK
    }

    /// The response's status code, if one arrived.
    static func status(of bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes.prefix(64), as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 ") else { return nil }
        return Int(text.dropFirst(9).prefix(3))
    }
}
