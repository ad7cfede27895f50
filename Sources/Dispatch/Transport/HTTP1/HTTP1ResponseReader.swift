import NIOCore

/// Reads one HTTP/1.1 response from the bytes a connection receives, incrementally.
///
/// A delivery needs only the status, the headers (for `Retry-After`), the first bytes of the
/// body for operators, and where the response ends (so the connection can carry the next
/// delivery). The body beyond the snippet is skipped, never buffered. Framing follows
/// RFC 9112 §6.3: 1xx interim responses are skipped, 204 and 304 have no body,
/// `Transfer-Encoding: chunked`, `Content-Length`, or else the body runs until the close.
struct HTTP1ResponseReader {
    /// What the status line and header section said.
    struct Head: Equatable {
        var status: Int
        var headers: [HeaderField]
        /// Whether the connection may carry another request after this response.
        var keepAlive: Bool
    }

    enum Failure: Error, Equatable {
        case malformed(String)
    }

    /// Largest status line plus header section accepted.
    static let maxHeadBytes = 64 * 1024
    /// Largest chunk-size line (with extensions) or trailer line accepted.
    static let maxLineBytes = 8 * 1024

    private enum Phase: Equatable {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case complete
    }

    private var phase = Phase.head
    /// The final response's head, once read.
    private(set) var head: Head?
    /// The first `snippetLimit` bytes of the body.
    private(set) var snippet: [UInt8] = []
    /// Whether any byte of a response has arrived (a reused connection closed before any answer
    /// is safe to retry on a fresh one).
    private(set) var receivedAny = false
    let snippetLimit: Int

    init(snippetLimit: Int) {
        self.snippetLimit = snippetLimit
    }

    var isComplete: Bool { phase == .complete }

    /// The response read, once its head has arrived; the connection is kept only when the head
    /// allows it and `reusable` (nothing unexpected followed, the connection is still open).
    func response(reusable: Bool) -> HTTP1Response? {
        head.map {
            HTTP1Response(
                status: $0.status, headers: $0.headers, snippet: snippet, keepAlive: $0.keepAlive && reusable)
        }
    }

    /// Consumes what it can of `buffer`; true once the whole final response has been read.
    mutating func consume(_ buffer: inout ByteBuffer) throws(Failure) -> Bool {
        if buffer.readableBytes > 0 { receivedAny = true }
        while buffer.readableBytes > 0 || phase == .chunkSize || phase == .trailers {
            switch phase {
            case .head:
                guard let lines = try Self.takeHead(&buffer) else { return false }
                try begin(lines)
            case .fixed(let remaining):
                let taken = takeBody(&buffer, upTo: remaining)
                phase = remaining == taken ? .complete : .fixed(remaining: remaining - taken)
            case .chunkSize:
                guard let line = try Self.takeLine(&buffer, limit: Self.maxLineBytes) else { return false }
                let size = try Self.chunkSize(line)
                phase = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let taken = takeBody(&buffer, upTo: remaining)
                phase = remaining == taken ? .chunkDataEnd : .chunkData(remaining: remaining - taken)
            case .chunkDataEnd:
                guard let line = try Self.takeLine(&buffer, limit: 2) else { return false }
                guard line.isEmpty else { throw .malformed("chunk data longer than its size") }
                phase = .chunkSize
            case .trailers:
                guard let line = try Self.takeLine(&buffer, limit: Self.maxLineBytes) else { return false }
                if line.isEmpty { phase = .complete }
            case .untilClose:
                _ = takeBody(&buffer, upTo: buffer.readableBytes)
            case .complete:
                return true
            }
            if phase == .complete { return true }
        }
        return phase == .complete
    }

    /// The connection closed: true when that ends the response (a body framed by the close).
    mutating func endOfStream() -> Bool {
        if phase == .untilClose { phase = .complete }
        return phase == .complete
    }

    private mutating func begin(_ lines: [ArraySlice<UInt8>]) throws(Failure) {
        let (major, minor, status) = try Self.statusLine(lines[0])
        if (100..<200).contains(status) && status != 101 {
            return  // interim (100 Continue, 103 Early Hints): the final response follows
        }
        var headers: [HeaderField] = []
        headers.reserveCapacity(lines.count - 1)
        var contentLength: Int?
        var chunked = false
        var transferEncoded = false
        var closeToken = false
        var keepAliveToken = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                throw .malformed("header line without a name")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self)
            let value = String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self)
            headers.append(HeaderField(name: name, value: value))
            switch name.lowercased() {
            case "content-length":
                guard let length = Int(value), length >= 0, contentLength == nil || contentLength == length else {
                    throw .malformed("invalid Content-Length \(value)")
                }
                contentLength = length
            case "transfer-encoding":
                transferEncoded = true
                chunked =
                    value.split(separator: ",").last.map { $0.trimmingSpaces().lowercased() == "chunked" } ?? false
            case "connection":
                for token in value.split(separator: ",").map({ $0.trimmingSpaces().lowercased() }) {
                    if token == "close" { closeToken = true }
                    if token == "keep-alive" { keepAliveToken = true }
                }
            default:
                break
            }
        }
        let persistent = major == 1 && (minor >= 1 ? !closeToken : keepAliveToken && !closeToken)
        var head = Head(status: status, headers: headers, keepAlive: persistent)
        if status == 204 || status == 304 || status == 101 {
            head.keepAlive = persistent && status != 101
            phase = .complete
        } else if transferEncoded {
            if chunked {
                phase = .chunkSize
            } else {
                head.keepAlive = false
                phase = .untilClose
            }
        } else if let contentLength {
            phase = contentLength == 0 ? .complete : .fixed(remaining: contentLength)
        } else {
            head.keepAlive = false
            phase = .untilClose
        }
        self.head = head
    }

    /// Takes up to `limit` body bytes, keeping the first ones as the snippet.
    private mutating func takeBody(_ buffer: inout ByteBuffer, upTo limit: Int) -> Int {
        let count = min(limit, buffer.readableBytes)
        let wanted = min(count, snippetLimit - snippet.count)
        if wanted > 0, let bytes = buffer.getBytes(at: buffer.readerIndex, length: wanted) {
            snippet.append(contentsOf: bytes)
        }
        buffer.moveReaderIndex(forwardBy: count)
        return count
    }

    /// The lines of a complete head (status line first), taken from the buffer; nil while it is
    /// still arriving.
    private static func takeHead(_ buffer: inout ByteBuffer) throws(Failure) -> [ArraySlice<UInt8>]? {
        var lines: [ArraySlice<UInt8>] = []
        var offset = 0
        while let line = lineEnd(in: buffer, from: offset) {
            let content = buffer.getBytes(at: buffer.readerIndex + offset, length: line.length) ?? []
            offset = line.next
            if content.isEmpty {
                if lines.isEmpty { continue }
                buffer.moveReaderIndex(forwardBy: offset)
                return lines
            }
            lines.append(content[...])
        }
        if buffer.readableBytes > maxHeadBytes { throw .malformed("response head larger than \(maxHeadBytes) bytes") }
        return nil
    }

    /// Takes one line (without its CRLF or LF), or nil while it is still arriving.
    private static func takeLine(_ buffer: inout ByteBuffer, limit: Int) throws(Failure) -> [UInt8]? {
        guard let line = lineEnd(in: buffer, from: 0) else {
            if buffer.readableBytes > limit { throw .malformed("line longer than \(limit) bytes in the body framing") }
            return nil
        }
        let content = buffer.getBytes(at: buffer.readerIndex, length: line.length) ?? []
        buffer.moveReaderIndex(forwardBy: line.next)
        return content
    }

    /// The length of the line starting `offset` bytes into the readable bytes (CR stripped) and
    /// the offset after its LF.
    private static func lineEnd(in buffer: ByteBuffer, from offset: Int) -> (length: Int, next: Int)? {
        buffer.withUnsafeReadableBytes { raw -> (Int, Int)? in
            guard offset < raw.count,
                let newline = raw[offset...].firstIndex(of: UInt8(ascii: "\n"))
            else { return nil }
            var end = newline
            if end > offset && raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            return (end - offset, newline + 1)
        }
    }

    private static func statusLine(_ line: ArraySlice<UInt8>) throws(Failure) -> (Int, Int, Int) {
        let bytes = Array(line)
        // "HTTP/1.1 200 OK": the reason phrase may be empty or missing.
        guard bytes.count >= 12, bytes.starts(with: Array("HTTP/".utf8)),
            let major = digit(bytes[5]), bytes[6] == UInt8(ascii: "."), let minor = digit(bytes[7]),
            bytes[8] == UInt8(ascii: " "),
            let hundreds = digit(bytes[9]), let tens = digit(bytes[10]), let units = digit(bytes[11]),
            bytes.count == 12 || bytes[12] == UInt8(ascii: " ")
        else {
            throw .malformed("not an HTTP/1.x status line: \(String(decoding: bytes.prefix(40), as: UTF8.self))")
        }
        return (major, minor, hundreds * 100 + tens * 10 + units)
    }

    private static func chunkSize(_ line: [UInt8]) throws(Failure) -> Int {
        var size = 0
        var digits = 0
        for byte in line {
            guard let value = hexDigit(byte) else {
                if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { break }
                throw .malformed("invalid chunk size")
            }
            digits += 1
            guard digits <= 15 else { throw .malformed("chunk size too large") }
            size = size * 16 + value
        }
        guard digits > 0 else { throw .malformed("invalid chunk size") }
        return size
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func hexDigit(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            slice = slice.dropLast()
        }
        return slice
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var slice = self
        while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
        while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
