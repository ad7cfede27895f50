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
        return rest.first == UInt8(ascii: ".") && rest.count > 1 && rest.dropFirst().allSatisfy(isDigit)
    }
}
