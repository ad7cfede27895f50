import ComplaintCore

/// One accepted way of writing a call time, compiled from a pattern such as `yyyy/M/d H:mm[:ss]`.
///
/// Pattern letters: `yyyy` year, `yy` a two-digit year of this century (LibreOffice's default
/// `MM/DD/YY HH:MM AM/PM` writes `11/03/26 03:15 PM`); `M`/`d`/`H` one or two digits, `MM`/`dd`/`HH` exactly two;
/// `h`/`hh` a 12-hour clock's hour (1–12) with `a` its AM/PM marker (`AM`, `pm`, `A.M.`, `上午`,
/// `下午`, any case), as US Excel and 311 exports write them; `mm` minutes and `ss` seconds, two
/// digits; `S` a fraction of a second (one or more digits, read and dropped: database exports
/// write `08:15:02.000`); `[…]` an optional part; a space matches one or more spaces; anything else (`/`, `-`,
/// `T`, `年`, `时`…) matches itself. Matching works on the
/// field's UTF-8 bytes with no Foundation formatter, so a million rows parse in milliseconds.
public struct CallTimeFormat: Sendable, Hashable {
    /// The pattern as written in the profile.
    public let pattern: String
    private let tokens: [Token]

    indirect enum Token: Sendable, Hashable {
        case number(Component, minDigits: Int, maxDigits: Int)
        case literal([UInt8])
        case space
        case optional([Token])
        case meridiem
    }

    enum Component: Sendable, Hashable { case year, shortYear, month, day, hour, hour12, minute, second, fraction }

    /// Compiles `pattern`; nil with a reason when it is not a valid pattern.
    public static func compile(_ pattern: String) -> Result<CallTimeFormat, CallTimeFormatError> {
        var scalars = Array(pattern.unicodeScalars)[...]
        // Every foreign letter at once: `YYYY-MM-DD hh:mm` has three mistakes, and fixing them
        // one check at a time would take three rounds.
        var mistakes: [String] = []
        for scalar in scalars where !"yMdHhmsSaT".unicodeScalars.contains(scalar) {
            if let mistake = foreignPatternMistake(scalar), !mistakes.contains(mistake) { mistakes.append(mistake) }
        }
        if !mistakes.isEmpty {
            if scalars.contains("h") && !scalars.contains("a") {
                mistakes.append("h is the hour of a 12-hour clock and needs a (AM/PM): a 24-hour hour is H")
            }
            return .failure(CallTimeFormatError(message: mistakes.joined(separator: "; ")))
        }
        do {
            let tokens = try parse(&scalars, nested: false)
            let components = Set(
                flatten(tokens).compactMap { token -> Component? in
                    if case .number(let component, _, _) = token { return component == .shortYear ? .year : component }
                    return nil
                })
            let hasMeridiem = flatten(tokens).contains(.meridiem)
            for needed in [Component.year, .month, .day, .minute] where !components.contains(needed) {
                throw CallTimeFormatError(message: "pattern \"\(pattern)\" has no \(needed) (yyyy, M, d, H, mm)")
            }
            if components.contains(.hour12) != hasMeridiem {
                throw CallTimeFormatError(
                    message: "pattern \"\(pattern)\" needs both h (12-hour clock) and a (AM/PM), or H alone")
            }
            if !components.contains(.hour) && !components.contains(.hour12) {
                throw CallTimeFormatError(message: "pattern \"\(pattern)\" has no hour (H, or h with a)")
            }
            return .success(CallTimeFormat(pattern: pattern, tokens: tokens))
        } catch let error as CallTimeFormatError {
            return .failure(error)
        } catch {
            return .failure(CallTimeFormatError(message: "\(error)"))
        }
    }

    private static func flatten(_ tokens: [Token]) -> [Token] {
        tokens.flatMap { token -> [Token] in
            if case .optional(let inner) = token { return flatten(inner) }
            return [token]
        }
    }

    private static func parse(_ scalars: inout ArraySlice<Unicode.Scalar>, nested: Bool) throws -> [Token] {
        var tokens: [Token] = []
        while let scalar = scalars.first {
            scalars.removeFirst()
            switch scalar {
            case "[":
                tokens.append(.optional(try parse(&scalars, nested: true)))
            case "]":
                guard nested else { throw CallTimeFormatError(message: "unbalanced ] in pattern") }
                return tokens
            case "a":
                tokens.append(.meridiem)
            case "y", "M", "d", "H", "h", "m", "s", "S":
                var run = 1
                while scalars.first == scalar {
                    scalars.removeFirst()
                    run += 1
                }
                tokens.append(try number(scalar, run: run))
            case " ":
                while scalars.first == " " { scalars.removeFirst() }
                tokens.append(.space)
            case "T":
                tokens.append(.literal(Array(String(scalar).utf8)))
            default:
                if let mistake = foreignPatternMistake(scalar) { throw CallTimeFormatError(message: mistake) }
                tokens.append(.literal(Array(String(scalar).utf8)))
            }
        }
        if nested { throw CallTimeFormatError(message: "unclosed [ in pattern") }
        return tokens
    }

    /// Java, .NET and Excel patterns put letters this language does not have (`YYYY`, `DD`, `zzz`)
    /// and quotes (`'T'`) in a pattern. Taken as literal text they would make a pattern that
    /// passes the check and matches no call time, rejecting every row; so an ASCII letter other
    /// than `T`, and a quote, is refused with what to write instead.
    private static func foreignPatternMistake(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "'", "\"":
            return "quotes are not part of a pattern: write T and other text as it is (yyyy-MM-ddTHH:mm:ss)"
        case "Y": return "\"Y\" is not a pattern letter: the year is yyyy (or yy)"
        case "D": return "\"D\" is not a pattern letter: the day is d or dd"
        case "z", "Z", "X", "x", "O", "V":
            return "\"\(scalar)\" (a time zone) is not a pattern letter: the profile's time_zone gives the zone, "
                + "and a +08:00 or Z written after the time is read by itself"
        case "E", "e": return "\"\(scalar)\" (a weekday name) is not a pattern letter: leave the weekday out"
        case "f", "F": return "\"\(scalar)\" is not a pattern letter: a fraction of a second is S"
        case "t", "A", "P":
            return "\"\(scalar)\" is not a pattern letter: AM/PM (and 上午/下午) is a, with h for the hour"
        default:
            guard scalar.isASCII, scalar.properties.isAlphabetic else { return nil }
            return "\"\(scalar)\" is not a pattern letter (use yyyy, yy, M, MM, d, dd, H, HH, h, hh, a, mm, ss, S; "
                + "T stands for itself)"
        }
    }

    private static func number(_ letter: Unicode.Scalar, run: Int) throws -> Token {
        switch (letter, run) {
        case ("y", 4): return .number(.year, minDigits: 4, maxDigits: 4)
        case ("y", 2): return .number(.shortYear, minDigits: 2, maxDigits: 2)
        case ("M", 1): return .number(.month, minDigits: 1, maxDigits: 2)
        case ("M", 2): return .number(.month, minDigits: 2, maxDigits: 2)
        case ("d", 1): return .number(.day, minDigits: 1, maxDigits: 2)
        case ("d", 2): return .number(.day, minDigits: 2, maxDigits: 2)
        case ("H", 1): return .number(.hour, minDigits: 1, maxDigits: 2)
        case ("H", 2): return .number(.hour, minDigits: 2, maxDigits: 2)
        case ("h", 1): return .number(.hour12, minDigits: 1, maxDigits: 2)
        case ("h", 2): return .number(.hour12, minDigits: 2, maxDigits: 2)
        case ("m", 2): return .number(.minute, minDigits: 2, maxDigits: 2)
        case ("s", 2): return .number(.second, minDigits: 2, maxDigits: 2)
        case ("S", _): return .number(.fraction, minDigits: 1, maxDigits: 9)
        default:
            throw CallTimeFormatError(
                message: "\"\(String(repeating: String(letter), count: run))\" is not a pattern letter "
                    + "(use yyyy, yy, M, MM, d, dd, H, HH, h, hh, a, mm, ss, S)")
        }
    }

    /// Local wall-clock fields read from a call time.
    public struct LocalTime: Sendable, Hashable {
        public var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        /// Set by a 12-hour pattern while matching: the clock's hour and whether it is PM.
        var hour12: Int?
        var isPM = false
    }

    /// Reads `bytes` (already trimmed) with this format; nil unless the whole text matches and the fields are in range.
    public func match(_ bytes: UnsafeBufferPointer<UInt8>) -> LocalTime? {
        var time = LocalTime()
        var index = 0
        guard Self.match(tokens[...], bytes, &index, &time), index == bytes.count else { return nil }
        if let hour12 = time.hour12 {
            // Some call-centre systems write the first hour after midnight as 上午 00:15 (Excel
            // writes 上午 12:15): the same time. 下午 00:15 is no time.
            guard (1...12).contains(hour12) || (hour12 == 0 && !time.isPM) else { return nil }
            time.hour = hour12 % 12 + (time.isPM ? 12 : 0)
            time.hour12 = nil
            time.isPM = false
        }
        guard (1...12).contains(time.month), time.day >= 1,
            time.day <= CivilCalendar.daysInMonth(year: time.year, month: time.month),
            time.hour <= 23, time.minute <= 59, time.second <= 59
        else { return nil }
        return time
    }

    private static func match(
        _ tokens: ArraySlice<Token>, _ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, _ time: inout LocalTime
    ) -> Bool {
        for token in tokens {
            switch token {
            case .literal(let literal):
                guard index + literal.count <= bytes.count else { return false }
                for (offset, byte) in literal.enumerated() where bytes[index + offset] != byte { return false }
                index += literal.count
            case .space:
                guard index < bytes.count, bytes[index] == 0x20 else { return false }
                while index < bytes.count && bytes[index] == 0x20 { index += 1 }
            case .number(let component, let minDigits, let maxDigits):
                var value = 0
                var digits = 0
                while digits < maxDigits, index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                    value = value * 10 + Int(bytes[index] - 0x30)
                    digits += 1
                    index += 1
                }
                guard digits >= minDigits else { return false }
                switch component {
                case .year: time.year = value
                case .shortYear: time.year = 2000 + value
                case .month: time.month = value
                case .day: time.day = value
                case .hour: time.hour = value
                case .hour12: time.hour12 = value
                case .minute: time.minute = value
                case .second: time.second = value
                case .fraction: break
                }
            case .meridiem:
                guard let (isPM, length) = meridiem(bytes, from: index) else { return false }
                time.isPM = isPM
                index += length
            case .optional(let inner):
                var attempt = index
                var attemptTime = time
                if match(inner[...], bytes, &attempt, &attemptTime) {
                    index = attempt
                    time = attemptTime
                }
            }
        }
        return true
    }
}

extension CallTimeFormat {
    private static let markers: [(text: [UInt8], isPM: Bool)] = [
        (Array("上午".utf8), false), (Array("下午".utf8), true), (Array("a.m.".utf8), false), (Array("p.m.".utf8), true),
        (Array("am".utf8), false), (Array("pm".utf8), true),
    ]

    /// The AM/PM marker at `index`: whether it is PM and its length in bytes.
    fileprivate static func meridiem(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> (Bool, Int)? {
        for marker in markers where index + marker.text.count <= bytes.count {
            var matches = true
            for (offset, expected) in marker.text.enumerated() {
                let byte = bytes[index + offset]
                // ASCII letters in either case; the Chinese markers' bytes are all above 0x7F.
                let folded = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                if folded != expected {
                    matches = false
                    break
                }
            }
            if matches { return (marker.isPM, marker.text.count) }
        }
        return nil
    }
}

/// A call-time pattern in a profile is not valid.
public struct CallTimeFormatError: Error, Sendable, Hashable {
    public var message: String
}
