/// A number the rules recognised, as runs of the scanned digits.
enum PhoneMatch {
    /// A Chinese mobile; the run is the 11 significant digits.
    case chineseMobile(DigitRun)
    /// A Chinese landline; the run is area code and subscriber, without trunk `0`.
    case chineseLandline(DigitRun)
    /// A number written with `+` or `00` and another country code; the run starts with it.
    case international(DigitRun)
    /// A number in the national format of a default country other than China; the run is
    /// the significant number, to follow the default country code.
    case national(DigitRun)

    /// Whether an extension may follow. Mobiles have none, so one after a mobile means the
    /// field is not what we think it is.
    var allowsExtension: Bool {
        if case .chineseMobile = self { return false }
        return true
    }
}

extension PhoneNormalizer {
    /// Applies the numbering rules to scanned digits, taking an extension apart if there is one.
    ///
    /// E.164 has no extensions, and the number is used to recognise a complainant across
    /// channels, where the same office calls from different extensions; so the extension is
    /// returned beside the number rather than kept in it.
    func match(_ scan: PhoneScan, in buffer: UnsafeBufferPointer<UInt8>) -> (number: PhoneMatch, extension: DigitRun?)?
    {
        let digits = DigitRun(base: buffer, range: 0..<scan.digitCount)
        let extensionLengths = 1...Self.maxExtensionDigits
        if let start = scan.explicitExtensionStart {
            guard extensionLengths.contains(digits.count - start),
                let found = match(digits.prefix(start), hasPlus: scan.hasPlus), found.allowsExtension
            else { return nil }
            return (found, digits.dropFirst(start))
        }
        if let found = match(digits, hasPlus: scan.hasPlus) { return (found, nil) }
        // `0571-87654321-8001`: a trailing dash group that makes the number too long is read
        // as an extension, but only on a Chinese landline, whose length rules make that safe.
        if let dash = scan.lastDashDigitCount, extensionLengths.contains(digits.count - dash),
            case .chineseLandline(let run) = match(digits.prefix(dash), hasPlus: scan.hasPlus)
        {
            return (.chineseLandline(run), digits.dropFirst(dash))
        }
        return nil
    }

    private var isNorthAmerican: Bool {
        if case .other(let countryCode) = nationalPlan {
            return countryCode.count == 1 && countryCode.first == UInt8(ascii: "1")
        }
        return false
    }

    /// Applies the numbering rules to digits without an extension.
    private func match(_ digits: DigitRun, hasPlus: Bool) -> PhoneMatch? {
        // North America dials abroad with 011 where most of the world dials 00.
        let dialsAbroad =
            hasPlus ? 0 : digits.hasPrefix("00") ? 2 : digits.hasPrefix("011") && isNorthAmerican ? 3 : nil
        if let dialsAbroad {
            let international = digits.dropFirst(dialsAbroad)
            if international.hasPrefix("86") {
                return Self.chinese(
                    ChineseNumberingPlan.significantNumber(afterCountryCode: international.dropFirst(2)))
            }
            return Self.isPlausibleE164(international) ? .international(international) : nil
        }
        switch nationalPlan {
        case .china:
            if let found = ChineseNumberingPlan.significantNumber(national: digits) { return Self.chinese(found) }
            // A bare `86`, as spreadsheets leave it after eating the `+`.
            guard digits.hasPrefix("86") else { return nil }
            return Self.chinese(ChineseNumberingPlan.significantNumber(afterCountryCode: digits.dropFirst(2)))
        case .other(let countryCode):
            if countryCode.count == 1, countryCode.first == UInt8(ascii: "1") { return Self.northAmerican(digits) }
            let significant = digits.first == UInt8(ascii: "0") ? digits.dropFirst(1) : digits
            guard significant.first.map({ $0 != UInt8(ascii: "0") }) == true,
                (8...15).contains(countryCode.count + significant.count)
            else { return nil }
            return .national(significant)
        case .unavailable:
            return nil
        }
    }

    /// The North American plan (+1, the 311 profile's): ten digits, the area code and the exchange
    /// each starting 2–9, after the trunk `1` people write before them (`1-212-555-0127`). A
    /// seven-digit local number (`555-0130`) has no area code to call back with.
    private static func northAmerican(_ digits: DigitRun) -> PhoneMatch? {
        let significant = digits.count == 11 && digits.first == UInt8(ascii: "1") ? digits.dropFirst(1) : digits
        guard significant.count == 10, significant[0] >= UInt8(ascii: "2"), significant[3] >= UInt8(ascii: "2") else {
            return nil
        }
        return .national(significant)
    }

    /// Wraps a Chinese significant number in the matching case.
    private static func chinese(_ found: (DigitRun, ChineseNumberingPlan.Kind)?) -> PhoneMatch? {
        switch found {
        case (let run, .mobile)?: .chineseMobile(run)
        case (let run, .landline)?: .chineseLandline(run)
        case nil: nil
        }
    }

    /// A foreign number we cannot check against its own plan: E.164 allows at most 15 digits,
    /// and fewer than 8 with the country code is a short code, not a phone number.
    private static func isPlausibleE164(_ digits: DigitRun) -> Bool {
        (8...15).contains(digits.count) && digits.first != UInt8(ascii: "0")
    }

    /// The E.164 text for a match, written into one string buffer.
    func e164(_ match: PhoneMatch) -> String {
        switch match {
        case .chineseMobile(let run), .chineseLandline(let run):
            Self.e164(countryCode: "86".utf8, significant: run)
        case .international(let run):
            Self.e164(countryCode: EmptyCollection(), significant: run)
        case .national(let run):
            if case .other(let countryCode) = nationalPlan {
                Self.e164(countryCode: countryCode, significant: run)
            } else {
                preconditionFailure("a national match needs a non-Chinese default country")
            }
        }
    }

    /// `+`, the country code, then the significant digits.
    private static func e164(countryCode: some Collection<UInt8>, significant: DigitRun) -> String {
        String(unsafeUninitializedCapacity: 1 + countryCode.count + significant.count) { out in
            out[0] = UInt8(ascii: "+")
            var index = 1
            for digit in countryCode {
                out[index] = digit
                index += 1
            }
            for offset in 0..<significant.count {
                out[index] = significant[offset]
                index += 1
            }
            return index
        }
    }
}
