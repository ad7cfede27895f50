import ComplaintCore
import Foundation

/// The character encodings a call-log file may come in.
public enum CSVEncoding: String, Sendable, Hashable, CaseIterable {
    case utf8 = "utf-8"
    /// GB18030, a superset of GBK and GB2312: files labelled either are read as GB18030.
    case gb18030
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    /// What Excel on a Western Windows writes as "CSV (Comma delimited)": a US 311 export.
    /// Never detected (almost any bytes are valid in it); a profile names it, as `encoding` or
    /// as `fallback_encoding`.
    case windows1252 = "windows-1252"
    /// What Excel for Mac writes as "Comma Separated Values" (Mac Roman); named by a profile only.
    case macRoman = "macintosh"
    /// What Excel writes as "CSV (MS-DOS)" in Western Europe and the US (code page 850); named by a profile only.
    case ibm850

    /// The name iconv knows it by.
    var iconvName: String {
        switch self {
        case .utf8: "UTF-8"
        case .gb18030: "GB18030"
        case .utf16LE: "UTF-16LE"
        case .utf16BE: "UTF-16BE"
        case .windows1252: "WINDOWS-1252"
        case .macRoman: "MACINTOSH"
        case .ibm850: "IBM850"
        }
    }

    /// Reads a profile's `encoding:` value; `gbk`, `gb2312`, `cp936` mean GB18030.
    public init?(label: String) {
        switch label.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8", "utf-8-sig": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936", "windows-936": self = .gb18030
        case "utf-16le", "utf-16": self = .utf16LE
        case "utf-16be": self = .utf16BE
        // As WHATWG reads them: files labelled Latin-1 are windows-1252 in practice.
        case "windows-1252", "cp1252", "latin1", "latin-1", "iso-8859-1": self = .windows1252
        case "macintosh", "mac", "macroman", "mac-roman", "x-mac-roman": self = .macRoman
        case "ibm850", "cp850", "850", "dos-850": self = .ibm850
        default: return nil
        }
    }

    /// The name staff know it by, for messages (`UTF-8`, `GB18030`, `UTF-16LE`).
    public var label: String {
        switch self {
        case .windows1252: "Windows-1252"
        case .macRoman: "Mac Roman"
        case .ibm850: "IBM850 (MS-DOS)"
        default: iconvName
        }
    }

    /// The byte-order mark this encoding's files may start with.
    var byteOrderMark: [UInt8] {
        switch self {
        case .utf8: [0xEF, 0xBB, 0xBF]
        case .gb18030: [0x84, 0x31, 0x95, 0x33]
        case .utf16LE: [0xFF, 0xFE]
        case .utf16BE: [0xFE, 0xFF]
        case .windows1252, .macRoman, .ibm850: []
        }
    }

    /// The encoding a byte-order mark at the start of `prefix` names, and the mark's length.
    public static func fromByteOrderMark<Bytes: Collection>(_ prefix: Bytes) -> (CSVEncoding, Int)?
    where Bytes.Element == UInt8 {
        for encoding in [CSVEncoding.utf8, .gb18030, .utf16LE, .utf16BE]
        where prefix.starts(with: encoding.byteOrderMark) {
            return (encoding, encoding.byteOrderMark.count)
        }
        return nil
    }

    /// Detects a file's encoding: its byte-order mark, else UTF-8 when the file is strict UTF-8
    /// or UTF-8 with a little damage (a byte lost, cut mid-character: read as GB18030 it would be
    /// mojibake from its first row), else `fallback`: GB18030 (a Chinese Excel's "CSV") unless the
    /// profile names another (`fallback_encoding: windows-1252` for a US Excel's).
    /// - Parameters:
    ///   - prefix: The file's first bytes (at least 4 when the file has them).
    ///   - utf8: The whole file, run through a ``UTF8Validator``.
    public static func detect(prefix: [UInt8], utf8: UTF8Validator, fallback: CSVEncoding = .gb18030) -> CSVEncoding {
        if let (encoding, _) = fromByteOrderMark(prefix) { return encoding }
        return utf8.readsAsUTF8 ? .utf8 : fallback
    }
}
