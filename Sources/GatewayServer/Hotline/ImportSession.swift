import ComplaintCore
import ComplaintDispatch
import Foundation
import Glibc
import HotlineCSVAdapter
import Storage

/// The state of one file's import between chunks: reader, header, mapper, rows waiting for a
/// batch, the rejected-rows file, and the counts.
struct ImportSession {
    let importer: HotlineImporter
    let upload: SpooledUpload
    let raw: RawPayload
    let profile: HotlineProfile
    let encoding: CSVEncoding
    /// The rows come from a workbook's sheet (``WorkbookReader``), not from CSV text: a row has
    /// the cells Excel stored, so it is as wide as the header once its empty end is filled in.
    private let fromWorkbook: Bool
    /// Read as UTF-8 though not all of it is: rows whose bad bytes became U+FFFD are warned.
    private let readsDamagedUTF8: Bool
    /// Whether bytes invalid in the file's encoding were replaced with U+FFFD so far: from then
    /// on, rows holding U+FFFD get a warning (staff must see which rows lost characters).
    private var replacedBytes: Bool { readsDamagedUTF8 || reader.replacements > 0 }
    private let reader: CSVFileReader
    private var header: HotlineHeader?
    private var headerFailure: HotlineImportError?
    /// The worksheet being read, by its index among those the import reads (``ImportReport/sheets``).
    private var sheet = 0
    /// A later worksheet whose header was not found after all: passed over, with a warning.
    private var sheetPassedOver = false
    /// The rejected-rows file's columns when the worksheets read have different headers (see
    /// ``SheetPlan/rejectsColumns``); nil when the rows' own header serves.
    private let rejectsColumns: [String]?
    /// Where each sheet's columns go among ``rejectsColumns``, by sheet, for those whose header
    /// is not them. Kept for all sheets: a batch settles after the next sheet's reading began.
    private var rejectsPositions: [Int: [Int]] = [:]
    /// The first header found: the rejected-rows file's columns unless ``rejectsColumns`` says
    /// otherwise (the header of the sheet being read may not be found yet when a batch settles).
    private var firstHeader: [String]?
    /// Lines read while looking for the header, and why the likeliest of them was not it.
    private var preamble: [Int] = []
    /// Of those, the ones with anything in them: blank rows (`,,,,,,,,` between a title block
    /// and the table) do not count toward the search's limit.
    private var preambleRows = 0
    private var closestHeaderFailure: (matches: Int, error: HotlineImportError)?
    /// The first row looked at for the header that other profiles bind, and their names.
    private var otherProfilesFit: (line: Int, columnCount: Int, profiles: [(name: String, matches: Int)])?
    private var mapper: HotlineRowMapper?
    /// Rows taken, in batches of `batchSize` as they fill: a batch is handed over whole (moved,
    /// not copied row by row, which cost a retain and a release of every field of every row).
    private let batchSize: Int
    private var filling: [HotlineRow] = []
    private var fullBatches: [[HotlineRow]] = []
    private var rejectsWriter: RejectedRowsWriter?
    /// The rejected rows on their way to the file, put in order.
    private var rejectsOrder = RejectedRowsInOrder()
    /// Closed by `close(into:)`, or when the session is dropped (an import that failed half-way).
    private var rejectsFile: FileHandle?
    /// The report's lists (spooled to disk beside the upload as they grow) and counts.
    let report: ImportReport
    /// `?ids=`: true lists every id, false none, nil lists them while the file is small.
    private let idsRequested: Bool?
    private var collectIDs: Bool
    private var rows = 0
    private let metrics = IntakeMetrics()
    /// Tickets of rejected rows, with the line of the first: a later row with the ticket is
    /// refused too. Bounded, so a file of nothing but bad rows keeps its memory flat.
    private var rejectedTickets: [String: (sheet: Int, line: Int)] = [:]
    /// Rows after the header hidden in the workbook's sheet (filtered out, or hidden by hand):
    /// read like the rest, and named in one warning so nobody is surprised.
    private var hiddenRows = RowLines()
    /// Rows after the header that took a cell's text merged down from a row above: one warning.
    private var filledRows = RowLines()
    /// The upload's start, read again for the header when another profile would decode it otherwise.
    private var fileHead: Data?
    static let rejectedTicketsTracked = 100_000

    init(
        importer: HotlineImporter, upload: SpooledUpload, raw: RawPayload, profile: HotlineProfile,
        encoding: CSVEncoding, fromWorkbook: Bool, includeIDs: Bool?, report: ImportReport, batchSize: Int,
        rejectsColumns: [String]? = nil
    ) throws {
        self.rejectsColumns = rejectsColumns
        self.fromWorkbook = fromWorkbook
        self.importer = importer
        self.batchSize = batchSize
        filling.reserveCapacity(batchSize)
        self.report = report
        self.upload = upload
        self.raw = raw
        self.profile = profile
        self.encoding = encoding
        readsDamagedUTF8 = !fromWorkbook && encoding == .utf8 && !upload.utf8.isValid
        idsRequested = includeIDs
        collectIDs = includeIDs ?? true
        do {
            reader = try CSVFileReader(encoding: encoding)
        } catch {
            throw HotlineImportError(code: "unsupported_encoding", "\(error)")
        }
    }

    /// Whether the header was read: `.some(nil)` bound, `.some(error)` unusable, nil not yet.
    var headerOutcome: HotlineImportError?? {
        if let headerFailure { return .some(headerFailure) }
        return header == nil ? nil : .some(nil)
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws {
        reader.feed(bytes) { record in self.take(record) }
    }

    mutating func finish() {
        if !fromWorkbook { reader.finish { record in self.take(record) } }
        endSheet()
    }

    /// Goes on to the next worksheet read (`index` among them): its own header, read as the first
    /// sheet's was, then its rows, numbered as Excel numbers them on that sheet.
    mutating func beginSheet(_ index: Int) {
        endSheet()
        sheet = index
        header = nil
        mapper = nil
        sheetPassedOver = false
        preamble = []
        preambleRows = 0
        closestHeaderFailure = nil
        otherProfilesFit = nil
        hiddenRows = RowLines()
        filledRows = RowLines()
    }

    /// The sheet (or file) is read: the row held back, the sheet's warnings, a header never found.
    private mutating func endSheet() {
        if let held = mapper?.release(before: nil) { handle(held) }
        for var warning in [hiddenRows.hiddenWarning, filledRows.mergedWarning].compactMap({ $0 }) {
            warning.sheet = sheet
            report.warningsOnRead.append(warning)
        }
        if header == nil && headerFailure == nil && !sheetPassedOver {
            failHeader(
                closestHeaderFailure.map { withProfileHint($0.error) }
                    ?? HotlineImportError(code: "empty_file", "the file has no header row"))
        }
    }

    /// The header cannot be used: the file is refused, or, on a later worksheet (whose header
    /// was seen to fit before the import began), the sheet is passed over with a warning.
    private mutating func failHeader(_ failure: HotlineImportError) {
        guard sheet > 0 else {
            headerFailure = failure
            return
        }
        sheetPassedOver = true
        let name = report.sheets.indices.contains(sheet) ? report.sheets[sheet] : ""
        report.warningsOnRead.append(
            ImportReport.RowIssue(
                line: 1, ticket: nil, reason: "worksheet \"\(name)\" was not read: \(failure.message)", sheet: sheet))
    }

    /// Takes one record: the header while it is looked for, a row after it.
    mutating func take(_ record: CSVRecord) {
        guard headerFailure == nil, !sheetPassedOver else { return }
        guard mapper != nil else {
            findHeader(record)
            return
        }
        if record.hidden { hiddenRows.add(record.line) }
        if record.filledDown { filledRows.add(record.line) }
        var record = record
        if fromWorkbook, let width = header?.names.count, case .fields(var fields) = record.kind, fields.count < width {
            fields.append(contentsOf: repeatElement("", count: width - fields.count))
            record.kind = .fields(fields)
        }
        // Mapped in place: a copy of the mapper per row would retain and release all it holds.
        if let held = mapper!.release(before: record) { handle(held) }
        handle(mapper!.map(record))
    }

    private mutating func handle(_ result: HotlineRowResult) {
        switch result {
        case .blank, .held:
            return
        case .repeatedHeader(let line):
            report.warningsOnRead.append(
                ImportReport.RowIssue(
                    line: line, ticket: nil,
                    reason: "the header row again (files joined into one), not a call: skipped", sheet: sheet))
        case .summary(let line, let text):
            report.warningsOnRead.append(
                ImportReport.RowIssue(
                    line: line, ticket: nil, reason: "a totals row (\"\(text)\"), not a call: skipped", sheet: sheet))
        case .footnote(let line, let text):
            report.warningsOnRead.append(
                ImportReport.RowIssue(
                    line: line, ticket: nil, reason: "a note under the table (\"\(text)\"), not a call: skipped",
                    sheet: sheet))
        case .accepted(var row):
            rows += 1
            row.sheet = sheet
            if !rejectedTickets.isEmpty, let first = rejectedTickets[row.ticket] {
                // The first occurrence is the one kept, as for any repeated ticket: taking this
                // one instead would store the other call, and the first, once fixed and sent
                // back, would be dropped as its duplicate.
                var rejection = HotlineRejection(
                    line: row.line, ticket: row.ticket,
                    reason: "duplicate ticket id \(row.ticket) in this file (first at "
                        + "\(report.place(sheet: first.sheet, line: first.line)), which was rejected: fix that row)",
                    fields: row.fields)
                rejection.sheet = sheet
                rejectOnReading(rejection)
                return
            }
            if replacedBytes && row.fields.contains(where: { $0.contains("\u{FFFD}") }) {
                row.warnings.append(
                    "bytes that are not valid \(encoding.label) were replaced with \u{FFFD}: compare the row with the original"
                )
            }
            if filling.isEmpty { rejectsOrder.batchBegun(sheet: sheet, line: row.line) }
            filling.append(row)
            if filling.count >= batchSize {
                var full: [HotlineRow] = []
                full.reserveCapacity(batchSize)
                swap(&full, &filling)
                fullBatches.append(full)
            }
        case .rejected(var rejection):
            rows += 1
            rejection.sheet = sheet
            if let ticket = rejection.ticket, !ticket.isEmpty, rejectedTickets[ticket] == nil,
                rejectedTickets.count < Self.rejectedTicketsTracked
            {
                rejectedTickets[ticket] = (sheet, rejection.line)
            }
            rejectOnReading(rejection)
        }
    }

    /// Rows read before the header: exports and hand-made sheets often open with a title, the
    /// export time or blank lines. The first of the first ``headerSearchRows`` rows that binds
    /// the profile's required columns is the header; the rows above it are skipped and named in
    /// a warning (blank rows are passed over, not counted). When none does, the error is that of the row with the most known headers.
    private mutating func findHeader(_ record: CSVRecord) {
        // Excel's `sep=;` line named the separator; Excel shows no row for it either.
        if record.line == 1 && reader.separatorDirective { return }
        let names: [String]
        switch record.kind {
        case .fields(let fields): names = fields
        case .unterminatedQuote:
            failHeader(
                HotlineImportError(code: "bad_header", "line \(record.line): the header row has an unterminated quote"))
            return
        case .oversized(_, let limit):
            failHeader(
                HotlineImportError(
                    code: "bad_header",
                    "line \(record.line): the first row is longer than \(limit >> 20) MiB: this is not a call-log CSV"))
            return
        }
        do {
            let header = try HotlineHeader(names, line: record.line, profile: profile)
            self.header = header
            if firstHeader == nil { firstHeader = names }
            if let columns = rejectsColumns, columns != names {
                rejectsPositions[sheet] = SheetPlan.positions(of: names, in: columns)
            }
            self.mapper = HotlineRowMapper(profile: profile, header: header)
            if let first = preamble.first, let last = preamble.last {
                let lines = first == last ? "line \(first)" : "lines \(first)–\(last)"
                report.warningsOnRead.append(
                    ImportReport.RowIssue(
                        line: first, ticket: nil,
                        reason: "\(lines) before the header row (line \(record.line)) skipped: not call records",
                        sheet: sheet))
            }
            for note in header.notes {
                report.warningsOnRead.append(
                    ImportReport.RowIssue(line: record.line, ticket: nil, reason: note, sheet: sheet))
            }
        } catch let error as HotlineImportError where error.code == "missing_columns" {
            let matches = HotlineHeader.matches(names, profile: profile)
            if matches > closestHeaderFailure?.matches ?? -1 { closestHeaderFailure = (matches, error) }
            if otherProfilesFit == nil {
                let others = importer.profiles.values.filter { $0.name != profile.name }
                // The file's start, read once, when another profile would read it in another encoding.
                if fileHead == nil, others.contains(where: { encoding(for: $0) != encoding }) {
                    fileHead = Self.readHead(of: upload.url)
                }
                let fitting = others.compactMap { other in
                    fit(other, names: names, line: record.line).map { (name: other.name, matches: $0) }
                }
                if !fitting.isEmpty {
                    otherProfilesFit = (
                        record.line,
                        names.count { TextNormalizer.normalizeOptional($0) != nil },
                        fitting.sorted { ($0.matches, $1.name) > ($1.matches, $0.name) }
                    )
                }
            }
            preamble.append(record.line)
            if Self.countsInHeaderSearch(names) { preambleRows += 1 }
            if preambleRows >= Self.headerSearchRows {
                failHeader(withProfileHint(closestHeaderFailure?.error ?? error))
            }
        } catch let error as HotlineImportError {
            failHeader(error)
        } catch {
            failHeader(HotlineImportError(code: "bad_header", "\(error)"))
        }
    }

    /// How many of the header's columns `other` knows when the header at `line` fits it (nil when
    /// it does not), read with the encoding `other` would read the file in: a GBK export sent with a
    /// profile that reads non-UTF-8 files as Windows-1252 is seen in the 12345 profile's GB18030,
    /// not in the mojibake this import decoded.
    private func fit(_ other: HotlineProfile, names: [String], line: Int) -> Int? {
        let matches = { (names: [String]) -> Int? in
            (try? HotlineHeader(names, line: line, profile: other)) == nil
                ? nil : HotlineHeader.matches(names, profile: other)
        }
        let otherEncoding = encoding(for: other)
        guard otherEncoding != encoding else { return matches(names) }
        guard let head = fileHead, let reader = try? CSVFileReader(encoding: otherEncoding) else { return nil }
        var found: Int?
        var seen = false
        let read = { (record: CSVRecord) in
            if record.line == line, case .fields(let otherNames) = record.kind {
                seen = true
                found = matches(otherNames)
            }
        }
        head.withUnsafeBytes { reader.feed($0, read) }
        if !seen { reader.finish(read) }
        return found
    }

    /// The encoding `other` would read this upload in.
    private func encoding(for other: HotlineProfile) -> CSVEncoding {
        if fromWorkbook { return encoding }
        return other.encoding
            ?? CSVEncoding.detect(prefix: upload.prefix, utf8: upload.utf8, fallback: other.fallbackEncoding)
    }

    /// The first ``headerSearchBytes`` of the stored upload (empty when it cannot be read).
    private static func readHead(of url: URL) -> Data {
        guard let file = try? FileHandle(forReadingFrom: url) else { return Data() }
        defer { try? file.close() }
        return (try? file.read(upToCount: headerSearchBytes)) ?? Data()
    }

    /// A header the profile does not fit, sent with the wrong profile most likely: names the
    /// profiles whose required columns the file has, the one that knows most of its columns first.
    /// Several can fit (a profile that requires only a ticket id and a call time fits most
    /// exports), and dedup is per profile: a file taken under a poor fit and again under the right
    /// one is stored twice. So the hint says "best" only when one profile knows more columns than
    /// every other, and the upload page selects a profile only then.
    private func withProfileHint(_ error: HotlineImportError) -> HotlineImportError {
        guard let fit = otherProfilesFit, let best = fit.profiles.first else { return error }
        let columns = { (matches: Int) in "\(matches) of \(fit.columnCount) columns" }
        let hint: String
        if fit.profiles.count == 1 {
            hint =
                "fits profile \"\(best.name)\" (it knows \(columns(best.matches))): import the file with that profile"
        } else if fit.profiles[1].matches < best.matches {
            let rest = fit.profiles.dropFirst().map { "\"\($0.name)\" (\($0.matches))" }.joined(separator: ", ")
            hint =
                "fits profile \"\(best.name)\" best (it knows \(columns(best.matches)); also fit: \(rest)): "
                + "import the file with that profile"
        } else {
            let tied = fit.profiles.filter { $0.matches == best.matches }.map { "\"\($0.name)\"" }
            let rest = fit.profiles.dropFirst(tied.count).map { "\"\($0.name)\" (\($0.matches))" }
            hint =
                "fits profiles \(tied.joined(separator: " and ")) equally (each knows \(columns(best.matches))"
                + (rest.isEmpty ? "" : "; also fit: \(rest.joined(separator: ", "))")
                + "): choose the profile made for this export; the same file imported under two profiles is stored twice"
        }
        return HotlineImportError(code: error.code, error.message + "; the header at line \(fit.line) " + hint)
    }

    /// Rows looked at for the header before the file is refused.
    static let headerSearchRows = 10

    /// Whether a row is one of the ``headerSearchRows``: one with a value (blank rows are passed over).
    static func countsInHeaderSearch(_ names: [String]) -> Bool {
        names.contains { TextNormalizer.normalizeOptional($0) != nil }
    }
    /// The start of the file read again to try another profile's encoding on its header.
    static let headerSearchBytes = 256 << 10

    /// Lists a rejected row in the report (the file is written in order: ``RejectedRowsInOrder``).
    private func reject(_ rejection: HotlineRejection, into list: SpooledList<ImportReport.RowIssue>) {
        list.append(
            ImportReport.RowIssue(
                line: rejection.line, ticket: rejection.ticket, reason: rejection.reason, sheet: rejection.sheet))
        metrics.rejected(.hotline, code: "row_rejected")
    }

    /// A row rejected on reading: listed, and written to the file once every row before it is settled.
    private mutating func rejectOnReading(_ rejection: HotlineRejection) {
        reject(rejection, into: report.rejectedOnRead)
        for ready in rejectsOrder.rejectedOnReading(rejection) { writeRejected(ready) }
    }

    /// The oldest full batch; with `final` (the file is read), also the last, partial one.
    mutating func takeBatch(final: Bool) -> [HotlineRow]? {
        if !fullBatches.isEmpty { return fullBatches.removeFirst() }
        guard final, !filling.isEmpty else { return nil }
        var rest: [HotlineRow] = []
        swap(&rest, &filling)
        return rest
    }

    /// Counts a committed batch's outcomes into the report.
    mutating func settle(_ rows: [HotlineRow], _ outcomes: [BatchIntakeOutcome], into report: inout ImportReport) {
        var created = 0
        var duplicates = 0
        var rejected: [HotlineRejection] = []
        defer { for ready in rejectsOrder.settled(rejecting: rejected) { writeRejected(ready) } }
        // By index: `zip` handed out a copy of each whole row (a retain and a release for each of
        // its strings) where most rows need only their line number.
        for (index, outcome) in outcomes.enumerated() where index < rows.count {
            switch outcome {
            case .created(let id):
                created += 1
                report.accepted += 1
                for warning in rows[index].warnings {
                    report.warningsOnCommit.append(
                        ImportReport.RowIssue(
                            line: rows[index].line, ticket: rows[index].ticket, reason: warning,
                            sheet: rows[index].sheet)
                    )
                }
                noteID(rows[index], id)
            case .duplicate(let id):
                report.duplicates += 1
                duplicates += 1
                noteID(rows[index], id)
            case .changedDuplicate(let id, let earlier):
                report.duplicates += 1
                duplicates += 1
                noteID(rows[index], id)
                report.warningsOnCommit.append(
                    ImportReport.RowIssue(
                        line: rows[index].line, ticket: rows[index].ticket,
                        reason: changedReason(rows[index], id: id, earlier: earlier), sheet: rows[index].sheet))
            case .duplicateInUpload(let id, let firstLine, sameContent: true):
                // A row repeated as it was (pages of an export overlapping, files joined twice):
                // the call is stored once, so it counts as a re-upload's row does.
                report.duplicates += 1
                duplicates += 1
                noteID(rows[index], id)
                let first = firstLine.map { " (first at \(placeOfStored($0)))" } ?? ""
                report.warningsOnCommit.append(
                    ImportReport.RowIssue(
                        line: rows[index].line, ticket: rows[index].ticket,
                        reason: "ticket \(rows[index].ticket) again in this file\(first), saying the same as the "
                            + "complaint stored (\(id)): counted as a duplicate, not stored twice",
                        sheet: rows[index].sheet))
            case .duplicateInUpload(_, let firstLine, sameContent: false):
                let row = rows[index]
                let first = firstLine.map { " (first at \(placeOfStored($0)))" } ?? ""
                var rejection = HotlineRejection(
                    line: row.line, ticket: row.ticket,
                    reason: "duplicate ticket id \(row.ticket) in this file\(first)", fields: row.fields)
                rejection.sheet = row.sheet
                reject(rejection, into: report.rejectedOnCommit)
                rejected.append(rejection)
            }
        }
        metrics.accepted(.hotline, count: created)
        metrics.duplicate(.hotline, count: duplicates)
        if created > 0 { importer.pipeline.dispatcher.notifyNewWork() }
    }

    /// Why a ticket taken before and sent again with other content is only counted: the
    /// complaint keeps what was first sent, so the person uploading must hear what was not taken.
    private func changedReason(_ row: HotlineRow, id: String, earlier: Data) -> String {
        let fields = (try? ComplaintJSON.decode(earlier)).map { RowContent.differences($0, row.draft) } ?? []
        let names = fields.map { mapper?.header.name(of: $0) ?? $0.key }
        let what = names.isEmpty ? "its content" : names.joined(separator: ", ")
        return "ticket \(row.ticket) was taken before (\(id)); this row changes \(what), which is not applied: "
            + "the complaint keeps what was first sent"
    }

    /// Where the row whose line the store keeps as `stored` is (see ``HotlineImporter/storedLine(_:)``).
    private func placeOfStored(_ stored: Int) -> String {
        let (sheet, line) = HotlineImporter.sheetAndLine(stored)
        return report.place(sheet: sheet, line: line)
    }

    private mutating func noteID(_ row: HotlineRow, _ id: String) {
        guard collectIDs else { return }
        report.idsByLine.append(ImportReport.LineID(line: row.line, id: id, sheet: row.sheet))
        if idsRequested == nil && report.idsByLine.count > HotlineImporter.idsByDefaultUpTo {
            // A large file: the ids are not listed unless asked for.
            collectIDs = false
            report.idsByLine.removeAll()
        }
    }

    /// Writes the report's lists, closes the rejected-rows file.
    mutating func close(into report: inout ImportReport, includeIDs: Bool?) throws {
        report.rows = rows
        if !(includeIDs ?? (rows <= HotlineImporter.idsByDefaultUpTo)) { report.idsByLine.removeAll() }
        for ready in rejectsOrder.rest() { writeRejected(ready) }
        if let file = rejectsFile {
            rejectsFile = nil
            let synced = (try? file.synchronize()) != nil
            try? file.close()
            if synced { report.rejectedCSVPath = "/v1/hotline/imports/\(raw.id)/rejected.csv" }
        }
    }

    private mutating func writeRejected(_ rejection: HotlineRejection) {
        guard let columns = rejectsColumns ?? firstHeader else { return }
        if rejectsWriter == nil {
            guard
                let writer = try? RejectedRowsWriter(header: columns, encoding: encoding, separator: reader.separator)
            else { return }
            let url = importer.files.rejectedRows(rawID: raw.id)
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
            guard descriptor >= 0 else { return }
            rejectsFile = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            rejectsWriter = writer
            // Staff open this file in Excel, which reads UTF-8 and UTF-16 right only after a
            // byte-order mark (a Chinese Excel takes UTF-8 without one for GBK): it gets one
            // whenever the encoding has one Excel knows, even if the upload had none.
            let withMark =
                CSVEncoding.fromByteOrderMark(upload.prefix) != nil
                || [.utf8, .utf16LE, .utf16BE].contains(encoding)
            write(
                writer.headerLine(
                    columns, withByteOrderMark: withMark, encoding: encoding, directive: reader.separatorDirective))
        }
        guard let rejectsWriter else { return }
        var rejection = rejection
        if let positions = rejectsPositions[rejection.sheet] {
            // Laid out in the file's columns: each value under its own column's name, the
            // columns this sheet lacks left empty, values past its header kept at the end.
            var fields = [String](repeating: "", count: columns.count)
            for (index, value) in rejection.fields.prefix(positions.count).enumerated() {
                fields[positions[index]] = value
            }
            rejection.fields = fields + rejection.fields.dropFirst(positions.count)
        }
        write(rejectsWriter.row(rejection, place: report.lineKey(sheet: rejection.sheet, line: rejection.line)))
    }

    private func write(_ bytes: [UInt8]) {
        try? rejectsFile?.write(contentsOf: bytes)
    }
}
