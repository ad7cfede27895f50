import Foundation

/// Writes the rejected rows as a CSV staff can fix in Excel and upload again.
///
/// The file's own columns come first, then `line` and `reason`; it is written in the uploaded
/// file's encoding (with a byte-order mark when the upload had one, and always in UTF-8 and
/// UTF-16, so Excel opens it right)
/// and with its separator (Excel reads a UTF-16 file as tab-separated "Unicode Text").
/// Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
/// `'`; the importer drops that `'` again, so a fixed row reads exactly as it was sent. Digits a
/// spreadsheet would read as a number and change (a leading 0 dropped, an 11-digit mobile saved
/// as `1.38123E+10`, an 18-digit ticket id rounded to 15 digits) are written as Excel's text
/// formula `="057187654321"`, which Excel, WPS and LibreOffice keep as that text and the importer
/// reads back as it: the row sent back after fixing its date still has its caller's number.
public struct RejectedRowsWriter {
    private let encoder: Transcoder?
    private let columnCount: Int
    private let separator: UInt8
    private let euroAsByte80: Bool

    /// - Parameters:
    ///   - header: The uploaded file's header fields.
    ///   - encoding: The uploaded file's encoding.
    ///   - separator: The uploaded file's field separator.
    public init(header: [String], encoding: CSVEncoding, separator: UInt8 = UInt8(ascii: ",")) throws {
        encoder = encoding == .utf8 ? nil : try Transcoder.encoder(for: encoding)
        euroAsByte80 = encoding == .gb18030
        columnCount = header.count
        self.separator = separator
    }

    /// The header line (with the byte-order mark when `withByteOrderMark`), after Excel's
    /// `sep=;` directive when `directive` (the upload had one) and there is no mark: Excel reads
    /// the directive only in a file without one, and shows it as a row otherwise.
    public func headerLine(
        _ header: [String], withByteOrderMark: Bool, encoding: CSVEncoding, directive: Bool = false
    ) -> [UInt8] {
        var bytes = withByteOrderMark ? encoding.byteOrderMark : []
        if directive && !withByteOrderMark {
            bytes += encode("sep=" + String(UnicodeScalar(separator)) + "\r\n")
        }
        bytes += encode(Self.line(header + HotlineHeader.rejectsColumns, separator: separator))
        return bytes
    }

    /// One rejected row: its fields padded or cut to the header's width, then line (`place`, as the
    /// report keys it: `2月!5` when several worksheets were read) and reason.
    ///
    /// A row whose width was the problem keeps its fields as sent (only empty cells past the
    /// header's width are dropped): padding a short row would hide the missing field and make the
    /// row read shifted when sent back, and cutting a wide one would lose a value.
    public func row(_ rejection: HotlineRejection, place: String? = nil) -> [UInt8] {
        var fields: [String]
        if rejection.keepsShape {
            fields = rejection.fields
            while fields.count > columnCount, let last = fields.last,
                last.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\u{3000}" })
            {
                fields.removeLast()
            }
        } else {
            fields = Array(rejection.fields.prefix(columnCount))
            while fields.count < columnCount { fields.append("") }
        }
        fields.append(place ?? String(rejection.line))
        fields.append(rejection.reason)
        return encode(Self.line(fields, separator: separator))
    }

    private func encode(_ text: String) -> [UInt8] {
        guard let encoder else { return Array(text.utf8) }
        guard euroAsByte80, text.contains("€") else { return encoder.convert(Array(text.utf8)) }
        // GB18030 writes € as A2 E3, which Windows' code page 936 (what Excel and WPS on a Chinese
        // Windows read and write as "GBK") does not have: there it is the single byte 0x80.
        var bytes: [UInt8] = []
        for (index, piece) in text.split(separator: "€", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { bytes.append(0x80) }
            bytes += encoder.convert(Array(piece.utf8))
        }
        return bytes
    }

    /// One CRLF-terminated line, each field quoted when it needs to be and made formula-safe.
    static func line(_ fields: [String], separator: UInt8 = UInt8(ascii: ",")) -> String {
        var line = ""
        for (index, field) in fields.enumerated() {
            if index > 0 { line.unicodeScalars.append(Unicode.Scalar(separator)) }
            let written =
                Self.spreadsheetWouldChange(field)
                ? "=\"" + field + "\"" : FieldText.startsLikeFormula(field[...]) ? "'" + field : field
            line += quote(written, separator: separator)
        }
        return line + "\r\n"
    }

    /// Digits only, with a leading 0 or 11 or more of them.
    static func spreadsheetWouldChange(_ field: String) -> Bool {
        let digits = field.utf8
        guard (2...64).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
        return digits.first == UInt8(ascii: "0") || digits.count >= 11
    }

    static func quote(_ field: String, separator: UInt8 = UInt8(ascii: ",")) -> String {
        guard field.utf8.contains(where: { $0 == separator || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
