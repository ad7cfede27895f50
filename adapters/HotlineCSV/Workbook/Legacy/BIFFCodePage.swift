/// The text of an Excel 5.0/95 workbook (BIFF5): one or two bytes per character in the code
/// page its CODEPAGE record names (936 on a Chinese Windows, which is GBK), not Unicode as in
/// BIFF8. Read here as iconv knows each code page.
enum BIFFCodePage {
    /// iconv's name for Windows code page `number`; Western (1252) for one not listed.
    static func iconvName(_ number: Int) -> String {
        switch number {
        case 936: "GB18030"  // GBK, read as its superset, as a GBK CSV is
        case 950: "BIG5"
        case 932: "CP932"
        case 949: "CP949"
        case 874, 1250, 1251, 1253, 1254, 1255, 1256, 1257, 1258: "CP\(number)"
        case 437, 850, 852, 855, 857, 860, 861, 862, 863, 864, 865, 866, 869: "IBM\(number)"
        case 367: "ASCII"
        case 10000, 32768: "MACINTOSH"
        default: "CP1252"
        }
    }

    /// A converter from code page `number` to UTF-8, its unknown bytes made U+FFFD.
    static func decoder(_ number: Int) throws(WorkbookError) -> Transcoder {
        do {
            return try Transcoder(from: iconvName(number), to: "UTF-8", replacement: [0xEF, 0xBF, 0xBD])
        } catch {
            return try decoder(1252)
        }
    }
}
