import ComplaintCore
import Foundation

/// Outlook's TNEF (`winmail.dat`, `application/ms-tnef`): Outlook and Exchange wrap a message's
/// attachments, and its body in rich text, into this one part when they send "Outlook Rich Text"
/// mail. No other mail reader opens it, so a complaint's photos inside it would reach the
/// department as one file nobody can read: the files are taken out of it instead (MS-OXTNEF).
///
/// The stream is a signature, then attributes (level, id, length, data, checksum). Read here:
/// each attachment's data and names (`attAttachData`, `attAttachTitle`, and the MAPI properties
/// of `attAttachment`: long filename, MIME type, data held as a property), the message's plain,
/// HTML and compressed RTF bodies (`attBody`, `attMsgProps`; see ``CompressedRTF`` and
/// ``RTFText``), and its code page for 8-bit strings. A message
/// attached inside (an embedded TNEF stream, an Outlook item forwarded as an attachment) gives its
/// text, as a `.txt` file named for it, and its own files, up to a few levels deep.
/// Checksums are not enforced: Outlook's are sometimes wrong, and the data is still right.
enum TNEFReader {
    struct File: Equatable {
        var name: String?
        var mediaType: String?
        var bytes: [UInt8]
    }

    struct Content {
        var files: [File] = []
        /// The plain-text body, when the stream holds one.
        var text: String?
        /// The HTML body, when the stream holds one.
        var html: String?
        /// The rich-text (RTF) body, decompressed, when the stream holds one.
        var rtf: [UInt8]?
        /// The message's subject, when the stream holds one.
        var subject: String?
        /// What was wrong with the stream (cut short, trailing bytes), for `source.extra.defects`.
        var defects: [String] = []

        /// The body as text: the plain body, else the HTML body's text.
        var bodyText: String? { text ?? html.map(HTMLText.text(from:)) }
    }

    static let signature: UInt32 = 0x223E_9F78

    /// Whether a part is TNEF: labelled as TNEF or named `winmail.dat`, and starting with the signature.
    static func isTNEF(mediaType: String, filename: String?, bytes: [UInt8]) -> Bool {
        guard bytes.count >= 6, TNEFByteReader.uint32(bytes[0..<4]) == signature else { return false }
        let name = filename?.lowercased()
        return mediaType == "application/ms-tnef" || mediaType == "application/vnd.ms-tnef"
            || name == "winmail.dat" || name == "win.dat"
    }

    /// The stream's content, or nil when `bytes` does not start with the TNEF signature.
    static func read(_ bytes: ArraySlice<UInt8>, depth: Int = 0) -> Content? {
        var reader = TNEFByteReader(bytes)
        guard reader.uint32() == signature, reader.skip(2) else { return nil }
        var stream = Stream()
        while reader.remaining > 0 {
            let start = reader.offset
            guard let level = reader.uint8(), let id = reader.uint32(), let length = reader.uint32(),
                let data = reader.bytes(Int(length))
            else {
                let left = bytes.endIndex - start
                stream.defects.append("TNEF stream ends with \(left) bytes that are not a whole attribute")
                break
            }
            stream.take(level: level, id: id, data: data)
            if !reader.skip(2) {
                // The data is whole; only its checksum was cut off (seen from Exchange).
                stream.defects.append("TNEF stream ends without its last attribute's checksum")
                break
            }
        }
        return stream.content(depth: depth)
    }

    /// The attributes read so far, kept raw until the code page is known.
    private struct Stream {
        struct Attachment {
            var title: ArraySlice<UInt8>?
            var data: ArraySlice<UInt8>?
            var properties: TNEFProperties?
        }

        var codepage = TNEFCodepage()
        var body: ArraySlice<UInt8>?
        var subject: ArraySlice<UInt8>?
        var properties: TNEFProperties?
        var attachments: [Attachment] = []
        var defects: [String] = []

        mutating func take(level: UInt8, id: UInt32, data: ArraySlice<UInt8>) {
            switch (level, id) {
            case (1, 0x0006_9007): if data.count >= 4 { codepage = TNEFCodepage(TNEFByteReader.uint32(data)) }
            case (1, 0x0002_800C): body = data
            case (1, 0x0001_8004): subject = data
            case (1, 0x0006_9003): properties = TNEFProperties(data)
            // attAttachRendData begins each attachment; the others belong to the last one begun.
            case (2, 0x0006_9002): attachments.append(Attachment())
            case (2, 0x0001_8010): current { $0.title = data }
            case (2, 0x0006_800F): current { $0.data = data }
            case (2, 0x0006_9005): current { $0.properties = TNEFProperties(data) }
            default: break
            }
        }

        private mutating func current(_ update: (inout Attachment) -> Void) {
            if attachments.isEmpty { attachments.append(Attachment()) }
            update(&attachments[attachments.count - 1])
        }

        func content(depth: Int) -> Content {
            var content = Content(defects: defects)
            if properties?.isTruncated == true { content.defects.append("TNEF message properties cut short") }
            content.text =
                properties?.string(Property.body, codepage: codepage) ?? body.map { codepage.decode(Array($0)) }
            content.subject =
                properties?.string(Property.subject, codepage: codepage)
                ?? subject.map { codepage.decode(Array($0.prefix { $0 != 0 })) }
            if case .binary(let html) = properties?.values[Property.html] {
                content.html = CharsetDecoder.decode(html, declared: codepage.label).text
            } else {
                content.html = properties?.string(Property.html, codepage: codepage)
            }
            if case .binary(let compressed) = properties?.values[Property.rtfCompressed] {
                content.rtf = CompressedRTF.decompress(compressed)
                if content.rtf == nil { content.defects.append("TNEF body in compressed RTF could not be read") }
            }
            // Outlook's "Rich Text" mail holds its body only as compressed RTF.
            if content.text == nil, content.html == nil, let rtf = content.rtf {
                let text = RTFText.text(rtf)
                if !text.allSatisfy(\.isWhitespace) { content.text = text }
            }
            for attachment in attachments { add(attachment, to: &content, depth: depth) }
            return content
        }

        private func add(_ attachment: Attachment, to content: inout Content, depth: Int) {
            let properties = attachment.properties
            let name =
                [Property.longFilename, Property.displayName, Property.filename].lazy
                .compactMap { properties?.string($0, codepage: codepage) }.first { !$0.isEmpty }
                ?? attachment.title.map { codepage.decode(Array($0)) }.flatMap { $0.isEmpty ? nil : $0 }
            var data = attachment.data
            switch properties?.values[Property.attachData] {
            case .object(let iid, let object) where iid.elementsEqual(Property.messageInterface):
                // A message attached to the message (an Outlook item forwarded as an attachment):
                // its text becomes a file of its own, for a department has no reader for TNEF.
                guard depth < 3, let inner = TNEFReader.read(object, depth: depth + 1) else {
                    content.defects.append("TNEF attached message \(name ?? "") too deeply nested: not opened")
                    return
                }
                if let text = inner.bodyText,
                    !text.allSatisfy(\.isWhitespace)
                {
                    content.files.append(
                        File(
                            name: Self.textFileName(name ?? inner.subject), mediaType: "text/plain",
                            bytes: Array(text.utf8)))
                }
                content.files += inner.files
                content.defects += inner.defects
                return
            case .object(_, let object): data = data ?? object
            case .binary(let bytes): data = data ?? bytes
            default: break
            }
            guard let data else {
                content.defects.append("TNEF attachment \(name ?? "") has no data")
                return
            }
            let mediaType = properties?.string(Property.mimeTag, codepage: codepage).flatMap(Self.mediaType)
            content.files.append(File(name: name, mediaType: mediaType, bytes: Array(data)))
        }

        /// `NAME.txt` for an attached message's text (Outlook names the item by its subject, or `NAME.msg`).
        private static func textFileName(_ name: String?) -> String {
            var base = name?.trimmingCharacters(in: .whitespaces) ?? ""
            if base.lowercased().hasSuffix(".msg") { base.removeLast(4) }
            return (base.isEmpty ? "attached message" : base) + ".txt"
        }

        /// A `type/subtype` as MIME writes it, lowercased; nil for anything else.
        private static func mediaType(_ tag: String) -> String? {
            let value = tag.trimmingCharacters(in: .whitespaces).lowercased()
            let parts = value.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }),
                value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/+-.".contains($0)) })
            else { return nil }
            return value
        }
    }

    /// MAPI property ids (MS-OXPROPS).
    private enum Property {
        static let subject: UInt16 = 0x0037
        static let body: UInt16 = 0x1000
        static let rtfCompressed: UInt16 = 0x1009
        static let html: UInt16 = 0x1013
        static let displayName: UInt16 = 0x3001
        static let attachData: UInt16 = 0x3701
        static let filename: UInt16 = 0x3704
        static let longFilename: UInt16 = 0x3707
        static let mimeTag: UInt16 = 0x370E
        /// IID_IMessage, {00020307-0000-0000-C000-000000000046}, as stored (little-endian fields).
        static let messageInterface: [UInt8] = [
            0x07, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46,
        ]
    }
}
