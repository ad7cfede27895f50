/// Recognises a file that is not text at all by its first bytes: staff upload the workbook
/// itself, or an "Excel export" that is really a web page, as often as its CSV.
///
/// Read as CSV such a file fails on its header with a line of binary noise; named for what it
/// is, the person uploading knows to save it as CSV first.
public enum NotCSVSignature {
    /// What the file is, when its first bytes say it is not CSV.
    public static func kind(of prefix: [UInt8]) -> String? {
        if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            // An OpenDocument file stores its media type first, uncompressed.
            if contains(prefix, "application/vnd.oasis.opendocument.spreadsheet") {
                return "a LibreOffice or WPS spreadsheet (.ods)"
            }
            return "an Excel workbook (.xlsx) or another zipped document"
        }
        if prefix.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            // Excel also saves a workbook with a password in this container, encrypted.
            return "an Excel 97–2003 workbook (.xls) or another Office 97–2003 document (.doc), or a workbook "
                + "saved with a password"
        }
        // A call recording picked from the same folder as the call log.
        let mpegFrame = prefix.count >= 2 && prefix[0] == 0xFF && [0xFB, 0xF3, 0xF2].contains(prefix[1])
        let wave =
            prefix.starts(with: Array("RIFF".utf8)) && prefix.count >= 12 && prefix[8..<12].elementsEqual("WAVE".utf8)
        if prefix.starts(with: Array("ID3".utf8)) || mpegFrame || wave || prefix.starts(with: Array("#!AMR".utf8)) {
            return "an audio recording (MP3, WAV or AMR)"
        }
        if prefix.starts(with: Array("%PDF".utf8)) { return "a PDF document" }
        // Gnumeric saves its workbooks gzipped; a .csv.gz is the same bytes.
        if prefix.starts(with: [0x1F, 0x8B]) { return "a compressed (gzip) file, such as a Gnumeric workbook" }
        if prefix.starts(with: Array("Rar!".utf8)) || prefix.starts(with: [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
            return "a compressed archive (.rar or .7z)"
        }
        // A screenshot of the spreadsheet, or a scan of the paper log, picked by mistake.
        if prefix.starts(with: [0x89, 0x50, 0x4E, 0x47]) || prefix.starts(with: [0xFF, 0xD8, 0xFF])
            || prefix.starts(with: Array("GIF8".utf8))
            || prefix.starts(with: Array("BM".utf8)) && prefix.count > 14
                && prefix[6...9].allSatisfy({ $0 == 0 })
        {
            return "a picture (PNG, JPEG, GIF or BMP)"
        }
        let text = prefix.starts(with: [0xEF, 0xBB, 0xBF]) ? prefix.dropFirst(3) : prefix[...]
        // A CSV never starts with "<". Web pages with a table and XML spreadsheets are read as
        // workbooks before this is asked: what is left is other markup.
        if text.first == UInt8(ascii: "<"), contains(prefix, "<office:document") {
            return "a LibreOffice flat XML spreadsheet (.fods)"
        }
        if text.first == UInt8(ascii: "<") {
            return "a web page or XML file (an \"Excel\" export that is really HTML or XML)"
        }
        return nil
    }

    /// The refusal for a file that is `kind`, saying how the program that made it saves CSV.
    public static func message(_ kind: String) -> String {
        if kind.contains("LibreOffice") {
            return "the file is \(kind), not CSV: open it in LibreOffice, choose File → Save As, file type "
                + "\"Excel 2007-365 (.xlsx)\" or \"Text CSV (.csv)\" (character set Unicode (UTF-8)), and upload that file"
        }
        return
            "the file is \(kind), not CSV: open it in Excel or WPS (without a password), save it as \"Excel 工作簿 (.xlsx)\", "
            + "\"CSV UTF-8\" or \"CSV (逗号分隔)\", and upload that file"
    }

    private static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
