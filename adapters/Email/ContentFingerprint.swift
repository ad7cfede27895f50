import ComplaintCore

/// What makes two copies of a mail the same message: its sender, date and subject as written, and
/// its body. Transport headers (`Received`, `Delivered-To`, a relay's `X-` fields) are left out,
/// and so are line endings (a forwarder pipes LF, IMAP and `.eml` files carry CRLF), so the same
/// message fetched twice, from two mailboxes, or by two routes has one fingerprint; a different
/// message that reuses a Message-ID (a broken web-form relay, a script) has another.
enum ContentFingerprint {
    /// The fingerprint kept in `source.extra.content_sha256`.
    /// Every fingerprint the same message may have been stored under, the one kept today first
    /// (`source.extra.content_sha256`), then the one complaints stored before line endings were
    /// left out carry (the body's bytes as they came), when it differs.
    static func all(_ raw: [UInt8], headers: HeaderBlock) -> [String] {
        let fields = headerBytes(headers)
        let body = raw[bodyStart(raw)...]
        let current = ContentHash.sha256Hex(fields + normalizedLineEnds(body))
        guard body.contains(0x0D) else { return [current] }
        return [current, ContentHash.sha256Hex(fields + body)]
    }

    private static func headerBytes(_ headers: HeaderBlock) -> [UInt8] {
        var bytes: [UInt8] = []
        for name in ["From", "Date", "Subject"] {
            bytes += Array((headers[name] ?? "").utf8)
            bytes.append(0x0A)
        }
        return bytes
    }

    /// The body with every CR that ends a line dropped.
    private static func normalizedLineEnds(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.count)
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            if byte != 0x0D || index + 1 >= body.endIndex || body[index + 1] != 0x0A { bytes.append(byte) }
            index += 1
        }
        return bytes
    }

    /// The index after the blank line that ends the header section (CRLF or LF), or the end.
    private static func bodyStart(_ raw: [UInt8]) -> Int {
        var index = 0
        while index < raw.count {
            if raw[index] == 0x0A {
                if index + 1 < raw.count, raw[index + 1] == 0x0A { return index + 2 }
                if index + 2 < raw.count, raw[index + 1] == 0x0D, raw[index + 2] == 0x0A { return index + 3 }
            }
            index += 1
        }
        return raw.count
    }
}
