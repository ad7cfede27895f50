import ComplaintCore
import Foundation

/// Validates one row against the header and profile and builds the draft `complaint/v1` record.
///
/// Errors reject the row (column count, call time, required field, integer field, broken quote);
/// damage that leaves the complaint usable is a warning (an Excel-mangled or invalid phone number,
/// kept raw in `source.extra.complainant_phone_raw`, `phone` null).
public struct HotlineRowMapper {
    public let profile: HotlineProfile
    public let header: HotlineHeader
    var times: CallTimeParser
    let phones: PhoneNormalizer
    let districts: DistrictFinder
    /// How many fields the file's call rows have: the width its exporter writes.
    private var firstRowWidth: Int?
    /// A first call row wider than the header, waiting for the next row to show which is right.
    private var heldRecord: CSVRecord?
    /// How many columns a row must have at least: the header's, less the unnamed ones at its end.
    private let namedWidth: Int
    /// The patterns a call time was tried with, for the rejection: the admin sees which to add.
    let triedFormats: String

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
        guard hasAtMost(4, filledIn: fields) else { return nil }
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

    /// Whether at most `limit` of `fields` hold more than spaces. Asked of every row: a call row
    /// (five or more fields filled) leaves after a byte scan, before any text is normalized.
    static func hasAtMost(_ limit: Int, filledIn fields: [String]) -> Bool {
        var count = 0
        for field in fields where field.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 }) {
            count += 1
            if count > limit { return false }
        }
        return true
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
        if let text = Self.footnoteText(fields) { return .footnote(line: record.line, text: text) }
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

        var build = RowBuild(
            draft: Complaint(
                id: "", channel: .hotline, receivedAt: Date(timeIntervalSince1970: 0),
                ingestedAt: Date(timeIntervalSince1970: 0), source: Complaint.Source(adapter: profile.name), text: ""))
        do throws(RowRefusal) {
            for index in header.names.indices where index < fields.count {
                try take(index, of: fields, into: &build)
            }
        } catch {
            return reject(error.reason)
        }
        if (build.draft.location.lat == nil) != (build.draft.location.lon == nil),
            let (index, text) = build.coordinates.first
        {
            // Half a point would place the complaint on a meridian or a parallel: kept, not used.
            build.warnings.append(
                "\(Self.oneLine(header.names[index])) \"\(text)\" has no "
                    + "\(build.draft.location.lat == nil ? "latitude" : "longitude") beside it: kept in source.extra, "
                    + "a location needs both")
            build.extra[TextNormalizer.normalize(header.names[index])] = .string(text)
            (build.draft.location.lat, build.draft.location.lon) = (nil, nil)
        }
        if build.draft.location.district == nil, !districts.isEmpty, let address = build.draft.location.address {
            build.draft.location.district = districts.district(in: address)
        }
        build.draft.source.extra = build.extra
        return .accepted(
            HotlineRow(
                line: record.line, ticket: build.ticket, draft: build.draft, warnings: build.warnings, fields: fields))
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
    /// Blank, totals and note rows show nothing; the row stays held past them.
    public mutating func release(before next: CSVRecord?) -> HotlineRowResult? {
        guard let held = heldRecord else { return nil }
        let width: Int
        if let next {
            guard case .fields(let fields) = next.kind else { return nil }
            if fields.allSatisfy({ Self.isBlank($0) }) || Self.summaryText(fields) != nil
                || Self.footnoteText(fields) != nil
            {
                return nil
            }
            width = fields.count == header.names.count ? header.names.count : held.fields.count
        } else {
            width = held.fields.count
        }
        heldRecord = nil
        firstRowWidth = width
        return map(held)
    }

    /// A header cell wrapped with Alt+Enter (`通话时长⏎(秒)`) as messages name it: on one line.
    static func oneLine(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return name }
        return name.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined()
    }

    static func isBlank(_ text: String) -> Bool {
        // Call times and phone numbers nearly always hold an ASCII digit: no normalizing needed.
        for byte in text.utf8 where byte > 0x20 && byte < 0x7F { return false }
        return TextNormalizer.normalize(FieldText.plainSpaces(text)).isEmpty
    }
}
