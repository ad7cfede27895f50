/// What a workbook part's XML is made of, handed over as the scanner meets it.
protocol XMLScannerHandler {
    mutating func start(_ tag: XMLTag) throws(WorkbookError)
    /// `name` is the local name (without a namespace prefix).
    mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError)
    /// Character data between tags, entities still escaped unless `cdata`.
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError)
}

/// A start tag as met: its local name and its attributes, read on demand. Valid only during the
/// handler's call.
struct XMLTag {
    let name: UnsafeBufferPointer<UInt8>
    /// The bytes after the name, up to (not including) `>` or `/>`.
    let attributes: UnsafeBufferPointer<UInt8>
    let selfClosing: Bool

    func `is`(_ local: StaticString) -> Bool { XMLScanner.equal(name, local) }

    /// The value of the attribute whose local name is `local` (`r:id` is `id`), entities decoded.
    func attribute(_ local: StaticString) -> String? {
        var at = 0
        let bytes = attributes
        while at < bytes.count {
            while at < bytes.count && XMLScanner.isSpace(bytes[at]) { at += 1 }
            let nameStart = at
            while at < bytes.count && bytes[at] != UInt8(ascii: "=") && !XMLScanner.isSpace(bytes[at]) { at += 1 }
            let name = XMLScanner.localName(UnsafeBufferPointer(rebasing: bytes[nameStart..<at]))
            while at < bytes.count && bytes[at] != UInt8(ascii: "=") { at += 1 }
            at += 1
            while at < bytes.count && XMLScanner.isSpace(bytes[at]) { at += 1 }
            guard at < bytes.count else { return nil }
            let quote = bytes[at]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
            at += 1
            let valueStart = at
            while at < bytes.count && bytes[at] != quote { at += 1 }
            if XMLScanner.equal(name, local) {
                return XMLScanner.decode(UnsafeBufferPointer(rebasing: bytes[valueStart..<at]))
            }
            at += 1
        }
        return nil
    }

    /// An XML Schema boolean attribute (`1` or `true`; `0`, `false` or absent is false), as
    /// Excel's `hidden` and `date1904` are.
    static func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return value == "1" || value.lowercased() == "true"
    }
}

/// A streaming reader of the XML an .xlsx workbook is made of, fed chunks as they are inflated.
///
/// Not a general XML parser: no DTD is read and no entity but the five predefined and character
/// references is expanded (so no document can make it fetch or expand anything), namespaces are
/// dropped to local names. That is all a workbook's parts use, and it reads a sheet of a million
/// rows without building a tree or holding more than the chunk and one unfinished token.
struct XMLScanner {
    private var carry: [UInt8] = []
    /// A token longer than this is not a workbook's (a cell holds at most 32,767 characters).
    static let maxTokenBytes = 8 << 20

    mutating func feed<Handler: XMLScannerHandler>(
        _ bytes: UnsafeRawBufferPointer, into handler: inout Handler
    ) throws(WorkbookError) {
        if carry.isEmpty {
            let used = try Self.scan(bytes.bindMemory(to: UInt8.self), into: &handler)
            carry.append(contentsOf: bytes[used...])
        } else {
            carry.append(contentsOf: bytes)
            let held = carry
            let used = try held.withUnsafeBufferPointer { buffer throws(WorkbookError) in
                try Self.scan(buffer, into: &handler)
            }
            carry.removeFirst(used)
        }
        guard carry.count <= Self.maxTokenBytes else { throw .damaged("its XML holds a token of over 8 MiB") }
    }

    /// Ends the part: what is left must be blank.
    func finish() throws(WorkbookError) {
        guard carry.allSatisfy(Self.isSpace) else { throw .damaged("its XML ends in the middle of a tag") }
    }

    /// Hands over every whole token in `bytes`; returns how many bytes they took.
    private static func scan<Handler: XMLScannerHandler>(
        _ bytes: UnsafeBufferPointer<UInt8>, into handler: inout Handler
    ) throws(WorkbookError) -> Int {
        var at = 0
        let count = bytes.count
        while at < count {
            if bytes[at] != UInt8(ascii: "<") {
                var end = at
                while end < count && bytes[end] != UInt8(ascii: "<") { end += 1 }
                guard end < count else { return at }
                try handler.text(UnsafeBufferPointer(rebasing: bytes[at..<end]), cdata: false)
                at = end
                continue
            }
            guard at + 1 < count else { return at }
            switch bytes[at + 1] {
            case UInt8(ascii: "!"):
                if starts(bytes, at, "<![CDATA[") {
                    guard let end = find(bytes, from: at + 9, "]]>") else { return at }
                    try handler.text(UnsafeBufferPointer(rebasing: bytes[(at + 9)..<end]), cdata: true)
                    at = end + 3
                } else if starts(bytes, at, "<!--") {
                    guard let end = find(bytes, from: at + 4, "-->") else { return at }
                    at = end + 3
                } else {
                    // A DOCTYPE: skipped, never read (no entity it declares is expanded).
                    guard let end = tagEnd(bytes, from: at + 2) else { return at }
                    at = end + 1
                }
            case UInt8(ascii: "?"):
                guard let end = find(bytes, from: at + 2, "?>") else { return at }
                at = end + 2
            case UInt8(ascii: "/"):
                guard let end = tagEnd(bytes, from: at + 2) else { return at }
                var nameEnd = at + 2
                while nameEnd < end && !isSpace(bytes[nameEnd]) { nameEnd += 1 }
                try handler.end(localName(UnsafeBufferPointer(rebasing: bytes[(at + 2)..<nameEnd])))
                at = end + 1
            default:
                guard let end = tagEnd(bytes, from: at + 1) else { return at }
                let selfClosing = bytes[end - 1] == UInt8(ascii: "/")
                let inner = selfClosing ? end - 1 : end
                var nameEnd = at + 1
                while nameEnd < inner && !isSpace(bytes[nameEnd]) { nameEnd += 1 }
                let name = localName(UnsafeBufferPointer(rebasing: bytes[(at + 1)..<nameEnd]))
                try handler.start(
                    XMLTag(
                        name: name, attributes: UnsafeBufferPointer(rebasing: bytes[nameEnd..<inner]),
                        selfClosing: selfClosing))
                if selfClosing { try handler.end(name) }
                at = end + 1
            }
        }
        return at
    }

    /// The `>` closing a tag, past quoted attribute values (which may hold `>`).
    private static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var quote: UInt8 = 0
        var at = start
        while at < bytes.count {
            let byte = bytes[at]
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return at
            }
            at += 1
        }
        return nil
    }

    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ text: StaticString) -> Bool {
        guard at + text.utf8CodeUnitCount <= bytes.count else { return false }
        return UnsafeBufferPointer(rebasing: bytes[at..<(at + text.utf8CodeUnitCount)]).elementsEqual(
            UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func find(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ text: StaticString) -> Int? {
        var at = start
        while at + text.utf8CodeUnitCount <= bytes.count {
            if starts(bytes, at, text) { return at }
            at += 1
        }
        return nil
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    static func localName(_ name: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let colon = name.lastIndex(of: UInt8(ascii: ":")) else { return name }
        return UnsafeBufferPointer(rebasing: name[(colon + 1)...])
    }

    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount
            && bytes.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Text with the predefined entities and character references expanded; an unknown entity
    /// is kept as written.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var at = 0
        while at < bytes.count {
            guard bytes[at] == UInt8(ascii: "&"),
                let semicolon = bytes[at..<min(bytes.count, at + 12)].firstIndex(of: UInt8(ascii: ";"))
            else {
                out.append(bytes[at])
                at += 1
                continue
            }
            let entity = String(decoding: UnsafeBufferPointer(rebasing: bytes[(at + 1)..<semicolon]), as: UTF8.self)
            let scalar: Unicode.Scalar? =
                switch entity {
                case "lt": "<"
                case "gt": ">"
                case "amp": "&"
                case "quot": "\""
                case "apos": "'"
                default:
                    entity.hasPrefix("#x") || entity.hasPrefix("#X")
                        ? UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                        : entity.hasPrefix("#") ? UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init) : nil
                }
            guard let scalar else {
                out.append(bytes[at])
                at += 1
                continue
            }
            out.append(contentsOf: String(Character(scalar)).utf8)
            at = semicolon + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
