import ComplaintCore
import Foundation

/// Decodes a CSV rule table: UTF-8 (with or without BOM), else GBK/GB18030 as Excel saves it in China.
enum TableText {
    /// The text, or nil when the bytes are neither valid UTF-8 nor valid GB18030.
    static func decode(_ data: Data) -> (text: String, encoding: String)? {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, "UTF-8") }
        // Strictly: a table in neither encoding is refused rather than read with replacement characters.
        return CharsetDecoder.decodeStrictly(bytes, as: "gb18030").map { ($0, "GB18030") }
    }
}
