import ComplaintCore
import Foundation

/// A body part read as the text a person sees: plain text unflowed (`format=flowed`) or with the
/// files uuencoded into it taken out, HTML converted by ``HTMLText``, rich text read by ``RTFText``.
struct BodyText {
    var text: String
    /// Files uuencoded into a plain-text body.
    var inlineFiles: [InlineUUBlocks.File] = []
    /// `html`, `rtf` or `calendar` when the body was not plain text.
    var format: String?
    /// The charset actually used, when it was not the declared one or bytes had to be replaced.
    var charsetNote: String?
    /// What the transfer decoding found wrong.
    var defect: String?

    init(_ body: MIMEPart) {
        let (bytes, defect) = body.decoded
        self.defect = defect
        // A calendar's lines are joined before they are decoded: a simple writer folds every 75
        // bytes, inside a character's UTF-8 sequence too (RFC 5545 section 3.1 warns of it).
        let decoded = body.text(of: body.mediaType == "text/calendar" ? CalendarText.unfolded(bytes) : bytes)
        if decoded.lossy
            || (decoded.charset != "us-ascii" && decoded.charset != "utf-8"
                && CharsetDecoder.canonicalName(forLabel: body.contentType["charset"] ?? "") != decoded.charset)
        {
            charsetNote = decoded.charset + (decoded.lossy ? " (undecodable bytes replaced)" : "")
        }
        if body.mediaType == "text/rtf" {
            text = RTFText.text(bytes)
            format = "rtf"
        } else if body.mediaType == "text/calendar" {
            text = CalendarText.text(decoded.text)
            format = "calendar"
        } else if body.mediaType == "text/html" {
            text = HTMLText.text(from: decoded.text)
            format = "html"
        } else {
            (text, inlineFiles) = Self.plainText(decoded.text, of: body)
        }
    }

    /// A plain-text part's text: a `format=flowed` one unflowed, any other with the files
    /// uuencoded into it taken out.
    static func plainText(_ text: String, of part: MIMEPart) -> (String, [InlineUUBlocks.File]) {
        if part.contentType["format"]?.lowercased() == "flowed" {
            return (FlowedText.unflow(text, deleteSpace: part.contentType["delsp"]?.lowercased() == "yes"), [])
        }
        return InlineUUBlocks.extract(from: text)
    }
}

/// What a person reads as a message's text: its body, then the plain-text parts that continue it
/// (a note written after an inline photo), as one text.
struct MessageText {
    var text = ""
    var inlineFiles: [InlineUUBlocks.File] = []
    /// What the transfer decoding of the body and its continuations found wrong.
    var defects: [String] = []
    var format: String?
    var charsetNote: String?

    init(of message: MIMEPart, body: MIMEPart?) {
        if let body {
            let read = BodyText(body)
            if let defect = read.defect { defects.append("body: \(defect)") }
            (text, inlineFiles, format, charsetNote) = (read.text, read.inlineFiles, read.format, read.charsetNote)
            switch InlinePGP.read(text) {
            case .plain: break
            case .signed(let signed): text = signed
            case .encrypted:
                text = ""
                defects.append(InlinePGP.encryptedDefect)
            }
        }
        for (number, part) in BodySelector.continuations(of: message, body: body).enumerated() {
            let (bytes, defect) = part.decoded
            if let defect { defects.append("body part \(number + 2): \(defect)") }
            let (more, files) = BodyText.plainText(part.text(of: bytes).text, of: part)
            text += "\n\n" + more
            inlineFiles += files
        }
        text = Self.withoutImagePlaceholders(text)
    }

    /// `text` without Outlook's placeholders for inline pictures in the plain-text version
    /// (`[cid:image001.png@01DA2C3B.5E6F7A80]`): the pictures are attachments, the placeholder
    /// says nothing.
    static func withoutImagePlaceholders(_ text: String) -> String {
        guard text.contains("[cid:") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "[cid:") {
            guard let close = rest[open.upperBound...].firstIndex(of: "]"),
                !rest[open.upperBound..<close].contains(where: \.isWhitespace)
            else {
                result += rest[..<open.upperBound]
                rest = rest[open.upperBound...]
                continue
            }
            result += rest[..<open.lowerBound]
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
