import NIOCore

/// Reads one HTTP/1.1 response from the bytes a connection receives, incrementally.
///
/// A delivery needs only the status, the headers of a response that is not 2xx (for
/// `Retry-After` and `Location`), the first bytes of the body for operators, and where the
/// response ends (so the connection can carry the next delivery). The head is parsed in place
/// by ``HTTP1ResponseHead``; the body beyond the snippet is skipped, never buffered. Framing follows
/// RFC 9112 §6.3: 1xx interim responses are skipped, 204 and 304 have no body,
/// `Transfer-Encoding: chunked`, `Content-Length`, or else the body runs until the close.
struct HTTP1ResponseReader {
    /// What the status line and header section said.
    struct Head: Equatable {
        var status: Int
        /// The header fields, for a status other than 2xx; none for a 2xx (nothing reads them).
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
                guard try readHead(&buffer) else { return false }
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

    /// Reads the head at the start of `buffer`: false while it is still arriving. An interim
    /// response is skipped (the phase stays `.head`); the final one sets how its body is framed.
    private mutating func readHead(_ buffer: inout ByteBuffer) throws(Failure) -> Bool {
        switch buffer.withUnsafeReadableBytes(HTTP1ResponseHead.parse) {
        case .incomplete:
            if buffer.readableBytes > Self.maxHeadBytes {
                throw .malformed("response head larger than \(Self.maxHeadBytes) bytes")
            }
            return false
        case .failed(let failure):
            throw failure
        case .interim(let length):
            buffer.moveReaderIndex(forwardBy: length)
            return true
        case .final(let parsed, let length):
            buffer.moveReaderIndex(forwardBy: length)
            begin(parsed)
            return true
        }
    }

    private mutating func begin(_ parsed: HTTP1ResponseHead.Parsed) {
        var head = parsed.head
        let status = head.status
        if status == 204 || status == 304 || status == 101 {
            head.keepAlive = head.keepAlive && status != 101
            phase = .complete
        } else if parsed.transferEncoded {
            if parsed.chunked {
                phase = .chunkSize
            } else {
                head.keepAlive = false
                phase = .untilClose
            }
        } else if let contentLength = parsed.contentLength {
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

    /// Takes one line (without its CRLF or LF), or nil while it is still arriving.
    private static func takeLine(_ buffer: inout ByteBuffer, limit: Int) throws(Failure) -> [UInt8]? {
        guard let line = buffer.withUnsafeReadableBytes({ HTTP1ResponseHead.Line(in: $0, from: 0) }) else {
            if buffer.readableBytes > limit { throw .malformed("line longer than \(limit) bytes in the body framing") }
            return nil
        }
        let content = buffer.getBytes(at: buffer.readerIndex, length: line.end - line.start) ?? []
        buffer.moveReaderIndex(forwardBy: line.next)
        return content
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

    private static func hexDigit(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
