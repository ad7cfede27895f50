import ComplaintCore
import Foundation

/// A structured header value with parameters: `Content-Type`, `Content-Disposition`.
///
/// `value` is lowercased (`text/plain`, `attachment`); parameter names are lowercased; parameter
/// values are decoded: RFC 2231 (`filename*=utf-8''%E6%8A%95`, `name*0*=`/`name*1*=` sections)
/// and, because Outlook and Foxmail write them, RFC 2047 words inside quoted values and raw 8-bit bytes.
public struct HeaderParameters: Sendable, Equatable {
    public var value: String
    public var parameters: [String: String]

    public subscript(_ name: String) -> String? { parameters[name] }

    /// RFC 5987's `attr-char`: what an extended parameter value (`filename*=UTF-8''…`) may hold
    /// unencoded.
    private static let attrChar = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")

    /// `text` as an extended parameter's value after `UTF-8''`: every byte of its UTF-8 that is not
    /// an `attr-char` as `%XX` (the reverse of what ``parse(_:)`` decodes).
    public static func extendedValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: attrChar) ?? text
    }

    private struct Section {
        var number: Int
        var extended: Bool
        var bytes: [UInt8]
    }

    public static func parse(_ raw: [UInt8]) -> HeaderParameters {
        var index = 0
        let main = token(raw, &index, stopAt: UInt8(ascii: ";"))
        var plain: [String: [UInt8]] = [:]
        var sections: [String: [Section]] = [:]
        while index < raw.count {
            guard raw[index] == UInt8(ascii: ";") else {
                index += 1
                continue
            }
            index += 1
            skipSpace(raw, &index)
            let nameStart = index
            while index < raw.count, raw[index] != UInt8(ascii: "="), raw[index] != UInt8(ascii: ";") { index += 1 }
            var name = String(decoding: raw[nameStart..<index], as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            guard index < raw.count, raw[index] == UInt8(ascii: "="), !name.isEmpty else { continue }
            index += 1
            skipSpace(raw, &index)
            let bytes = parameterValue(raw, &index)
            // name*, name*0, name*0*, name*1 ...
            var extended = false
            if name.hasSuffix("*") {
                extended = true
                name.removeLast()
            }
            if let star = name.lastIndex(of: "*"), let number = Int(name[name.index(after: star)...]) {
                let base = String(name[..<star])
                sections[base, default: []].append(Section(number: number, extended: extended, bytes: bytes))
            } else if extended {
                sections[name, default: []].append(Section(number: 0, extended: true, bytes: bytes))
            } else if plain[name] == nil {
                plain[name] = bytes
            }
        }
        var parameters: [String: String] = [:]
        for (name, bytes) in plain { parameters[name] = decodePlain(bytes) }
        // RFC 2231 sections win over a plain value of the same name (mailers send both for old readers).
        for (name, parts) in sections { parameters[name] = decodeSections(parts.sorted { $0.number < $1.number }) }
        return HeaderParameters(value: main.lowercased(), parameters: parameters)
    }

    private static func decodePlain(_ bytes: [UInt8]) -> String {
        EncodedWords.decode(bytes)
    }

    /// Joins sections in order; the first extended section may carry `charset'language'`.
    private static func decodeSections(_ parts: [Section]) -> String {
        var charset: String?
        var joined: [UInt8] = []
        for (position, part) in parts.enumerated() {
            guard part.extended else {
                joined += part.bytes
                continue
            }
            var bytes = part.bytes[...]
            if position == 0, let first = bytes.firstIndex(of: UInt8(ascii: "'")),
                let second = bytes[(first + 1)...].firstIndex(of: UInt8(ascii: "'"))
            {
                let label = String(decoding: bytes[..<first], as: UTF8.self)
                charset = label.isEmpty ? nil : label
                bytes = bytes[(second + 1)...]
            }
            joined += percentDecoded(bytes)
        }
        return CharsetDecoder.decode(joined, declared: charset).text
    }

    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = Bytes.hexValue(bytes[index + 1]), let low = Bytes.hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    private static func skipSpace(_ raw: [UInt8], _ index: inout Int) {
        while index < raw.count, Bytes.isWhitespace(raw[index]) { index += 1 }
    }

    private static func token(_ raw: [UInt8], _ index: inout Int, stopAt stop: UInt8) -> String {
        skipSpace(raw, &index)
        let start = index
        while index < raw.count, raw[index] != stop { index += 1 }
        var end = index
        while end > start, Bytes.isWhitespace(raw[end - 1]) { end -= 1 }
        return String(decoding: raw[start..<end], as: UTF8.self)
    }

    /// A quoted string (backslash escapes removed) or a token up to `;`.
    private static func parameterValue(_ raw: [UInt8], _ index: inout Int) -> [UInt8] {
        if index < raw.count, raw[index] == UInt8(ascii: "\"") {
            index += 1
            var output: [UInt8] = []
            while index < raw.count, raw[index] != UInt8(ascii: "\"") {
                if raw[index] == UInt8(ascii: "\\"), index + 1 < raw.count { index += 1 }
                output.append(raw[index])
                index += 1
            }
            if index < raw.count { index += 1 }  // the closing quote; an unclosed one runs to the end
            while index < raw.count, raw[index] != UInt8(ascii: ";") { index += 1 }
            return output
        }
        let start = index
        while index < raw.count, raw[index] != UInt8(ascii: ";") { index += 1 }
        var end = index
        while end > start, Bytes.isWhitespace(raw[end - 1]) { end -= 1 }
        return Array(raw[start..<end])
    }
}
