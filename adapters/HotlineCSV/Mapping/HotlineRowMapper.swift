import ComplaintCore
import Foundation

/// What one data row of a call log became.
public enum HotlineRowResult: Sendable {
    /// A draft record (no id, routing or ingest time yet) with the row's warnings.
    case accepted(HotlineRow)
    /// Not taken: the reason, and the row's fields so it can be sent back to be fixed.
    case rejected(HotlineRejection)
    /// Every field empty (Excel writes such rows for formatted cells): not a row.
    case blank
    /// A totals row a spreadsheet adds below the calls (`合计：1,024条`, `Total`): not a call.
    /// `text` is what it says.
    case summary(line: Int, text: String)
    /// The header row again, as two exports joined into one file (`copy /b a.csv+b.csv`, `cat`)
    /// carry it: not a call.
    case repeatedHeader(line: Int)
    /// A first call row wider than the header: kept until a later row shows the file's width,
    /// then handed back by ``HotlineRowMapper/release(before:)``.
    case held
}

/// A row taken into a draft record.
public struct HotlineRow: Sendable {
    public var line: Int
    public var ticket: String
    public var draft: Complaint
    public var warnings: [String]
    /// The fields as read, for the rejected-rows file should the store refuse it (duplicate in file).
    public var fields: [String]
}

/// A row not taken.
public struct HotlineRejection: Sendable, Hashable {
    public var line: Int
    public var ticket: String?
    public var reason: String
    public var fields: [String]
    /// The row's width was what was wrong (too few or too many fields, a quote never closed): the
    /// rejected-rows file gives its fields as they were sent, neither padded nor cut, so a row
    /// sent back unfixed is refused again rather than taken shifted.
    public var keepsShape: Bool

    public init(line: Int, ticket: String?, reason: String, fields: [String], keepsShape: Bool = false) {
        self.line = line
        self.ticket = ticket
        self.reason = reason
        self.fields = fields
        self.keepsShape = keepsShape
    }
}

/// Validates one row against the header and profile and builds the draft `complaint/v1` record.
///
/// Errors reject the row (column count, call time, required field, integer field, broken quote);
/// damage that leaves the complaint usable is a warning (an Excel-mangled or invalid phone number,
/// kept raw in `source.extra.complainant_phone_raw`, `phone` null).
public struct HotlineRowMapper {
    public let profile: HotlineProfile
    public let header: HotlineHeader
    private var times: CallTimeParser
    private let phones: PhoneNormalizer
    private let districts: DistrictFinder
    /// How many fields the file's call rows have: the width its exporter writes.
    private var firstRowWidth: Int?
    /// A first call row wider than the header, waiting for the next row to show which is right.
    private var heldRecord: CSVRecord?
    /// How many columns a row must have at least: the header's, less the unnamed ones at its end.
    private let namedWidth: Int
    /// The patterns a call time was tried with, for the rejection: the admin sees which to add.
    private let triedFormats: String

    public init(profile: HotlineProfile, header: HotlineHeader) {
        self.profile = profile
        self.header = header
        times = CallTimeParser(formats: profile.dateFormats, timeZone: profile.timeZone)
        phones = PhoneNormalizer(defaultCountryCode: profile.defaultCountryCode)
        districts = DistrictFinder(profile.districts)
        let unnamedTail = header.names.reversed().prefix { TextNormalizer.normalize($0).isEmpty }.count
        namedWidth = header.names.count - unnamedTail
        triedFormats = profile.dateFormats.map(\.pattern).joined(separator: ", ")
    }

    private static let summaryWords = ["合计", "总计", "共计", "小计", "總計", "合計", "total", "grand total"]

    /// The text of a totals row: the first filled field starts with a word like 合计 or Total,
    /// and either at most two fields are filled, or at most four and the others are short counts
    /// or sums (`合计 | 共4条 | … | 240`). A call record has its ticket, time and content filled.
    public static func summaryText(_ fields: [String]) -> String? {
        // Asked of every row: a call row (five or more fields filled) leaves after a byte scan,
        // before any text is normalized.
        var count = 0
        for field in fields where field.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 }) {
            count += 1
            if count > 4 { return nil }
        }
        let filled = fields.compactMap { TextNormalizer.normalizeOptional($0) }
        guard let first = filled.first else { return nil }
        if filled.count > 2, !filled.dropFirst().allSatisfy(isCountOrSum) { return nil }
        let lowered = first.lowercased()
        let word = summaryWords.first { word in
            // A Latin word must end there: "Totally" is not "Total".
            lowered.hasPrefix(word) && !(word.first!.isASCII && lowered.dropFirst(word.count).first?.isLetter == true)
        }
        guard word != nil else { return nil }
        return filled.joined(separator: " ")
    }

    /// In a file sent back, a row whose structural reason (`expected 9 columns, found 8`, a quote
    /// never closed) is not in the reason column: it came back unfixed, and its values are still
    /// in the wrong columns. Padded by the spreadsheet to the header's width, a narrower row has
    /// its reason left of the column; a row split by a comma is wider than its header, and when the
    /// spreadsheet padded the header to it, its reason is right of the column.
    static func misplacedReason(_ fields: [String], header: HotlineHeader) -> String? {
        guard let reasonIndex = header.reasonIndex else { return nil }
        guard let last = fields.lastIndex(where: { !Self.isBlank($0) }), last != reasonIndex else { return nil }
        let text = fields[last]
        guard text.hasPrefix("unterminated quote") || (text.hasPrefix("expected ") && text.contains(" columns, found "))
        else { return nil }
        return "\(text) (sent back unfixed: its line and reason are not in their own columns)"
    }

    /// A row refused for a quote never closed, sent back with the quote that opened it still at
    /// the start of a field: the rejected-rows file wrote the fields as staff read them, so the
    /// row now reads whole, but taken it would store the stray quote in its text. Refused again,
    /// as it was the first time, until the quote is removed or closed.
    static func strayQuoteReason(_ fields: [String], header: HotlineHeader) -> String? {
        guard let reasonIndex = header.reasonIndex, reasonIndex >= 2, fields.count > reasonIndex,
            fields[reasonIndex].hasPrefix("unterminated quote")
        else {
            return nil
        }
        for index in 0..<(reasonIndex - 1) where index < fields.count {
            let field = fields[index]
            guard field.hasPrefix("\""), field.utf8.count(where: { $0 == UInt8(ascii: "\"") }) % 2 == 1 else {
                continue
            }
            let name = oneLine(header.names[index])
            return "unterminated quote (sent back unfixed: the quote at the start of \(name) is still there; "
                + "remove it, or close it where the field ends)"
        }
        return nil
    }

    /// A totals row's other cells: a number with at most a unit around it (`1条`, `共4条`, `1,024`, `240`),
    /// or the formula that sums them, exported as written when "save cell formulas" is on
    /// (`=SUM(I3:I20)`, `=COUNTA(A3:A20)`).
    private static func isCountOrSum(_ text: String) -> Bool {
        if text.hasPrefix("="), text.count <= 64, text.hasSuffix(")"), let open = text.firstIndex(of: "(") {
            let function = text[text.index(after: text.startIndex)..<open].uppercased()
            return ["SUM", "SUBTOTAL", "COUNT", "COUNTA", "AVERAGE", "SUMIF", "COUNTIF"].contains(function)
        }
        return text.count <= 16 && !text.contains(":") && !text.contains("/") && !text.contains("-")
            && text.unicodeScalars.contains { ("0"..."9").contains($0) || ("０"..."９").contains($0) }
    }

    /// Call times a call can have: from 1980-01-01 to the end of 2099 (UTC).
    static let plausibleCallTimes =
        Date(timeIntervalSince1970: 315_532_800)..<Date(timeIntervalSince1970: 4_102_444_800)

    /// The longest value a rejected row's report takes for its ticket id (in characters).
    static let longestTicket = 64

    /// Maps one record of the file (not the header).
    public mutating func map(_ record: CSVRecord) -> HotlineRowResult {
        let fields = record.fields
        func reject(_ reason: String, keepsShape: Bool = false) -> HotlineRowResult {
            // The report names the ticket so staff can find the row. In a row that broke (an
            // unquoted line break, a quote never closed) the ticket column may hold a sentence of
            // the complaint instead; that is no ticket to show.
            let ticket =
                header.ticketIndex < fields.count
                ? TextNormalizer.normalizeOptional(FieldText.unwrapExcelText(fields[header.ticketIndex])) : nil
            return .rejected(
                HotlineRejection(
                    line: record.line, ticket: ticket.flatMap { $0.count <= Self.longestTicket ? $0 : nil },
                    reason: reason, fields: fields, keepsShape: keepsShape))
        }
        switch record.kind {
        case .unterminatedQuote:
            return reject("unterminated quote: a quoted field opened on this line is never closed", keepsShape: true)
        case .oversized(_, let limit):
            return reject(
                "row is longer than \(limit) bytes: in the rejected-rows file it is cut short, so fix it in the "
                    + "original file")
        case .fields:
            break
        }
        // 0x1A (Ctrl-Z) is the end-of-file mark DOS-era exporters and some PBX tools still append;
        // NUL bytes pad a file preallocated or cut short by a copy.
        if fields.allSatisfy({ $0.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x1A || $0 == 0x00 } }) {
            return .blank
        }
        // A database's all-null row (`\N`, `NULL`), a row of cells touched with a full-width space.
        if fields.allSatisfy({ Self.isBlank($0) || FieldText.isDatabaseNull($0) }) { return .blank }
        if let text = Self.summaryText(fields) { return .summary(line: record.line, text: text) }
        if repeatsHeader(fields) { return .repeatedHeader(line: record.line) }
        // Empty fields past the last column carry nothing when the exporter writes them on every
        // row (a trailing comma after each call, a cell once touched to the right of the table):
        // taken when the row is as wide as the file's call rows. One row wider than the rest is a
        // row an unquoted comma split (`西湖区,文三路1号`), its values shifted one column right:
        // refused, not stored shifted. The file's width is the first call row's, unless that row
        // is wider than the header: then the next row decides (it is held until then).
        if fields.count > header.names.count, fields[header.names.count...].allSatisfy({ Self.isBlank($0) }) {
            if firstRowWidth == nil {
                heldRecord = record
                return .held
            }
        } else if firstRowWidth == nil {
            firstRowWidth = fields.count
        }
        // Fewer fields than columns is an error (a row broken by an unquoted line break would
        // otherwise pass as two half rows), except a row that lacks exactly the columns with no
        // header at the header's end: old Excel stops writing their empty cells after the first
        // rows. (A row between the two widths may be one an unquoted comma split: refused.)
        guard
            fields.count == header.names.count
                || (fields.count > header.names.count && fields.count == firstRowWidth
                    && fields[header.names.count...].allSatisfy { Self.isBlank($0) })
                || fields.count == namedWidth
        else {
            // A file sent back carries line and reason after the row, and maybe a spreadsheet's
            // padding after them: the counts are the row's own.
            var found = fields.count
            if header.sentBack { found = max((fields.lastIndex { !Self.isBlank($0) } ?? -1) + 1 - 2, 0) }
            return reject("expected \(header.dataWidth) columns, found \(found)", keepsShape: true)
        }
        if header.sentBack,
            let reason = Self.misplacedReason(fields, header: header) ?? Self.strayQuoteReason(fields, header: header)
        {
            return reject(reason, keepsShape: true)
        }

        var draft = Complaint(
            id: "", channel: .hotline, receivedAt: Date(timeIntervalSince1970: 0),
            ingestedAt: Date(timeIntervalSince1970: 0), source: Complaint.Source(adapter: profile.name), text: "")
        var warnings: [String] = []
        var ticket = ""
        var extra: [String: JSONValue] = [:]
        var coordinates: [(index: Int, text: String)] = []
        for index in header.names.indices {
            guard index < fields.count else { break }
            var value = FieldText.unwrapExcelText(FieldText.unescapeFormula(fields[index]))
            if FieldText.isDatabaseNull(value) { value = "" }
            if let error = FieldText.spreadsheetError(value) {
                let name = Self.oneLine(header.names[index])
                if header.bindings[index]?.required == true {
                    return reject(
                        "\(name) holds \(error), the error of a formula that failed: put the value in the cell")
                }
                warnings.append("\(name) held \(error), the error of a formula that failed: taken as empty")
                value = ""
            }
            guard let column = header.bindings[index] else {
                if let key = header.extraKeys[index], let text = TextNormalizer.normalizeOptional(value) {
                    extra[key] = .string(text)
                }
                continue
            }
            if !profile.emptyValues.isEmpty, profile.emptyValues.contains(HeaderName.normalize(value)) { value = "" }
            // Only messages use the name: folded when one is written, not for every field of every row.
            var name: String { Self.oneLine(header.names[index]) }
            if (column.field == .phone || column.field == .callTime || column.field == .callClock) && column.required
                && Self.isBlank(value)
            {
                return reject("required field \(name) is empty")
            }
            switch column.field {
            case .callClock:
                continue  // read with the date, at the call time's column
            case .callTime:
                var parsed: Date?
                if let clock = header.clockIndex {
                    // Read as every cell is: `="08:15"` and `'08:15` are the time 08:15.
                    let clockText =
                        clock < fields.count ? FieldText.unwrapExcelText(FieldText.unescapeFormula(fields[clock])) : ""
                    if Self.isBlank(clockText) {
                        return reject("required field \(Self.oneLine(header.names[clock])) is empty")
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
                    return reject(
                        "unparseable call time \"\(written)\": no pattern of profile "
                            + "\(profile.name)'s date_formats matches it (\(triedFormats))"
                            + (Self.looksLikeUSDate(written) ? Self.usDateHint : ""))
                }
                // Systems and spreadsheets write a placeholder for an empty date (1970-01-01
                // 08:00, 1899/12/30 0:00, 0001-01-01, 9999-12-31): no call, and deadlines count
                // from it.
                guard Self.plausibleCallTimes.contains(time) else {
                    return reject(
                        "call time \"\(TextNormalizer.normalize(value))\" is no real call time (before 1980 or after "
                            + "2099): a placeholder an export writes for an empty date")
                }
                draft.receivedAt = time
            case .phone:
                let (parsed, phoneExtension) = phones.parse(
                    withAreaCode(FieldText.wholeNumberText(FieldText.plainSpaces(value))))
                switch parsed {
                case .e164(let number):
                    draft.complainant.phone = number
                    if let phoneExtension { extra["complainant_phone_extension"] = .string(phoneExtension) }
                case .empty: break
                case .withheld: draft.complainant.anonymous = true
                case .invalid(let raw):
                    extra["complainant_phone_raw"] = .string(raw)
                    if FieldText.isExcelScientific(raw) {
                        warnings.append("phone \"\(raw)\" \(FieldText.scientificNotationCulprit(raw)); digits lost")
                    } else if let first = firstOfSeveral(raw) {
                        draft.complainant.phone = first
                        warnings.append("phone \"\(raw)\" holds more than one number: the first, \(first), is used")
                    } else if lostLeadingZero(raw) {
                        warnings.append(
                            "phone \"\(raw)\" is not a valid phone number: a leading 0 may have been lost (0\(raw) "
                                + "is a landline); format the \(name) column as text")
                    } else {
                        warnings.append("phone \"\(raw)\" is not a valid phone number")
                    }
                }
            case .text:
                draft.text = TextNormalizer.normalize(value)
                if column.required && draft.text.isEmpty { return reject("required field \(name) is empty") }
                if draft.text.isEmpty {
                    warnings.append(
                        "\(name) is empty: the complaint is taken without its text (a profile's text column with "
                            + "required: true rejects such rows)")
                }
            default:
                let text = TextNormalizer.normalizeOptional(value)
                if column.required && text == nil { return reject("required field \(name) is empty") }
                guard let text else { continue }
                switch column.type {
                case .text:
                    break
                case .integer:
                    guard let number = FieldText.wholeNumber(text) else {
                        return reject("\(name) \"\(text)\" is not a whole number")
                    }
                    if case .extra(let key) = column.field {
                        extra[key] = .number(Double(number))
                        continue
                    }
                case .duration:
                    guard let seconds = CallDuration.seconds(text) else {
                        return reject("\(name) \"\(text)\" is not a length of time (such as 65, 1:05 or 1分05秒)")
                    }
                    if case .extra(let key) = column.field {
                        extra[key] = .number(Double(seconds))
                        continue
                    }
                }
                switch column.field {
                case .ticketID:
                    // A long numeric ticket id that Excel showed as 2.02611E+17 has lost its digits:
                    // taken as is, every such row would share one id and collide as duplicates.
                    // Excel always writes the sign (E+17), a script a fraction (2.02611e17); an id
                    // like 2E5 with neither may be real. Invisible marks pasted along, a float's
                    // `.00` and thousands separators are no part of the id: the same call must
                    // meet itself as a duplicate whichever way an export wrote its id.
                    var written = FieldText.plainSpaces(text)
                    if written.utf8.count != text.utf8.count { written = written.trimmingCharacters(in: .whitespaces) }
                    let id = FieldText.wholeNumberText(written)
                    if id == written, FieldText.isExcelScientific(written),
                        written.uppercased().contains("E+") || written.contains(".") || written.contains(",")
                    {
                        return reject(
                            "ticket id \"\(written)\" \(FieldText.scientificNotationCulprit(written)) (scientific notation), "
                                + "its digits are lost; format the \(name) column as text and export again")
                    }
                    if FieldText.isSpreadsheetRoundedNumber(id) {
                        return reject(
                            "ticket id \"\(id)\" ends in zeros from its 16th digit: a spreadsheet kept it as a number "
                                + "and rounded it to 15 digits, its last digits are lost; format the \(name) column as "
                                + "text and export again")
                    }
                    ticket = id
                    draft.source.externalID = id
                case .name:
                    if Self.isWithheldName(text) {
                        draft.complainant.anonymous = true
                    } else {
                        draft.complainant.name = text
                    }
                case .category:
                    // A value already one of the categories needs no entry in the map.
                    if let category = profile.categories[HeaderName.normalize(text)]
                        ?? (ComplaintCategory.all.contains(text) ? text : nil)
                    {
                        draft.category = category
                    } else {
                        extra["category"] = .string(text)
                    }
                case .latitude, .longitude:
                    let isLatitude = column.field == .latitude
                    let limit = isLatitude ? 90.0 : 180.0
                    guard let degrees = Double(text), degrees.isFinite, abs(degrees) <= limit else {
                        warnings.append(
                            "\(name) \"\(text)\" is not a \(isLatitude ? "latitude" : "longitude") in degrees: "
                                + "kept in source.extra")
                        extra[TextNormalizer.normalize(header.names[index])] = .string(text)
                        continue
                    }
                    if isLatitude { draft.location.lat = degrees } else { draft.location.lon = degrees }
                    coordinates.append((index, text))
                case .subject: draft.subject = text
                case .address: draft.location.address = text
                case .district: draft.location.district = districts.listed(text) ?? text
                case .extra(let key): extra[key] = .string(text)
                case .callTime, .callClock, .phone, .text: break
                }
            }
        }
        if (draft.location.lat == nil) != (draft.location.lon == nil), let (index, text) = coordinates.first {
            // Half a point would place the complaint on a meridian or a parallel: kept, not used.
            warnings.append(
                "\(Self.oneLine(header.names[index])) \"\(text)\" has no \(draft.location.lat == nil ? "latitude" : "longitude") "
                    + "beside it: kept in source.extra, a location needs both")
            extra[TextNormalizer.normalize(header.names[index])] = .string(text)
            (draft.location.lat, draft.location.lon) = (nil, nil)
        }
        if draft.location.district == nil, !districts.isEmpty, let address = draft.location.address {
            draft.location.district = districts.district(in: address)
        }
        draft.source.extra = extra
        return .accepted(
            HotlineRow(line: record.line, ticket: ticket, draft: draft, warnings: warnings, fields: fields))
    }

    /// A date written month first (`11/03/2026 08:15`, `11/3/26`): what a spreadsheet exports
    /// from a date cell when it writes the value rather than the cell as shown.
    static func looksLikeUSDate(_ text: String) -> Bool {
        let parts = text.prefix { $0 != " " }.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let month = Int(parts[0]), (1...12).contains(month), parts[0].count <= 2, parts[1].count <= 2,
            [2, 4].contains(parts[2].count)
        else { return false }
        return true
    }

    static let usDateHint =
        "; it reads month first, as a spreadsheet exports a date cell's value: export with the cells as "
        + "shown (LibreOffice: \"Save cell content as shown\"), or add a pattern such as M/d/yyyy H:mm[:ss]"

    /// Whether `fields` are the header's names again (a byte-order mark of the second file may
    /// lead them). Asked of every row: a call time holds a digit, and such a row leaves at once.
    private func repeatsHeader(_ fields: [String]) -> Bool {
        let time = header.callTimeIndex
        guard time < fields.count, fields.count >= namedWidth,
            !fields[time].utf8.contains(where: { (0x30...0x39).contains($0) }),
            HeaderName.normalize(FieldText.plainSpaces(fields[time])) == HeaderName.normalize(header.names[time])
        else { return false }
        return zip(fields, header.names).allSatisfy {
            HeaderName.normalize(FieldText.plainSpaces($0)) == HeaderName.normalize(FieldText.plainSpaces($1))
        }
    }

    /// The call row held for the file's width, mapped now that `next`, the following record
    /// (nil at the end of the file), shows it: the header's when `next` is exactly as wide as the
    /// header (the held row was split by an unquoted comma), else the held row's own (the
    /// exporter writes trailing empty fields).
    /// Blank and totals rows show nothing; the row stays held past them.
    public mutating func release(before next: CSVRecord?) -> HotlineRowResult? {
        guard let held = heldRecord else { return nil }
        let width: Int
        if let next {
            guard case .fields(let fields) = next.kind else { return nil }
            if fields.allSatisfy({ Self.isBlank($0) }) || Self.summaryText(fields) != nil { return nil }
            width = fields.count == header.names.count ? header.names.count : held.fields.count
        } else {
            width = held.fields.count
        }
        heldRecord = nil
        firstRowWidth = width
        return map(held)
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

    /// A header cell wrapped with Alt+Enter (`通话时长⏎(秒)`) as messages name it: on one line.
    private static func oneLine(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return name }
        return name.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined()
    }

    /// A landline typed into a number cell, which drops its leading 0 (`57187654321` for
    /// 0571-87654321): the digits read as a landline once the 0 is back.
    private func lostLeadingZero(_ raw: String) -> Bool {
        let digits = raw.utf8
        guard (9...11).contains(digits.count), let first = digits.first, (0x32...0x39).contains(first),
            digits.allSatisfy({ (0x30...0x39).contains($0) }), case .e164 = phones.parse("0" + raw).0
        else { return false }
        return true
    }

    private static func isBlank(_ text: String) -> Bool {
        // Call times and phone numbers nearly always hold an ASCII digit: no normalizing needed.
        for byte in text.utf8 where byte > 0x20 && byte < 0x7F { return false }
        return TextNormalizer.normalize(FieldText.plainSpaces(text)).isEmpty
    }

    /// Names that say the caller stayed anonymous.
    private static func isWithheldName(_ text: String) -> Bool {
        ["匿名", "anonymous", "未留名", "不愿透露"].contains(text.lowercased())
    }
}
