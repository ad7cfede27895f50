/// The parts of the Chinese numbering plan the phone normalizer needs to tell a mobile from
/// a landline and to find the national significant number (what follows `+86`).
enum ChineseNumberingPlan {
    /// What a valid Chinese number is; extensions are only dropped from landlines.
    enum Kind {
        /// `1[3-9]` and 9 more digits.
        case mobile
        /// Area code and a 7- or 8-digit subscriber number.
        case landline
    }

    /// Finds the significant number in national format: a mobile as written, or a landline
    /// after its trunk `0` (`0571 87654321`). A landline without the trunk `0` is rejected
    /// here, because without it `57187654321` is as likely a typo as a number.
    ///
    /// A mobile after a `0` (`013812345678`) is what switchboards log for a mobile from another
    /// city (they dial it with the trunk prefix); no landline reads that way, since the only
    /// area code starting with 1 is `10`.
    static func significantNumber(national digits: DigitRun) -> (DigitRun, Kind)? {
        if digits.first == UInt8(ascii: "0") {
            let significant = digits.dropFirst(1)
            if isMobile(significant) { return (significant, .mobile) }
            return isLandline(significant) ? (significant, .landline) : nil
        }
        return isMobile(digits) ? (digits, .mobile) : nil
    }

    /// Finds the significant number after the country code `86`: a mobile, a landline
    /// without trunk `0` (`+86 571 8765 4321`), or one with the trunk `0` people still write
    /// (`+86 (0)571 87654321`, `+86-0571-87654321`).
    static func significantNumber(afterCountryCode digits: DigitRun) -> (DigitRun, Kind)? {
        if let found = significantNumber(national: digits) { return found }
        return isLandline(digits) ? (digits, .landline) : nil
    }

    /// `1[3-9]` followed by 9 digits. No mobile starts with `86`, which is what lets a bare
    /// `86` prefix be recognised at all.
    static func isMobile(_ digits: DigitRun) -> Bool {
        digits.count == 11 && digits[0] == UInt8(ascii: "1")
            && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(digits[1])
    }

    /// An area code without its trunk `0` and a subscriber number.
    ///
    /// Area codes are `10` (Beijing, the only one starting with 1) and `2X` (two digits), or
    /// three digits starting 3–9 (`571`, `311`). Subscriber numbers are 7 or 8 digits (8 under
    /// the two-digit codes: Beijing, Shanghai, Guangzhou and the other large cities went to 8
    /// digits in the 1990s, so Taipei's `02-2345-6789` is not taken for Tianjin's `022`) and
    /// never start with 0 (the trunk prefix) or 1 (reserved for service numbers).
    static func isLandline(_ digits: DigitRun) -> Bool {
        guard let first = digits.first else { return false }
        let areaCodeLength: Int
        switch first {
        case UInt8(ascii: "1"):
            guard digits.count > 1, digits[1] == UInt8(ascii: "0") else { return false }
            areaCodeLength = 2
        case UInt8(ascii: "2"):
            areaCodeLength = 2
        case UInt8(ascii: "3")...UInt8(ascii: "9"):
            areaCodeLength = 3
        default:
            return false
        }
        let subscriberLengths = areaCodeLength == 2 ? 8...8 : 7...8
        guard subscriberLengths.contains(digits.count - areaCodeLength) else { return false }
        return digits[areaCodeLength] >= UInt8(ascii: "2")
    }
}
