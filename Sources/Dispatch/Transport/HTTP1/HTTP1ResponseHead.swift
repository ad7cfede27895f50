/// Parses a response's status line and header section in place, from the bytes received.
///
/// Every delivery's answer goes through here, so nothing is copied or allocated for a head that
/// only says "delivered": lines are ranges of the received bytes, the framing headers
/// (`Content-Length`, `Transfer-Encoding`, `Connection`) are compared byte by byte in any case,
/// and the header fields are made into strings only when the status is not 2xx, the only
/// answers whose headers (`Retry-After`, `Location`) anything reads.
enum HTTP1ResponseHead {
    /// What a complete head says about the response and its body.
    struct Parsed {
        var head: HTTP1ResponseReader.Head
        /// `Content-Length`, when given.
        var contentLength: Int?
        /// Whether a `Transfer-Encoding` was given, and whether its last coding is `chunked`.
        var transferEncoded: Bool
        var chunked: Bool
    }

    enum Outcome {
        /// The head has not fully arrived.
        case incomplete
        /// A 1xx interim response (not 101) of `length` bytes: the final response follows.
        case interim(length: Int)
        /// The final response's head, `length` bytes with its empty line.
        case final(Parsed, length: Int)
        case failed(HTTP1ResponseReader.Failure)
    }

    /// Parses the head at the start of `raw`; empty lines before the status line are skipped.
    static func parse(_ raw: UnsafeRawBufferPointer) -> Outcome {
        var offset = 0
        var statusLine: Line?
        while let line = Line(in: raw, from: offset) {
            offset = line.next
            if line.isEmpty {
                guard let status = statusLine else { continue }
                return parse(raw, status: status, headerEnd: line.start, length: offset)
            }
            if statusLine == nil { statusLine = line }
        }
        return .incomplete
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, status line: Line, headerEnd: Int, length: Int) -> Outcome
    {
        guard let (major, minor, status) = statusLine(raw[line.start..<line.end]) else {
            let shown = raw[line.start..<min(line.end, line.start + 40)]
            return .failed(.malformed("not an HTTP/1.x status line: \(String(decoding: shown, as: UTF8.self))"))
        }
        if (100..<200).contains(status) && status != 101 { return .interim(length: length) }
        let keepFields = !(200..<300).contains(status)
        var headers: [HeaderField] = []
        var contentLength: Int?
        var transferEncoded = false
        var chunked = false
        var closeToken = false
        var keepAliveToken = false
        var offset = line.next
        while offset < headerEnd, let field = Line(in: raw, from: offset) {
            offset = field.next
            guard let colon = raw[field.start..<field.end].firstIndex(of: UInt8(ascii: ":")), colon > field.start else {
                return .failed(.malformed("header line without a name"))
            }
            let name = raw[field.start..<colon]
            let value = trimmed(raw[(colon + 1)..<field.end])
            if keepFields {
                headers.append(
                    HeaderField(
                        name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
            }
            if equalsIgnoringCase(name, "content-length") {
                guard let length = decimal(value), contentLength == nil || contentLength == length else {
                    return .failed(.malformed("invalid Content-Length \(String(decoding: value, as: UTF8.self))"))
                }
                contentLength = length
            } else if equalsIgnoringCase(name, "transfer-encoding") {
                transferEncoded = true
                var last = value
                if let comma = value.lastIndex(of: UInt8(ascii: ",")) { last = value[(comma + 1)...] }
                chunked = equalsIgnoringCase(trimmed(last), "chunked")
            } else if equalsIgnoringCase(name, "connection") {
                for token in value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                    let token = trimmed(token)
                    if equalsIgnoringCase(token, "close") { closeToken = true }
                    if equalsIgnoringCase(token, "keep-alive") { keepAliveToken = true }
                }
            }
        }
        let persistent = major == 1 && (minor >= 1 ? !closeToken : keepAliveToken && !closeToken)
        let head = HTTP1ResponseReader.Head(status: status, headers: headers, keepAlive: persistent)
        return .final(
            Parsed(head: head, contentLength: contentLength, transferEncoded: transferEncoded, chunked: chunked),
            length: length)
    }

    /// One line of the received bytes: `start..<end` without its CR LF (or LF), `next` after it.
    /// The reader takes the body's framing lines (chunk sizes, trailers) with it too.
    struct Line {
        var start: Int
        var end: Int
        var next: Int

        var isEmpty: Bool { start == end }

        init?(in raw: UnsafeRawBufferPointer, from offset: Int) {
            guard offset < raw.count, let newline = raw[offset...].firstIndex(of: UInt8(ascii: "\n")) else {
                return nil
            }
            start = offset
            end = newline > offset && raw[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
            next = newline + 1
        }
    }

    typealias Bytes = Slice<UnsafeRawBufferPointer>

    /// "HTTP/1.1 200 OK": the reason phrase may be empty or missing.
    private static func statusLine(_ line: Bytes) -> (Int, Int, Int)? {
        let base = line.startIndex
        guard line.count >= 12, line.prefix(5).elementsEqual("HTTP/".utf8),
            let major = digit(line[base + 5]), line[base + 6] == UInt8(ascii: "."), let minor = digit(line[base + 7]),
            line[base + 8] == UInt8(ascii: " "),
            let hundreds = digit(line[base + 9]), let tens = digit(line[base + 10]), let units = digit(line[base + 11]),
            line.count == 12 || line[base + 12] == UInt8(ascii: " ")
        else { return nil }
        return (major, minor, hundreds * 100 + tens * 10 + units)
    }

    /// A `Content-Length` value: 1*DIGIT (RFC 9110 §8.6), at most 18 of them.
    private static func decimal(_ bytes: Bytes) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard let digit = digit(byte) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// Whether `bytes` spell `lowercase` in any case (ASCII letters only fold).
    private static func equalsIgnoringCase(_ bytes: Bytes, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            for (byte, wanted) in zip(bytes, expected) {
                let folded = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
                if folded != wanted { return false }
            }
            return true
        }
    }

    private static func trimmed(_ bytes: Bytes) -> Bytes {
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
