import ComplaintCore

/// One accepted way of writing a call time, compiled from a pattern such as `yyyy/M/d H:mm[:ss]`.
///
/// Pattern letters: `yyyy` year; `M`/`d`/`H` one or two digits, `MM`/`dd`/`HH` exactly two;
/// `mm` minutes and `ss` seconds, two digits; `[…]` an optional part; a space matches one or
/// more spaces; anything else (`/`, `-`, `T`, `年`, `时`…) matches itself. Matching works on the
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
    }

    enum Component: Sendable, Hashable { case year, month, day, hour, minute, second }

    /// Compiles `pattern`; nil with a reason when it is not a valid pattern.
    public static func compile(_ pattern: String) -> Result<CallTimeFormat, CallTimeFormatError> {
        var scalars = Array(pattern.unicodeScalars)[...]
        do {
            let tokens = try parse(&scalars, nested: false)
            let components = Set(
                flatten(tokens).compactMap { token -> Component? in
                    if case .number(let component, _, _) = token { return component }
                    return nil
                })
            for needed in [Component.year, .month, .day, .hour, .minute] where !components.contains(needed) {
                throw CallTimeFormatError(message: "pattern \"\(pattern)\" has no \(needed) (yyyy, M, d, H, mm)")
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
            case "y", "M", "d", "H", "m", "s":
                var run = 1
                while scalars.first == scalar {
                    scalars.removeFirst()
                    run += 1
                }
                tokens.append(try number(scalar, run: run))
            case " ":
                while scalars.first == " " { scalars.removeFirst() }
                tokens.append(.space)
            default:
                tokens.append(.literal(Array(String(scalar).utf8)))
            }
        }
        if nested { throw CallTimeFormatError(message: "unclosed [ in pattern") }
        return tokens
    }

    private static func number(_ letter: Unicode.Scalar, run: Int) throws -> Token {
        switch (letter, run) {
        case ("y", 4): return .number(.year, minDigits: 4, maxDigits: 4)
        case ("M", 1): return .number(.month, minDigits: 1, maxDigits: 2)
        case ("M", 2): return .number(.month, minDigits: 2, maxDigits: 2)
        case ("d", 1): return .number(.day, minDigits: 1, maxDigits: 2)
        case ("d", 2): return .number(.day, minDigits: 2, maxDigits: 2)
        case ("H", 1): return .number(.hour, minDigits: 1, maxDigits: 2)
        case ("H", 2): return .number(.hour, minDigits: 2, maxDigits: 2)
        case ("m", 2): return .number(.minute, minDigits: 2, maxDigits: 2)
        case ("s", 2): return .number(.second, minDigits: 2, maxDigits: 2)
        default:
            throw CallTimeFormatError(
                message: "\"\(String(repeating: String(letter), count: run))\" is not a pattern letter "
                    + "(use yyyy, M, MM, d, dd, H, HH, mm, ss)")
        }
    }

    /// Local wall-clock fields read from a call time.
    public struct LocalTime: Sendable, Hashable {
        public var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
    }

    /// Reads `bytes` (already trimmed) with this format; nil unless the whole text matches and the fields are in range.
    public func match(_ bytes: UnsafeBufferPointer<UInt8>) -> LocalTime? {
        var time = LocalTime()
        var index = 0
        guard Self.match(tokens[...], bytes, &index, &time), index == bytes.count else { return nil }
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
                case .month: time.month = value
                case .day: time.day = value
                case .hour: time.hour = value
                case .minute: time.minute = value
                case .second: time.second = value
                }
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

/// A call-time pattern in a profile is not valid.
public struct CallTimeFormatError: Error, Sendable, Hashable {
    public var message: String
}
