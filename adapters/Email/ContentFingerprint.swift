import ComplaintCore

/// What makes two copies of a mail the same message: its sender, date and subject as written, and
/// its body bytes. Transport headers (`Received`, `Delivered-To`, a relay's `X-` fields) are left
/// out, so the same message fetched twice, or from two mailboxes, has one fingerprint; a different
/// message that reuses a Message-ID (a broken web-form relay, a script) has another.
enum ContentFingerprint {
    static func of(_ raw: [UInt8], headers: HeaderBlock) -> String {
        var bytes: [UInt8] = []
        for name in ["From", "Date", "Subject"] {
            bytes += Array((headers[name] ?? "").utf8)
            bytes.append(0x0A)
        }
        bytes += raw[bodyStart(raw)...]
        return ContentHash.sha256Hex(bytes)
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
