#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// RFC 5322 + MIME (RFC 2045-2049) parser for whole messages held in memory.
///
/// Never fails: whatever the bytes, the result is a part tree, with what was wrong recorded as
/// defects. Work is bounded: nesting deeper than ``Limits/maxDepth`` and parts beyond
/// ``Limits/maxParts`` are kept as opaque leaves, so hostile nesting costs at most
/// depth × size of scanning.
public struct MIMEParser: Sendable {
    public struct Limits: Sendable {
        public var maxDepth: Int
        public var maxParts: Int

        public init(maxDepth: Int = 40, maxParts: Int = 5_000) {
            self.maxDepth = maxDepth
            self.maxParts = maxParts
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Parses a whole message.
    public func parse(_ message: [UInt8]) -> MIMEPart {
        var budget = limits.maxParts
        return parsePart(message, 0..<message.count, depth: 0, defaultType: "text/plain", budget: &budget)
    }

    private func parsePart(
        _ storage: [UInt8], _ range: Range<Int>, depth: Int, defaultType: String, budget: inout Int
    ) -> MIMEPart {
        budget -= 1
        var (headers, bodyStart, defects) = HeaderBlock.parse(storage, from: range.lowerBound, to: range.upperBound)
        var contentType =
            headers.raw("Content-Type").map(HeaderParameters.parse)
            ?? HeaderParameters(
                value: defaultType, parameters: defaultType == "text/plain" ? ["charset": "us-ascii"] : [:])
        if !contentType.value.contains("/") {
            defects.append("invalid Content-Type \"\(contentType.value)\"; treated as text/plain")
            contentType = HeaderParameters(value: "text/plain", parameters: contentType.parameters)
        }
        let disposition = headers.raw("Content-Disposition").map(HeaderParameters.parse)
        let transferEncoding =
            headers.raw("Content-Transfer-Encoding").map {
                String(decoding: $0, as: UTF8.self).trimmingSpaces().lowercased()
            } ?? "7bit"
        let body = bodyStart..<range.upperBound
        var children: [MIMEPart] = []
        var embedded: MIMEPart?

        if contentType.value.hasPrefix("multipart/") {
            if let boundary = contentType["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200 {
                if depth >= limits.maxDepth || budget <= 0 {
                    defects.append(
                        "multipart nested deeper than \(limits.maxDepth) levels or past \(limits.maxParts) parts; kept unparsed"
                    )
                } else {
                    if contentType.value == "multipart/encrypted" {
                        defects.append("encrypted (multipart/encrypted, PGP/MIME): the content cannot be read")
                    }
                    let split = Self.split(storage, body, boundary: Array(boundary.utf8))
                    if !split.closed { defects.append("multipart without its closing boundary") }
                    if split.parts.isEmpty { defects.append("multipart with no parts") }
                    let childDefault = contentType.value == "multipart/digest" ? "message/rfc822" : "text/plain"
                    for partRange in split.parts {
                        guard budget > 0 else {
                            defects.append("more than \(limits.maxParts) parts; the rest kept unparsed")
                            break
                        }
                        children.append(
                            parsePart(storage, partRange, depth: depth + 1, defaultType: childDefault, budget: &budget))
                    }
                }
            } else {
                defects.append("multipart without a usable boundary; treated as text/plain")
                contentType = HeaderParameters(value: "text/plain", parameters: contentType.parameters)
            }
        } else if contentType.value == "message/rfc822" || contentType.value == "message/global" {
            if depth >= limits.maxDepth || budget <= 0 {
                defects.append("message nested deeper than \(limits.maxDepth) levels; kept unparsed")
            } else if ["base64", "quoted-printable"].contains(transferEncoding) {
                // Not allowed by RFC 2046, but written by some mailers: decode, then parse.
                let decoded = TransferDecoding.decode(storage[body], encoding: transferEncoding).bytes
                embedded = parsePart(
                    decoded, 0..<decoded.count, depth: depth + 1, defaultType: "text/plain", budget: &budget)
            } else {
                embedded = parsePart(storage, body, depth: depth + 1, defaultType: "text/plain", budget: &budget)
            }
        } else if Self.isOpaqueSMIME(contentType, disposition: disposition) {
            let decoded = TransferDecoding.decode(storage[body], encoding: transferEncoding).bytes
            let relabelled = !contentType.value.contains("pkcs7")
            switch CMSSignedContent.read(decoded) {
            case .content(let entity)
            where depth < limits.maxDepth && budget > 0 && (!relabelled || Self.startsWithHeaderField(entity)):
                // The signed entity stands where the signature's wrapper stood: its text is the
                // body, its parts the attachments, as mail readers show the message.
                let inner = parsePart(
                    entity, 0..<entity.count, depth: depth + 1, defaultType: "text/plain", budget: &budget)
                return MIMEPart(
                    headers: headers, contentType: HeaderParameters(value: "multipart/mixed", parameters: [:]),
                    disposition: nil, transferEncoding: "7bit", children: [inner], embedded: nil, defects: defects,
                    storage: storage, bodyRange: body)
            case .encrypted: defects.append("S/MIME encrypted (enveloped-data): the content cannot be read")
            case .content, .unreadable: break
            }
        }
        return MIMEPart(
            headers: headers, contentType: contentType, disposition: disposition, transferEncoding: transferEncoding,
            children: children, embedded: embedded, defects: defects, storage: storage, bodyRange: body)
    }

    /// `application/pkcs7-mime` that may hold signed data: declared `smime-type=signed-data`, or
    /// with no `smime-type` (older senders; the content's own type then decides). Also the same
    /// relabelled `application/octet-stream` by a relay that knows no S/MIME, which RFC 8551
    /// section 3.2.1 expects: its file name `smime.p7m` is what survives the relay.
    private static func isOpaqueSMIME(_ contentType: HeaderParameters, disposition: HeaderParameters?) -> Bool {
        if contentType.value == "application/octet-stream" {
            let name = disposition?["filename"] ?? contentType["name"]
            return name?.trimmingSpaces().lowercased() == "smime.p7m"
        }
        guard ["application/pkcs7-mime", "application/x-pkcs7-mime"].contains(contentType.value) else { return false }
        let kind = contentType["smime-type"]?.lowercased()
        return kind == nil || kind == "signed-data" || kind == "enveloped-data" || kind == "authenveloped-data"
    }

    /// Whether `entity` opens with a header field (`Content-Type: …`), as a signed MIME entity does;
    /// a signed file that is no message (a document signed on its own) does not.
    private static func startsWithHeaderField(_ entity: [UInt8]) -> Bool {
        var index = 0
        while index < entity.count, index < 80 {
            let byte = entity[index]
            if byte == UInt8(ascii: ":") { return index > 0 }
            let isNameByte =
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == UInt8(ascii: "-")
            guard isNameByte else { return false }
            index += 1
        }
        return false
    }

    /// Finds the body parts between `--boundary` delimiter lines (RFC 2046 section 5.1.1).
    ///
    /// A delimiter starts a line and may be followed by transport padding; the line break before it
    /// belongs to it. Preamble and epilogue are dropped. Without a close delimiter the last part
    /// runs to the end. A `multipart/form-data` request body is split by the same rule.
    public static func split(_ storage: [UInt8], _ body: Range<Int>, boundary: [UInt8]) -> (
        parts: [Range<Int>], closed: Bool
    ) {
        let delimiter = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
        var parts: [Range<Int>] = []
        var partStart: Int?
        // Where the next delimiter line after a close-with-text line starts (`end` when none).
        var laterDelimiter: Int?
        var position = body.lowerBound
        let end = body.upperBound
        while position < end {
            let lineEnd = Bytes.lineEnd(storage, from: position, to: end)
            if storage[position] == UInt8(ascii: "-"), matches(storage, delimiter, at: position, end: lineEnd) {
                var after = position + delimiter.count
                let contentEnd = Bytes.trimmingLineBreak(storage, from: position, to: lineEnd)
                let isClose =
                    after + 2 <= contentEnd && storage[after] == UInt8(ascii: "-")
                    && storage[after + 1] == UInt8(ascii: "-")
                if isClose { after += 2 }
                var onlyPadding = true
                var index = after
                while index < contentEnd {
                    if storage[index] != 0x20 && storage[index] != 0x09 { onlyPadding = false }
                    index += 1
                }
                // A close delimiter may be followed by anything (some mailers add text after it),
                // unless a delimiter line comes later: then this line was the sender's text that
                // happens to start like one (`--abc-- see below`), and the parts after it are real.
                var textAfterClose = isClose && !onlyPadding
                if textAfterClose {
                    if laterDelimiter == nil || laterDelimiter! < lineEnd {
                        laterDelimiter = nextDelimiterLine(storage, delimiter, from: lineEnd, to: end) ?? end
                    }
                    textAfterClose = laterDelimiter! < end
                }
                if (onlyPadding || isClose) && !textAfterClose {
                    if let start = partStart {
                        parts.append(start..<max(start, lineBreakStart(storage, before: position, floor: start)))
                    }
                    if isClose { return (parts, true) }
                    partStart = lineEnd
                }
            }
            position = lineEnd
        }
        if let start = partStart { parts.append(start..<end) }
        return (parts, false)
    }

    /// The start of the first line from `position` that is a delimiter or close delimiter
    /// followed only by padding.
    private static func nextDelimiterLine(_ storage: [UInt8], _ delimiter: [UInt8], from position: Int, to end: Int)
        -> Int?
    {
        var position = position
        while position < end {
            let lineEnd = Bytes.lineEnd(storage, from: position, to: end)
            if storage[position] == UInt8(ascii: "-"), matches(storage, delimiter, at: position, end: lineEnd) {
                var index = position + delimiter.count
                let contentEnd = Bytes.trimmingLineBreak(storage, from: position, to: lineEnd)
                if index + 2 <= contentEnd, storage[index] == UInt8(ascii: "-"), storage[index + 1] == UInt8(ascii: "-")
                {
                    index += 2
                }
                while index < contentEnd, storage[index] == 0x20 || storage[index] == 0x09 { index += 1 }
                if index == contentEnd { return position }
            }
            position = lineEnd
        }
        return nil
    }

    private static func matches(_ storage: [UInt8], _ delimiter: [UInt8], at position: Int, end: Int) -> Bool {
        guard end - position >= delimiter.count else { return false }
        return storage.withUnsafeBufferPointer { buffer in
            delimiter.withUnsafeBufferPointer { pattern in
                memcmp(buffer.baseAddress! + position, pattern.baseAddress!, pattern.count) == 0
            }
        }
    }

    /// Where the CRLF or LF that ends the line before `position` starts.
    private static func lineBreakStart(_ storage: [UInt8], before position: Int, floor: Int) -> Int {
        var index = position
        if index > floor && storage[index - 1] == 0x0A { index -= 1 }
        if index > floor && storage[index - 1] == 0x0D { index -= 1 }
        return index
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
