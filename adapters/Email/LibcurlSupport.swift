import CCurlShim
import Foundation

/// A flag that ends a blocking libcurl request from another thread (a shutdown), within about a second.
public final class CancelFlag: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int32>

    public init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: 0)
    }

    deinit { pointer.deallocate() }

    /// Safe from any thread.
    public func raise() { cg_flag_raise(pointer) }
}

/// The words libcurl left in an error buffer (`CURL_ERROR_SIZE` bytes, NUL-terminated).
func libcurlMessage(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// ` (through the proxy HOST:PORT)` for a failure to reach a server when a proxy was in the way,
/// so the operator looks at the right machine; credentials left out. Empty without a proxy.
func throughProxy(_ proxy: String?) -> String {
    guard let proxy else { return "" }
    let components = URLComponents(string: proxy)
    let port = components?.port.map { ":\($0)" } ?? ""
    return " (through the proxy \(components?.host ?? "?")\(port))"
}
