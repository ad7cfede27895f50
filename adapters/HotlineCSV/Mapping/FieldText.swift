/// Small helpers on field text shared by the reader and the rejected-rows writer.
enum FieldText {
    /// Characters a spreadsheet reads as the start of a formula.
    static func startsLikeFormula(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        return first == "=" || first == "+" || first == "-" || first == "@" || first == "\t" || first == "\r"
    }

    /// Undoes the `'` the rejected-rows file puts before formula-like text, so a fixed row reads as sent.
    static func unescapeFormula(_ text: String) -> String {
        guard text.hasPrefix("'"), startsLikeFormula(text.dropFirst()) else { return text }
        return String(text.dropFirst())
    }

    /// A database export's marker for a missing value, which is no value: `\N` (MySQL's
    /// `SELECT … INTO OUTFILE` and `mysqldump --tab`, PostgreSQL's `COPY` text format) and `NULL`
    /// (SQL Server Management Studio's "Save Results As"). Taken as written, a withheld number
    /// would be an invalid phone and `NULL` a caller's name. Scripts write theirs: R's `write.csv`
    /// `NA`, pandas `nan`, `NaN`, `NaT`, `None` and `<NA>` (a column turned to text).
    static func isDatabaseNull(_ text: String) -> Bool {
        let utf8 = text.utf8
        switch utf8.count {
        case 2: return (utf8.first == UInt8(ascii: "\\") && utf8.last == UInt8(ascii: "N")) || text == "NA"
        case 3: return text == "nan" || text == "NaN" || text == "NaT"
        case 4: return text == "NULL" || text == "None" || text == "<NA>"
        default: return false
        }
    }

    /// The error value a spreadsheet writes for a formula that failed (`#N/A`, `#NAME?`,
    /// `#VALUE!`, …; LibreOffice's `Err:502`): no value a caller gave, so never a complaint's text.
    static func spreadsheetError(_ text: String) -> String? {
        guard let first = text.utf8.first, first == UInt8(ascii: "#") || first == UInt8(ascii: "E"),
            text.utf8.count <= 14
        else { return nil }
        if spreadsheetErrors.contains(text.uppercased()) { return text }
        let digits = text.utf8.dropFirst(4)
        if text.hasPrefix("Err:"), (3...4).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }) {
            return text
        }
        return nil
    }

    private static let spreadsheetErrors: Set<String> = [
        "#N/A", "#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#FIELD!",
        "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#GETTING_DATA",
    ]

    /// The text inside `="…"`: exports write ids and phone numbers as that formula so Excel
    /// keeps their leading zeros (`="0571…"`); the formula is a wrapper, its text is the value.
    static func unwrapExcelText(_ text: String) -> String {
        let utf8 = text.utf8
        // Checked byte by byte: this runs on every field of every row.
        guard utf8.first == UInt8(ascii: "="), utf8.count >= 3, utf8.dropFirst().first == UInt8(ascii: "\""),
            utf8.last == UInt8(ascii: "\"")
        else { return text }
        let inner = text.dropFirst(2).dropLast()
        // Inside the formula's string a quote is written twice; a lone one means it is not one string.
        var unquoted = ""
        var pendingQuote = false
        for character in inner {
            if pendingQuote {
                guard character == "\"" else { return text }
                unquoted.append("\"")
                pendingQuote = false
            } else if character == "\"" {
                pendingQuote = true
            } else {
                unquoted.append(character)
            }
        }
        return pendingQuote ? text : unquoted
    }

    /// A long number a spreadsheet held as a number and wrote out in full: it keeps 15 significant
    /// digits, so from the 16th on every digit is 0 (`330100202611030006` becomes
    /// `330100202611030000`). Told apart from a real id only from 18 digits on (three zeros: one
    /// real id in a thousand ends so), where two calls would otherwise share one id.
    static func isSpreadsheetRoundedNumber(_ text: String) -> Bool {
        let bytes = text.utf8
        guard bytes.count >= 18, bytes.allSatisfy({ (0x30...0x39).contains($0) }), bytes.first != 0x30 else {
            return false
        }
        return bytes.dropFirst(15).allSatisfy { $0 == 0x30 }
    }

    /// `text` with no-break, ideographic and other Unicode spaces as plain spaces and zero-width
    /// and direction marks dropped: a time or a number pasted from a web page, an OA system or a
    /// phone's contacts (Windows wraps numbers in U+202A…U+202C) carries them, invisible.
    static func plainSpaces(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0xC2 }) else { return text }
        var scalars = String.UnicodeScalarView()
        var changed = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x200B...0x200F, 0x202A...0x202E, 0x2060, 0x2066...0x2069, 0xFEFF:
                changed = true
            case 0x00A0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
                scalars.append(" ")
                changed = true
            default:
                scalars.append(scalar)
            }
        }
        return changed ? String(scalars) : text
    }

    /// A whole number as a spreadsheet may show one: `1234`; with thousands separators in groups
    /// of three (`1,234`, and in a European locale `1.234.567`, `1 234` with a space, no-break or
    /// narrow no-break space); with a fraction of zeros from a number format (`95.0`, `95,0`,
    /// `1.234,0`, `1,234.00`). `1.234` alone stays nil: it may be a decimal, and a value 1000
    /// times too large is worse than a row to fix.
    static func wholeNumber(_ text: String) -> Int? {
        if let number = Int(text) { return number }
        var runs: [Substring] = []
        var separators: [Character] = []
        var start = text.startIndex
        for index in text.indices where !text[index].isASCII || !("0"..."9").contains(text[index]) {
            guard groupingCharacters.contains(text[index]), index > start else { return nil }
            runs.append(text[start..<index])
            separators.append(text[index])
            start = text.index(after: index)
        }
        guard start < text.endIndex, !runs.isEmpty else { return nil }
        runs.append(text[start...])
        // The last separator marks decimals when it is a point or comma unlike the others, or the
        // only one and not followed by exactly three digits.
        var hasDecimals = false
        if let last = separators.last, last == "." || last == ",",
            separators.dropLast().allSatisfy({ $0 != last }) && (separators.count > 1 || runs.last!.count != 3)
        {
            guard runs.last!.allSatisfy({ $0 == "0" }) else { return nil }
            runs.removeLast()
            separators.removeLast()
            hasDecimals = true
        }
        let grouping = separators.first
        guard separators.allSatisfy({ $0 == grouping }), runs.count == 1 || (1...3).contains(runs[0].count),
            runs.dropFirst().allSatisfy({ $0.count == 3 }),
            hasDecimals || !(grouping == "." && separators.count == 1)
        else { return nil }
        return Int(runs.joined())
    }

    /// What separates digit groups or decimals in a number a spreadsheet shows.
    private static let groupingCharacters: Set<Character> = [",", ".", " ", "\u{00A0}", "\u{202F}", "\u{2009}"]

    /// A call time as the patterns read it: spaces made plain (``plainSpaces(_:)``), full-width
    /// digits and punctuation typed with a Chinese input method (`８：１５`) as ASCII, and a
    /// `yyyyMMddHHmmss` a script wrote as a float (`20261103081502.0`) without its fraction.
    static func callTimeText(_ text: String) -> String {
        let plain = plainSpaces(text)
        guard plain.utf8.contains(0xEF) else { return droppingFloatZero(plain) }
        var scalars = String.UnicodeScalarView()
        for scalar in plain.unicodeScalars {
            if (0xFF01...0xFF5E).contains(scalar.value), let ascii = Unicode.Scalar(scalar.value - 0xFEE0) {
                scalars.append(ascii)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// A whole number written with a fraction of zeros: pandas writes an integer column that has
    /// a blank cell as floats (`20261103001.0`, `13812345678.0`), a number format with decimals
    /// shows `.00`. The digits are all there; the fraction is not part of the id or the number.
    /// Anything else is returned unchanged.
    static func droppingFloatZero(_ text: String) -> String {
        let bytes = text.utf8
        guard bytes.last == UInt8(ascii: "0"), let point = bytes.lastIndex(of: UInt8(ascii: ".")),
            point != bytes.startIndex, bytes[bytes.index(after: point)...].allSatisfy({ $0 == UInt8(ascii: "0") }),
            bytes[..<point].allSatisfy({ (0x30...0x39).contains($0) })
        else { return text }
        return String(text[..<point])
    }

    /// `text` as the whole number it shows, when it is one written another way with every digit
    /// kept: as a float (`13812345678.0`, `20261103001.00`, `1.3812345678e+10`), with thousands
    /// separators (`20,261,103,001`, Excel's number format), or after the apostrophe that marks a
    /// cell as text (`'13812345678`). Otherwise `text` unchanged.
    static func wholeNumberText(_ text: String) -> String {
        guard let first = text.utf8.first, first <= 0x39 else { return text }  // ids like GD001 leave here
        var text = text
        if first == UInt8(ascii: "'"), let next = text.utf8.dropFirst().first,
            (0x30...0x39).contains(next) || next == UInt8(ascii: "+")
        {
            text.removeFirst()
        }
        if let digits = exactScientificDigits(text) { return digits }
        text = droppingFloatZero(text)
        return thousandsDigits(text) ?? text
    }

    /// The digits of a whole number written in groups of three (`20,261,103,001`), nil for
    /// anything else.
    static func thousandsDigits(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: ",")) else { return nil }
        var number = Substring(text)
        if let point = number.firstIndex(of: ".") {
            guard number[number.index(after: point)...].allSatisfy({ $0 == "0" }) else { return nil }
            number = number[..<point]
        }
        let groups = number.split(separator: ",", omittingEmptySubsequences: false)
        guard let head = groups.first, (1...3).contains(head.count), groups.dropFirst().allSatisfy({ $0.count == 3 }),
            groups.allSatisfy({ $0.utf8.allSatisfy { (0x30...0x39).contains($0) } })
        else { return nil }
        return groups.joined()
    }

    /// A whole number in scientific notation that still carries every digit: a script's float
    /// column writes `1.3812345678e+10` for 13812345678, as many decimals as the exponent. Excel's
    /// `1.38123E+10` has fewer: its last digits are gone and it stays nil, never a guessed number.
    static func exactScientificDigits(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let exponentAt = bytes.firstIndex(where: { $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") }),
            exponentAt >= 3, bytes[1] == UInt8(ascii: "."), bytes[0] != UInt8(ascii: "0")
        else { return nil }
        let isDigit = { (byte: UInt8) in (0x30...0x39).contains(byte) }
        let decimals = bytes[2..<exponentAt]
        var power = bytes[(exponentAt + 1)...]
        if power.first == UInt8(ascii: "+") { power = power.dropFirst() }
        guard isDigit(bytes[0]), decimals.allSatisfy(isDigit), !power.isEmpty, power.count <= 2,
            power.allSatisfy(isDigit), let exponent = Int(String(decoding: power, as: UTF8.self)),
            exponent == decimals.count
        else { return nil }
        return String(decoding: [bytes[0]] + decimals, as: UTF8.self)
    }

    /// Who wrote a number in scientific notation: Excel writes `1.38123E+10` (capital E, signed
    /// exponent, six significant digits); a script's float column writes `1.3812345678e+10`.
    static func scientificNotationCulprit(_ text: String) -> String {
        text.contains("E+") ? "was mangled by Excel" : "was written as a floating-point number by a script or export"
    }

    /// Excel's scientific notation for a long number (`1.38123E+10`): the digits are gone.
    static func isExcelScientific(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        while bytes.first == 0x20 { bytes = bytes.dropFirst() }
        while bytes.last == 0x20 { bytes = bytes.dropLast() }
        guard let exponent = bytes.firstIndex(where: { $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") }) else {
            return false
        }
        let mantissa = bytes[..<exponent]
        var power = bytes[(exponent + 1)...]
        if power.first == UInt8(ascii: "+") { power = power.dropFirst() }
        let isDigit = { (byte: UInt8) in (0x30...0x39).contains(byte) }
        guard !power.isEmpty, power.allSatisfy(isDigit), let first = mantissa.first, isDigit(first) else {
            return false
        }
        let rest = mantissa.dropFirst()
        if rest.isEmpty { return true }
        // A European-locale Excel writes a decimal comma: `2,02611E+17`.
        return (rest.first == UInt8(ascii: ".") || rest.first == UInt8(ascii: ","))
            && rest.count > 1 && rest.dropFirst().allSatisfy(isDigit)
    }
}
