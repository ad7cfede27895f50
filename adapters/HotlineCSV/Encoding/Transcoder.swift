import Glibc

/// A streaming charset converter over glibc's iconv: GB18030 (GBK, GB2312) and UTF-16 to UTF-8 and back.
///
/// Chunks may cut a multi-byte character anywhere: the cut-off bytes (`EINVAL`) wait for the
/// next chunk. Bytes that are not valid in the source charset (`EILSEQ`) become U+FFFD and are
/// counted; the uploaded file itself is kept unchanged, so nothing is lost. One exception: read
/// from GB18030, the byte 0x80 is €, as Windows' code page 936 (what Excel and WPS on a Chinese
/// Windows write as "GBK") and the WHATWG decoders have it; GB18030 itself leaves it unassigned.
public final class Transcoder {
    private let handle: iconv_t
    private let replacement: [UInt8]
    /// Reading GB18030: 0x80 is the euro sign of code page 936.
    private let readsEuroByte: Bool
    private var leftover: [UInt8] = []
    private var output: [UInt8]
    /// How many invalid byte sequences were replaced.
    public private(set) var replacements = 0

    /// Opens a converter.
    /// - Throws: ``TranscoderError`` when iconv does not know one of the charsets.
    public init(from source: String, to target: String, replacement: [UInt8]) throws {
        let handle = iconv_open(target, source)
        guard let handle, handle != iconv_t(bitPattern: -1) else {
            throw TranscoderError(message: "cannot convert from \(source) to \(target): iconv does not know it")
        }
        self.handle = handle
        self.replacement = replacement
        readsEuroByte = source.uppercased() == "GB18030"
        self.output = [UInt8](repeating: 0, count: 1 << 16)
    }

    private static let euroSign: [UInt8] = [0xE2, 0x82, 0xAC]

    /// A converter from `encoding` to UTF-8.
    public static func decoder(for encoding: CSVEncoding) throws -> Transcoder {
        try Transcoder(from: encoding.iconvName, to: "UTF-8", replacement: [0xEF, 0xBF, 0xBD])
    }

    /// A converter from UTF-8 to `encoding` (`?` stands for what it cannot hold).
    public static func encoder(for encoding: CSVEncoding) throws -> Transcoder {
        try Transcoder(from: "UTF-8", to: encoding.iconvName, replacement: [UInt8(ascii: "?")])
    }

    deinit { iconv_close(handle) }

    /// Converts the next chunk, passing the converted bytes (possibly in several pieces) to `sink`.
    /// - Parameter final: true for the last chunk: cut-off bytes left at its end are replaced.
    public func convert(
        _ input: UnsafeRawBufferPointer, final: Bool = false, _ sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        if leftover.isEmpty {
            convertContiguous(input, final: final, sink)
        } else {
            // Only the few cut-off bytes are prepended: copy them with the start of the chunk.
            var joined = leftover
            leftover.removeAll()
            joined.append(contentsOf: input)
            joined.withUnsafeBytes { convertContiguous($0, final: final, sink) }
        }
    }

    /// Converts a whole string's UTF-8 in one call (for short texts such as a rejected row).
    public func convert(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        bytes.withUnsafeBytes { convert($0, final: true) { result.append(contentsOf: $0) } }
        return result
    }

    private func convertContiguous(
        _ input: UnsafeRawBufferPointer, final: Bool, _ sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        guard let base = input.baseAddress else {
            if final { flushLeftover(sink) }
            return
        }
        var inPointer = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        let outCapacity = output.count
        output.withUnsafeMutableBytes { outBuffer in
            let outBase = outBuffer.baseAddress!.assumingMemoryBound(to: CChar.self)
            while inLeft > 0 {
                var outPointer: UnsafeMutablePointer<CChar>? = outBase
                var outLeft = outCapacity
                var inOptional: UnsafeMutablePointer<CChar>? = inPointer
                let result = iconv(handle, &inOptional, &inLeft, &outPointer, &outLeft)
                let failure = result == -1 ? errno : 0
                inPointer = inOptional!
                let produced = outCapacity - outLeft
                if produced > 0 {
                    sink(
                        UnsafeBufferPointer(
                            start: outBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: produced))
                }
                switch failure {
                case 0, E2BIG:
                    continue
                case EILSEQ:
                    if readsEuroByte && UInt8(bitPattern: inPointer.pointee) == 0x80 {
                        Self.euroSign.withUnsafeBufferPointer { sink($0) }
                    } else {
                        replacements += 1
                        replacement.withUnsafeBufferPointer { sink($0) }
                    }
                    inPointer += 1
                    inLeft -= 1
                case EINVAL:
                    leftover = Array(UnsafeRawBufferPointer(start: inPointer, count: inLeft))
                    inLeft = 0
                default:
                    replacements += 1
                    replacement.withUnsafeBufferPointer { sink($0) }
                    inPointer += 1
                    inLeft -= 1
                }
            }
        }
        if final { flushLeftover(sink) }
    }

    private func flushLeftover(_ sink: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !leftover.isEmpty else { return }
        leftover.removeAll()
        replacements += 1
        replacement.withUnsafeBufferPointer { sink($0) }
    }
}

/// iconv does not know a charset.
public struct TranscoderError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
