/// The signed content of an opaque S/MIME message (`application/pkcs7-mime; smime-type=signed-data`,
/// RFC 8551): a CMS SignedData (RFC 5652) whose `encapContentInfo` carries the MIME entity that is
/// the message, as mail readers show it. Signed is not encrypted: the entity is read without
/// checking the signature (the raw message keeps it for whoever must).
///
/// BER as senders write it: definite and indefinite lengths (OpenSSL's streaming output), the
/// content as one OCTET STRING or as a constructed one in chunks. Nesting and lengths are bounded
/// by the bytes given; nothing else is interpreted.
enum CMSSignedContent {
    enum Outcome: Equatable {
        case content([UInt8])
        /// Enveloped (encrypted) data: unreadable without the recipient's key.
        case encrypted
        case unreadable
    }

    private static let signedData: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]
    private static let envelopedData: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x03]
    /// id-ct-authEnvelopedData (RFC 5083), 1.2.840.113549.1.9.16.1.23.
    private static let authEnvelopedData: [UInt8] = [
        0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x01, 0x17,
    ]

    static func read(_ bytes: [UInt8]) -> Outcome {
        let ber = BER(bytes: bytes)
        guard let contentInfo = ber.element(at: 0, limit: bytes.count), contentInfo.tag == 0x30,
            let type = ber.children(of: contentInfo).first, type.tag == 0x06
        else { return .unreadable }
        let oid = Array(bytes[type.content])
        if oid == envelopedData || oid == authEnvelopedData { return .encrypted }
        guard oid == signedData,
            let explicit = ber.children(of: contentInfo).dropFirst().first, explicit.tag == 0xA0,
            let signed = ber.children(of: explicit).first, signed.tag == 0x30
        else { return .unreadable }
        // SignedData: version, digestAlgorithms, encapContentInfo, …
        let fields = ber.children(of: signed).prefix(3)
        guard fields.count == 3, fields.last?.tag == 0x30, let encapsulated = fields.last,
            let wrapper = ber.children(of: encapsulated).dropFirst().first, wrapper.tag == 0xA0,
            let octets = ber.children(of: wrapper).first, let content = ber.octets(octets)
        else { return .unreadable }
        return .content(content)
    }
}

/// A minimal BER walker: single-byte tags, lengths of up to four bytes or indefinite.
private struct BER {
    let bytes: [UInt8]
    static let maxDepth = 32

    struct Element {
        var tag: UInt8
        var content: Range<Int>
        /// Where the next element starts.
        var end: Int
        var constructed: Bool { tag & 0x20 != 0 }
    }

    func element(at position: Int, limit: Int, depth: Int = 0) -> Element? {
        guard depth < Self.maxDepth, position + 2 <= limit else { return nil }
        let tag = bytes[position]
        guard tag & 0x1F != 0x1F else { return nil }
        let first = Int(bytes[position + 1])
        var start = position + 2
        if first == 0x80 {
            // Indefinite: children up to the end-of-contents octets 00 00.
            guard tag & 0x20 != 0 else { return nil }
            var cursor = start
            while cursor + 2 <= limit {
                if bytes[cursor] == 0, bytes[cursor + 1] == 0 {
                    return Element(tag: tag, content: start..<cursor, end: cursor + 2)
                }
                guard let child = element(at: cursor, limit: limit, depth: depth + 1) else { return nil }
                cursor = child.end
            }
            return nil
        }
        var length = first
        if first > 0x80 {
            let count = first & 0x7F
            guard count <= 4, start + count <= limit else { return nil }
            length = 0
            for index in start..<start + count { length = length << 8 | Int(bytes[index]) }
            start += count
        }
        guard length <= limit - start else { return nil }
        return Element(tag: tag, content: start..<start + length, end: start + length)
    }

    /// The elements inside a constructed one, in order, up to the first that cannot be read.
    func children(of parent: Element, depth: Int = 0) -> [Element] {
        guard parent.constructed else { return [] }
        var result: [Element] = []
        var cursor = parent.content.lowerBound
        while cursor < parent.content.upperBound,
            let child = element(at: cursor, limit: parent.content.upperBound, depth: depth + 1)
        {
            result.append(child)
            cursor = child.end
        }
        return result
    }

    /// An OCTET STRING's bytes, joining the chunks of a constructed one.
    func octets(_ element: Element, depth: Int = 0) -> [UInt8]? {
        if element.tag == 0x04 { return Array(bytes[element.content]) }
        guard element.tag == 0x24, depth < Self.maxDepth else { return nil }
        var joined: [UInt8] = []
        for chunk in children(of: element) {
            guard let part = octets(chunk, depth: depth + 1) else { return nil }
            joined += part
        }
        return joined
    }
}
