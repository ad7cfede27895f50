/// Turns the phone fields channels send (hotline CSVs, SMS webhooks, mail signatures) into
/// E.164 numbers, so one complainant's calls and messages carry the same number.
///
/// Numbers are read with the Chinese numbering plan when they carry `+86`, `0086` or a bare
/// `86`, or when they have no country code and the default country is China; other numbers
/// need a `+` or `00` international prefix. The parser decodes the field's UTF-8 bytes into
/// a small stack buffer of digits: no regular expressions, no Foundation.
public struct PhoneNormalizer: Sendable {
    /// The country code assumed for numbers written without one, as digits (`86`).
    public let defaultCountryCode: String

    /// How numbers without a country code are read.
    let nationalPlan: NationalPlan

    /// How numbers without a country code are read, decided once from the default country.
    enum NationalPlan {
        /// The Chinese numbering plan.
        case china
        /// A generic plan: drop one trunk `0`, then prefix these country-code digits.
        case other([UInt8])
        /// The default country code was not valid: such numbers are invalid.
        case unavailable
    }

    /// The most digits a field may hold: a 15-digit E.164 number after `00` plus an extension.
    static let maxDigits = 24

    /// The most digits an extension may have.
    static let maxExtensionDigits = 6

    /// What hidden caller ids look like in the channels we receive, compared lowercased.
    private static let withheldMarkers: Set<String> = [
        "匿名", "anonymous", "withheld", "private", "unknown", "未知", "restricted", "无主叫号码", "隐藏",
        "隐藏号码", "未知号码", "保密号码",
    ]

    /// Creates a normalizer.
    /// - Parameter defaultCountryCode: The country code for numbers written without one,
    ///   with or without a leading `+`. If it is not 1–3 digits, such numbers are invalid.
    public init(defaultCountryCode: String = "86") {
        let digits = Array(defaultCountryCode.utf8.drop { $0 == UInt8(ascii: "+") })
        self.defaultCountryCode = String(decoding: digits, as: UTF8.self)
        let isCountryCode =
            (1...3).contains(digits.count) && digits.allSatisfy { (0x30...0x39).contains($0) }
            && digits.first != UInt8(ascii: "0")
        if !isCountryCode {
            self.nationalPlan = .unavailable
        } else if digits == Array("86".utf8) {
            self.nationalPlan = .china
        } else {
            self.nationalPlan = .other(digits)
        }
    }

    /// Normalizes one raw phone field.
    /// - Parameter raw: The field as received.
    /// - Returns: `.e164` for a valid number, `.empty` for a blank field, `.withheld` for a
    ///   hidden caller, otherwise `.invalid` with the input trimmed.
    public func normalize(_ raw: String) -> PhoneParseResult { parse(raw).result }

    /// ``normalize(_:)``, with the extension the E.164 number leaves out (`8001` of
    /// `0571-87654321转8001` or `0571-87654321-8001`), for a caller to keep beside the number:
    /// whoever calls the complainant back needs it.
    public func parse(_ raw: String) -> (result: PhoneParseResult, extension: String?) {
        var text = raw
        return text.withUTF8 { bytes in
            let trimmed = UnsafeBufferPointer(rebasing: bytes[TrimmableWhitespace.trimmedRange(of: bytes)])
            if trimmed.isEmpty { return (.empty, nil) }
            let number = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maxDigits) {
                buffer -> (String, String?)? in
                guard let scan = PhoneScan(trimmed, digits: buffer),
                    let found = match(scan, in: UnsafeBufferPointer(buffer))
                else { return nil }
                return (e164(found.number), found.extension?.text)
            }
            if let (number, phoneExtension) = number { return (.e164(number), phoneExtension) }
            let original = String(decoding: trimmed, as: UTF8.self)
            return (Self.isWithheldMarker(original) ? .withheld : .invalid(original), nil)
        }
    }

    /// Whether `text` is one of the hidden-caller markers, in any case.
    private static func isWithheldMarker(_ text: String) -> Bool {
        // The longest marker is 15 UTF-8 bytes; skip lowercasing anything longer.
        text.utf8.count <= 16 && withheldMarkers.contains(text.lowercased())
    }
}
