import Glibc

/// A text file read a piece at a time from an offset, as UTF-8: the pieces of a web page or an
/// XML spreadsheet, decoded from the file's character set when that is not UTF-8.
struct TextFileChunks {
    private let file: Int32
    private let fileSize: Int
    private let decoder: Transcoder?
    /// Where the next piece begins in the file.
    private(set) var offset: Int

    static let chunkSize = 256 << 10

    /// Reads `file` from `start` (past a byte-order mark) in `charset`, an iconv name.
    /// - Parameter unsupported: What the refusal says when `charset` is not one iconv knows.
    init(file: Int32, fileSize: Int, from start: Int, charset: String, unsupported: String) throws(WorkbookError) {
        self.file = file
        self.fileSize = fileSize
        offset = start
        if charset == "UTF-8" {
            decoder = nil
        } else {
            do {
                decoder = try Transcoder(from: charset, to: "UTF-8", replacement: [0xEF, 0xBF, 0xBD])
            } catch {
                throw .unsupported("\(unsupported) \"\(charset)\" is not one this reader knows")
            }
        }
    }

    var atEnd: Bool { offset >= fileSize }

    /// The next piece as UTF-8, empty at the end of the file.
    mutating func next() throws(WorkbookError) -> [UInt8] {
        guard offset < fileSize else { return [] }
        let chunk = try preadExactly(file, at: offset, count: min(Self.chunkSize, fileSize - offset))
        offset += chunk.count
        guard let decoder else { return chunk }
        var text: [UInt8] = []
        text.reserveCapacity(chunk.count + chunk.count / 2)
        chunk.withUnsafeBytes { decoder.convert($0, final: offset >= fileSize) { text.append(contentsOf: $0) } }
        return text
    }

    /// The iconv name for the character set a file declares where `text` begins, just after
    /// `charset=` in a web page's meta tag or `encoding=` in an XML declaration (quoted or not):
    /// GB2312 and GBK are read as GB18030, which holds them both. Nil when none is named.
    static func charset(declaredAt text: Substring) -> String? {
        let declared = text.drop { $0 == "\"" || $0 == "'" || $0 == " " }.prefix {
            $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_"
        }
        return switch declared.lowercased() {
        case "gb2312", "gbk", "gb18030", "x-gbk", "cp936": "GB18030"
        case "utf-8", "utf8": "UTF-8"
        case "big5": "BIG5"
        case "": nil
        default: declared.uppercased()
        }
    }
}
