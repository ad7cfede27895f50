import ComplaintCore
import Foundation

/// What a row's cells make of its record, built column by column.
struct RowBuild {
    var draft: Complaint
    var warnings: [String] = []
    var ticket = ""
    var extra: [String: JSONValue] = [:]
    /// Coordinate cells taken, for the warning when only one of the pair is there.
    var coordinates: [(index: Int, text: String)] = []
}

/// Why a cell refuses its row: the reason the report gives.
struct RowRefusal: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

extension HotlineRowMapper {
    /// Takes the cell at `index` of `fields` into `build`, or refuses the row.
    mutating func take(_ index: Int, of fields: [String], into build: inout RowBuild) throws(RowRefusal) {
        var value = FieldText.unwrapExcelText(FieldText.unescapeFormula(fields[index]))
        if FieldText.isDatabaseNull(value) { value = "" }
        if let error = FieldText.spreadsheetError(value) {
            let name = Self.oneLine(header.names[index])
            if header.bindings[index]?.required == true {
                throw RowRefusal(
                    "\(name) holds \(error), the error of a formula that failed: put the value in the cell")
            }
            build.warnings.append("\(name) held \(error), the error of a formula that failed: taken as empty")
            value = ""
        }
        guard let column = header.bindings[index] else {
            if let key = header.extraKeys[index], let text = TextNormalizer.normalizeOptional(value) {
                build.extra[key] = .string(text)
            }
            return
        }
        if !profile.emptyValues.isEmpty, profile.emptyValues.contains(HeaderName.normalize(value)) { value = "" }
        // Only messages use the name: folded when one is written, not for every field of every row.
        var name: String { Self.oneLine(header.names[index]) }
        if (column.field == .phone || column.field == .callTime || column.field == .callClock) && column.required
            && Self.isBlank(value)
        {
            throw RowRefusal("required field \(name) is empty")
        }
        switch column.field {
        case .callClock:
            return  // read with the date, at the call time's column
        case .callTime:
            build.draft.receivedAt = try callTime(value, of: fields)
        case .phone:
            takePhone(value, name: name, into: &build)
        case .text:
            build.draft.text = TextNormalizer.normalize(value)
            if column.required && build.draft.text.isEmpty { throw RowRefusal("required field \(name) is empty") }
            if build.draft.text.isEmpty {
                build.warnings.append(
                    "\(name) is empty: the complaint is taken without its text (a profile's text column with "
                        + "required: true rejects such rows)")
            }
        default:
            let text = TextNormalizer.normalizeOptional(value)
            if column.required && text == nil { throw RowRefusal("required field \(name) is empty") }
            guard let text else { return }
            switch column.type {
            case .text:
                break
            case .integer, .duration:
                let isDuration = column.type == .duration
                guard let number = isDuration ? CallDuration.seconds(text) : FieldText.wholeNumber(text) else {
                    throw RowRefusal(
                        "\(name) \"\(text)\" is not "
                            + (isDuration
                                ? "a length of time (such as 65, 1:05 or 1分05秒)"
                                : "a whole number" + Self.durationHint(text)))
                }
                if case .extra(let key) = column.field {
                    build.extra[key] = .number(Double(number))
                    return
                }
            }
            switch column.field {
            case .ticketID:
                build.ticket = try ticketID(text, name: name)
                build.draft.source.externalID = build.ticket
            case .name:
                if Self.isWithheldName(text) {
                    build.draft.complainant.anonymous = true
                } else {
                    build.draft.complainant.name = text
                }
            case .category:
                // A value already one of the categories needs no entry in the map.
                if let category = profile.categories[HeaderName.normalize(text)]
                    ?? (ComplaintCategory.all.contains(text) ? text : nil)
                {
                    build.draft.category = category
                } else {
                    build.extra["category"] = .string(text)
                }
            case .latitude, .longitude:
                takeCoordinate(text, at: index, latitude: column.field == .latitude, name: name, into: &build)
            case .subject: build.draft.subject = text
            case .address: build.draft.location.address = text
            case .district: build.draft.location.district = districts.listed(text) ?? text
            case .extra(let key): build.extra[key] = .string(text)
            case .callTime, .callClock, .phone, .text: break
            }
        }
    }

    /// The call time in `value`, with the clock's own column when the profile splits them.
    private mutating func callTime(_ value: String, of fields: [String]) throws(RowRefusal) -> Date {
        var value = value
        var parsed: Date?
        if let clock = header.clockIndex {
            // Read as every cell is: `="08:15"` and `'08:15` are the time 08:15.
            let clockText =
                clock < fields.count ? FieldText.unwrapExcelText(FieldText.unescapeFormula(fields[clock])) : ""
            if Self.isBlank(clockText) {
                throw RowRefusal("required field \(Self.oneLine(header.names[clock])) is empty")
            }
            let date = FieldText.callTimeText(value)
            let clock = FieldText.callTimeText(clockText)
            parsed = times.parse(SplitCallTime.joined(date: date, time: clock))
            for other in parsed == nil ? SplitCallTime.alternatives(date: date, time: clock) : [] {
                parsed = times.parse(other)
                if parsed != nil { break }
            }
            // Messages quote the cells as written, joined as they were read.
            value = SplitCallTime.joined(date: value, time: clockText)
        } else {
            parsed = times.parse(FieldText.callTimeText(value))
        }
        guard let time = parsed else {
            let written = TextNormalizer.normalize(value)
            throw RowRefusal(
                "unparseable call time \"\(written)\": no pattern of profile "
                    + "\(profile.name)'s date_formats matches it (\(triedFormats))"
                    + (Self.looksLikeUSDate(written) ? Self.usDateHint : ""))
        }
        // Systems and spreadsheets write a placeholder for an empty date (1970-01-01 08:00,
        // 1899/12/30 0:00, 0001-01-01, 9999-12-31): no call, and deadlines count from it.
        guard Self.plausibleCallTimes.contains(time) else {
            throw RowRefusal(
                "call time \"\(TextNormalizer.normalize(value))\" is no real call time (before 1980 or after "
                    + "2099): a placeholder an export writes for an empty date")
        }
        return time
    }

    /// The caller's number: E.164, withheld, or kept raw with a warning saying what is wrong with it.
    private func takePhone(_ value: String, name: String, into build: inout RowBuild) {
        let (parsed, phoneExtension) = phones.parse(
            withAreaCode(FieldText.wholeNumberText(FieldText.plainSpaces(value))))
        switch parsed {
        case .e164(let number):
            build.draft.complainant.phone = number
            if let phoneExtension { build.extra["complainant_phone_extension"] = .string(phoneExtension) }
        case .empty: break
        case .withheld: build.draft.complainant.anonymous = true
        case .invalid(let raw):
            build.extra["complainant_phone_raw"] = .string(raw)
            if FieldText.isExcelScientific(raw) {
                build.warnings.append("phone \"\(raw)\" \(FieldText.scientificNotationCulprit(raw)); digits lost")
            } else if let first = firstOfSeveral(raw) {
                build.draft.complainant.phone = first
                build.warnings.append("phone \"\(raw)\" holds more than one number: the first, \(first), is used")
            } else if lostLeadingZero(raw) {
                build.warnings.append(
                    "phone \"\(raw)\" is not a valid phone number: a leading 0 may have been lost (0\(raw) "
                        + "is a landline); format the \(name) column as text")
            } else {
                build.warnings.append("phone \"\(raw)\" is not a valid phone number")
            }
        }
    }

    /// The ticket id in `text`, or a refusal when a spreadsheet has lost its digits.
    ///
    /// A long numeric ticket id that Excel showed as 2.02611E+17 has lost its digits: taken as is,
    /// every such row would share one id and collide as duplicates. Excel always writes the sign
    /// (E+17), a script a fraction (2.02611e17); an id like 2E5 with neither may be real.
    /// Invisible marks pasted along, a float's `.00` and thousands separators are no part of the
    /// id: the same call must meet itself as a duplicate whichever way an export wrote its id.
    private func ticketID(_ text: String, name: String) throws(RowRefusal) -> String {
        var written = FieldText.plainSpaces(text)
        if written.utf8.count != text.utf8.count { written = written.trimmingCharacters(in: .whitespaces) }
        let id = FieldText.wholeNumberText(written)
        if id == written, FieldText.isExcelScientific(written),
            written.uppercased().contains("E+") || written.contains(".") || written.contains(",")
        {
            throw RowRefusal(
                "ticket id \"\(written)\" \(FieldText.scientificNotationCulprit(written)) (scientific notation), "
                    + "its digits are lost; format the \(name) column as text and export again")
        }
        if FieldText.isSpreadsheetRoundedNumber(id) {
            throw RowRefusal(
                "ticket id \"\(id)\" ends in zeros from its 16th digit: a spreadsheet kept it as a number "
                    + "and rounded it to 15 digits, its last digits are lost; format the \(name) column as "
                    + "text and export again")
        }
        return id
    }

    /// A latitude or longitude in degrees; anything else is kept in `source.extra` with a warning.
    private func takeCoordinate(
        _ text: String, at index: Int, latitude isLatitude: Bool, name: String, into build: inout RowBuild
    ) {
        let limit = isLatitude ? 90.0 : 180.0
        guard let degrees = Double(text), degrees.isFinite, abs(degrees) <= limit else {
            build.warnings.append(
                "\(name) \"\(text)\" is not a \(isLatitude ? "latitude" : "longitude") in degrees: kept in source.extra"
            )
            build.extra[TextNormalizer.normalize(header.names[index])] = .string(text)
            return
        }
        if isLatitude { build.draft.location.lat = degrees } else { build.draft.location.lon = degrees }
        build.coordinates.append((index, text))
    }

    /// What agents put between two numbers in one cell.
    private static let phoneSeparators: Set<Character> = ["/", "、", ",", "，", ";", "；", "|"]

    /// The first valid number of a field holding several (`13812345678/0571-87654321`, `…、…`):
    /// agents type a caller's second number into the same cell. Nil unless every part is a number.
    private func firstOfSeveral(_ raw: String) -> String? {
        let parts = raw.split(whereSeparator: { Self.phoneSeparators.contains($0) }).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count > 1 else { return nil }
        var first: String?
        for part in parts {
            guard case .e164(let number) = phones.normalize(withAreaCode(part)) else { return nil }
            first = first ?? number
        }
        return first
    }

    /// A local number (7 or 8 digits, no trunk 0) with the profile's area code put in front.
    /// An extension after it stays (`87654321转8001`).
    private func withAreaCode(_ value: String) -> String {
        guard let area = profile.defaultAreaCode else { return value }
        var number = Substring(value)
        var rest: Substring = ""
        if value.utf8.contains(where: { $0 >= 0x80 }),
            let marker = Self.extensionMarkers.lazy.compactMap({ value.range(of: $0) }).first
        {
            number = value[..<marker.lowerBound]
            rest = value[marker.lowerBound...]
        }
        let digits = number.utf8.filter { $0 != 0x20 && $0 != 0x2D }
        guard (7...8).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }),
            digits[0] != 0x30, digits[0] != 0x31
        else { return value }
        return "0" + area + String(decoding: digits, as: UTF8.self) + rest
    }

    /// What agents write before an extension.
    private static let extensionMarkers = ["转", "分机"]

    /// A landline typed into a number cell, which drops its leading 0 (`57187654321` for
    /// 0571-87654321): the digits read as a landline once the 0 is back.
    private func lostLeadingZero(_ raw: String) -> Bool {
        let digits = raw.utf8
        guard (9...11).contains(digits.count), let first = digits.first, (0x32...0x39).contains(first),
            digits.allSatisfy({ (0x30...0x39).contains($0) }), case .e164 = phones.parse("0" + raw).0
        else { return false }
        return true
    }

    /// For a value that is no whole number but reads as a length of time (`0:03:25`, an Excel
    /// time cell; `3分20秒`): the profile setting that takes such a column, so whoever reads
    /// the report knows the file is fine and the profile is what to change. A bare decimal
    /// (`95.5`) gets none: it is more likely a mistyped count than a length.
    private static func durationHint(_ text: String) -> String {
        guard Double(text) == nil, CallDuration.seconds(text) != nil else { return "" }
        return " (it reads as a length of time: a profile column with type: duration takes it as seconds)"
    }

    /// Names that say the caller stayed anonymous.
    private static func isWithheldName(_ text: String) -> Bool {
        ["匿名", "anonymous", "未留名", "不愿透露"].contains(text.lowercased())
    }
}
