import ComplaintCore

/// A message's attachments as its record lists them, with the bytes kept beside the record.
///
/// In order: every MIME attachment (``BodySelector/attachments(of:body:)``), a TNEF part
/// (`winmail.dat`) replaced by the files it holds (``TNEFReader``), then the files uuencoded into
/// the text. Filenames are made safe (``SafeFilename``); a name that had to change is kept as
/// given in `attachment_original_filenames`. A file with no useful type gets the one its name's
/// extension names (``MediaTypeGuess``). A file over the size limit is listed without its bytes.
struct EmailAttachments {
    let maxBytes: Int
    private(set) var records: [Complaint.Attachment] = []
    private(set) var bytes: [[UInt8]?] = []
    /// What decoding the parts found wrong, for `source.extra.defects`.
    private(set) var defects: [String] = []
    /// The body a TNEF part held (taken when the message has none of its own).
    private(set) var tnefBody: String?
    private var oversized: [JSONValue] = []
    private var originalNames: [JSONValue] = []
    private var tnefOpened: [JSONValue] = []

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// The MIME attachments of `message`; a TNEF part's body is wanted when `bodyIsEmpty`.
    mutating func addParts(of message: MIMEPart, body: MIMEPart?, bodyIsEmpty: Bool) {
        // PGP/MIME's control part (`Version: 1`) only says what the encrypted part beside it is.
        for part in BodySelector.attachments(of: message, body: body)
        where part.mediaType != "application/pgp-encrypted" {
            let (data, encodingDefect) = part.decoded
            var filename = Self.safe(part.filename)
            noteOriginal(part.filename, safe: filename)
            if filename == nil, part.mediaType.hasPrefix("message/") {
                filename = SafeFilename.sanitize(
                    (part.embedded?.headers["Subject"].map(EmailComplaintBuilder.singleLine) ?? "message") + ".eml")
            }
            let label = filename ?? part.mediaType
            if let encodingDefect { defects.append("attachment \(label): \(encodingDefect)") }
            if TNEFReader.isTNEF(mediaType: part.mediaType, filename: part.filename, bytes: data),
                let tnef = TNEFReader.read(data[...])
            {
                defects += tnef.defects.map { "attachment \(label): \($0)" }
                let body = tnef.bodyText
                // Opened when it gives something; kept as it came otherwise (nothing is lost either
                // way: the raw message holds it).
                if !tnef.files.isEmpty || bodyIsEmpty && tnefBody == nil && body != nil {
                    tnefOpened.append(.string(label))
                    tnefBody = tnefBody ?? body
                    for file in tnef.files {
                        let name = Self.safe(file.name)
                        noteOriginal(file.name, safe: name)
                        add(file.bytes, filename: name, mediaType: file.mediaType)
                    }
                    continue
                }
            }
            add(data, filename: filename, mediaType: part.mediaType)
        }
    }

    /// Files uuencoded into the text: after the MIME attachments, their type unknown.
    mutating func addInline(_ files: [InlineUUBlocks.File]) {
        for file in files {
            let filename = Self.safe(file.name)
            noteOriginal(file.name, safe: filename)
            add(file.bytes, filename: filename, mediaType: nil)
        }
    }

    /// `oversized_attachments`, `attachment_original_filenames`, `tnef_opened`, when there are any.
    func write(to extra: inout [String: JSONValue]) {
        if !oversized.isEmpty { extra["oversized_attachments"] = .array(oversized) }
        if !originalNames.isEmpty { extra["attachment_original_filenames"] = .array(originalNames) }
        if !tnefOpened.isEmpty { extra["tnef_opened"] = .array(tnefOpened) }
    }

    /// Adds a file; a type that says nothing (none, `application/octet-stream`) is guessed from the name.
    private mutating func add(_ data: [UInt8], filename: String?, mediaType declared: String?) {
        let mediaType = MediaTypeGuess.mediaType(declared: declared, filename: filename)
        records.append(
            Complaint.Attachment(
                filename: filename, contentType: mediaType, size: data.count, sha256: ContentHash.sha256Hex(data)))
        if data.count > maxBytes {
            bytes.append(nil)
            oversized.append(.string(filename ?? mediaType))
        } else {
            bytes.append(data)
        }
    }

    /// The sender's name as given, when it had to be made safe.
    private mutating func noteOriginal(_ given: String?, safe: String?) {
        if let given, given != safe {
            originalNames.append(.object(["position": .number(Double(records.count)), "filename": .string(given)]))
        }
    }

    private static func safe(_ name: String?) -> String? {
        name.flatMap { TextNormalizer.normalizeOptional($0) }.flatMap(SafeFilename.sanitize)
    }
}
