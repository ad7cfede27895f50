import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decodes a CSV rule table: UTF-8 (with or without BOM), else GBK/GB18030 as Excel saves it in China.
enum TableText {
    /// The text, or nil when the bytes are neither valid UTF-8 nor valid GB18030.
    static func decode(_ data: Data) -> (text: String, encoding: String)? {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, "UTF-8") }
        return gb18030(bytes).map { ($0, "GB18030") }
    }

    /// GB18030 (a superset of GBK and GB2312) through the C library's iconv.
    private static func gb18030(_ bytes: [UInt8]) -> String? {
        guard let converter = iconv_open("UTF-8", "GB18030"), Int(bitPattern: converter) != -1 else { return nil }
        defer { iconv_close(converter) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 2 + 4)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress
                var outLeft = outBuffer.count
                // Invalid (EILSEQ) or truncated (EINVAL) input: not this encoding either.
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else {
                    return nil
                }
                return outBuffer.count - outLeft
            }
        }
        guard let produced else { return nil }
        return String(decoding: output[..<produced].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
