import EmailAdapter
import Foundation

/// Pulls the file out of a `multipart/form-data` body as it streams in, without holding the body.
///
/// The first part the `picks` test takes is the file (by default the first with a `filename`, or
/// named `file`: a call-log upload); other parts are skipped.
/// The delimiter may be cut across network chunks: the last few bytes of each chunk wait for
/// the next one. A body that ends before the closing delimiter is an error.
struct MultipartFileStream {
    private enum State {
        case preamble, headers
        case body(isFile: Bool)
        case epilogue
    }

    private let delimiter: [UInt8]
    private var state = State.preamble
    private var buffer: [UInt8] = []
    private(set) var foundFile = false
    /// The file part's `filename`, as the sender's browser or tool named it (nil when it gave none).
    private(set) var fileName: String?
    private var fileDone = false
    private let picks: (ArraySlice<UInt8>) -> Bool

    /// - Parameters:
    ///   - boundary: the `boundary` parameter of the Content-Type.
    ///   - picks: whether a part, by its header block, is the file.
    init(boundary: String, picks: @escaping (ArraySlice<UInt8>) -> Bool = Self.isFilePart) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.picks = picks
        // The body starts with the delimiter minus its CRLF: prime the buffer with one.
        buffer = [0x0D, 0x0A]
    }

    /// The boundary of a `multipart/form-data` Content-Type, nil when it has none.
    static func boundary(contentType: String) -> String? {
        guard let value = HeaderParameters.parse(Array(contentType.utf8))["boundary"], !value.isEmpty else {
            return nil
        }
        return value
    }

    /// Feeds the next chunk; `file` receives the file part's bytes.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, file: (UnsafeRawBufferPointer) throws -> Void) throws {
        buffer.append(contentsOf: bytes)
        var start = 0
        defer { buffer.removeFirst(start) }
        while true {
            switch state {
            case .preamble:
                guard let found = find(delimiter, from: start) else {
                    start = max(start, buffer.count - delimiter.count)
                    return
                }
                start = found + delimiter.count
                state = .headers
            case .headers:
                // After a delimiter: "--" ends the body, else CRLF and the part's headers up to a blank line.
                guard buffer.count - start >= 2 else { return }
                if buffer[start] == 0x2D && buffer[start + 1] == 0x2D {
                    state = .epilogue
                    continue
                }
                guard let end = find(Array("\r\n\r\n".utf8), from: start) else {
                    if buffer.count - start > 16_384 { throw MultipartError("part headers longer than 16 KiB") }
                    return
                }
                let isFile = !fileDone && picks(buffer[start..<end])
                if isFile {
                    fileName = Self.fields(buffer[start..<end]).raw("Content-Disposition")
                        .map(HeaderParameters.parse)?["filename"].flatMap { $0.isEmpty ? nil : $0 }
                }
                start = end + 4
                state = .body(isFile: isFile)
            case .body(let isFile):
                if let found = find(delimiter, from: start) {
                    if isFile {
                        try buffer[start..<found].withUnsafeBytes { try file($0) }
                        foundFile = true
                        fileDone = true
                    }
                    start = found + delimiter.count
                    state = .headers
                    continue
                }
                // Keep what could be the start of a delimiter cut by the chunk's end.
                let safeEnd = max(start, buffer.count - delimiter.count + 1)
                if isFile && safeEnd > start {
                    try buffer[start..<safeEnd].withUnsafeBytes { try file($0) }
                }
                start = safeEnd
                return
            case .epilogue:
                start = buffer.count
                return
            }
        }
    }

    /// Whether a part's header block names a file: its Content-Disposition has a non-empty
    /// `filename` (plain, quoted or RFC 2231 `filename*`) or the field is named `file`. An empty
    /// `filename=""` is what a browser sends for a file input left unfilled: not the upload.
    static func isFilePart(headers: ArraySlice<UInt8>) -> Bool {
        guard let disposition = fields(headers).raw("Content-Disposition").map(HeaderParameters.parse) else {
            return false
        }
        return disposition["filename"].map { !$0.isEmpty } == true || disposition["name"] == "file"
    }

    /// Whether a part holds a whole e-mail message, as mail forwarding services post one: a field
    /// named `email` (SendGrid's Inbound Parse, "POST the raw, full MIME message"), `body-mime`
    /// (Mailgun's routes to a URL ending in `mime`), `message` or `file`, or a file part that is
    /// a `.eml` or declared `message/rfc822`.
    static func isMessagePart(headers: ArraySlice<UInt8>) -> Bool {
        let fields = fields(headers)
        if let type = fields.raw("Content-Type"),
            String(decoding: type, as: UTF8.self).lowercased().hasPrefix("message/rfc822")
        {
            return true
        }
        guard let disposition = fields.raw("Content-Disposition").map(HeaderParameters.parse) else { return false }
        if let name = disposition["name"]?.lowercased(), ["email", "body-mime", "message", "file"].contains(name) {
            return true
        }
        return disposition["filename"]?.lowercased().hasSuffix(".eml") == true
    }

    /// A part's header fields. The block starts with the line break that ends the delimiter line.
    private static func fields(_ headers: ArraySlice<UInt8>) -> HeaderBlock {
        let bytes = Array(headers.drop { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") })
        return HeaderBlock.parse(bytes, from: 0, to: bytes.count).0
    }

    /// Checks the body ended properly.
    func finish() throws {
        guard case .epilogue = state else {
            throw MultipartError("the multipart body ends before its closing boundary")
        }
        guard foundFile else { throw MultipartError("the form has no file part") }
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, buffer.count - start >= needle.count else { return nil }
        var index = start
        let last = buffer.count - needle.count
        return buffer.withUnsafeBufferPointer { haystack in
            while index <= last {
                if haystack[index] == first {
                    var matched = true
                    for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                        matched = false
                        break
                    }
                    if matched { return index }
                }
                index += 1
            }
            return nil
        }
    }
}

/// A malformed `multipart/form-data` body.
struct MultipartError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
