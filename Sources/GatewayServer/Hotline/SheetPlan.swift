import HotlineCSVAdapter

/// Which worksheets of a workbook an import reads: every shown one whose header (among its first
/// rows, as an import looks for it) fits the profile, in tab order. So a log kept by month, a
/// sheet each, is read whole, and a summary or a cover sheet is passed by, as is a sheet named as
/// holding no calls (an example, deleted tickets) beside the others. Settled from the
/// sheets' first rows before anything is recorded.
///
/// The sheets' rows go back in one rejected-rows file, whose columns are every read sheet's
/// (a column added in March, columns in another order): each rejected row is laid out in them.
struct SheetPlan {
    /// The sheets read, by their order among those the workbook shows.
    private(set) var orders: [Int] = []
    /// Their names.
    private(set) var names: [String] = []
    /// The header row of each, as the sheet has it.
    private var headers: [[String]] = []
    /// Shown sheets whose header does not fit, by name; empty sheets (an older Excel's new
    /// workbook holds Sheet2 and Sheet3) are not among them: nothing is left unread there.
    private var unfit: [String] = []
    /// Sheets whose header fits but whose name says they hold no calls (``NoCallsSheetName``).
    private var namedNoCalls: [String] = []

    /// Whether the sheets read are those the sender named (``SheetChoice``).
    private var named = false
    /// Whether the plan read sheets' first rows: the reader must then go back to the first
    /// sheet to read before the import reads its rows.
    private(set) var lookedAtSheets = false

    /// The plan for `workbook` (its sheets read again from their first rows): just the first
    /// sheet when the workbook shows one, or when none fits (the import then refuses its header).
    /// With `chosen` (the orders of the sheets the sender named), those sheets, in that order.
    /// - Throws: `unfit_sheet` when some named sheets fit and others do not: reading only some of
    ///   what was asked for would pass for the whole.
    init(_ workbook: WorkbookReader, profile: HotlineProfile, chosen: [Int] = []) throws(HotlineImportError) {
        if !chosen.isEmpty {
            try readNamed(chosen, of: workbook, profile: profile)
            return
        }
        guard workbook.shownSheets > 1 else {
            orders = [workbook.sheetOrder]
            names = [workbook.sheetName]
            return
        }
        unfit = readFitting(0..<workbook.shownSheets, of: workbook, profile: profile).unfit
        passOverNamedNoCalls()
        if orders.isEmpty {
            readFirst(0, of: workbook)
            unfit.removeAll()
        }
    }

    /// The plan reading the sheets named, the one named first when none fits (the import then
    /// refuses its header, as it says precisely what is missing).
    private mutating func readNamed(
        _ chosen: [Int], of workbook: WorkbookReader, profile: HotlineProfile
    ) throws(HotlineImportError) {
        named = true
        let passed = readFitting(chosen, of: workbook, profile: profile)
        if orders.isEmpty {
            readFirst(chosen[0], of: workbook)
        } else if !passed.unfit.isEmpty || !passed.empty.isEmpty {
            let refused =
                passed.unfit.map { "\"\($0)\" has no header that fits profile \"\(profile.name)\"" }
                + passed.empty.map { "\"\($0)\" holds nothing" }
            throw HotlineImportError(
                code: "unfit_sheet",
                "of the worksheets named to be read, \(refused.joined(separator: "; ")) (each looked at "
                    + "in its first \(ImportSession.headerSearchRows) rows): leave such a sheet out, or fix it, and "
                    + "upload the file again")
        }
    }

    /// Takes those of the sheets `candidates` whose header fits `profile`, in that order; answers
    /// the names of the others, which hold values or nothing.
    private mutating func readFitting(
        _ candidates: some Sequence<Int>, of workbook: WorkbookReader, profile: HotlineProfile
    ) -> (unfit: [String], empty: [String]) {
        var passed: (unfit: [String], empty: [String]) = ([], [])
        lookedAtSheets = true
        for order in candidates {
            let name = workbook.shownSheetNames[order]
            switch Self.header(workbook, profile: profile, sheetOrder: order) {
            case .fits(let header):
                orders.append(order)
                headers.append(header)
                names.append(name)
            case .unfit: passed.unfit.append(name)
            case .empty: passed.empty.append(name)
            }
        }
        return passed
    }

    /// Reads the sheet `order` alone, none having fitted: the import refuses its header.
    private mutating func readFirst(_ order: Int, of workbook: WorkbookReader) {
        orders = [order]
        names = [workbook.shownSheetNames[order]]
        headers = []
    }

    /// Leaves out the fitting sheets whose names say they hold no calls (a template, an example,
    /// deleted tickets), so long as another fitting sheet is read: a workbook whose only fitting
    /// sheet is called so (`模板导入`) is read as before, a lone sheet being what staff meant.
    private mutating func passOverNamedNoCalls() {
        let kept = orders.indices.filter { NoCallsSheetName.word(in: names[$0]) == nil }
        guard !kept.isEmpty, kept.count < orders.count else { return }
        namedNoCalls = orders.indices.filter { !kept.contains($0) }.map { names[$0] }
        orders = kept.map { orders[$0] }
        headers = kept.map { headers[$0] }
        names = kept.map { names[$0] }
    }

    /// What a sheet's first rows hold.
    private enum Header {
        /// A row that fits the profile: the header.
        case fits([String])
        /// Values, none of the rows a header that fits (a summary, a cover, notes).
        case unfit
        /// No value at all.
        case empty
    }

    /// The header row of the `sheetOrder`-th shown worksheet, when one among its first rows fits
    /// `profile`.
    private static func header(_ reader: WorkbookReader, profile: HotlineProfile, sheetOrder: Int) -> Header {
        guard (try? reader.read(sheetOrder: sheetOrder)) != nil else { return .unfit }
        var rows = 0
        var found: [String]?
        while found == nil && rows < ImportSession.headerSearchRows {
            let read = try? reader.step { record in
                guard found == nil, rows < ImportSession.headerSearchRows, case .fields(let names) = record.kind,
                    ImportSession.countsInHeaderSearch(names)
                else { return }
                rows += 1
                if (try? HotlineHeader(names, line: record.line, profile: profile)) != nil { found = names }
            }
            guard let read, read > 0 else { break }
        }
        if let found { return .fits(found) }
        return rows == 0 ? .empty : .unfit
    }

    /// The rejected-rows file's columns when the sheets read do not all have the first one's
    /// header: every column of each, in the order first met (a name twice in a sheet, twice).
    var rejectsColumns: [String]? { Self.columns(of: headers) }

    /// Every column of `headers`, in the order first met; nil when they are all the same.
    static func columns(of headers: [[String]]) -> [String]? {
        guard let first = headers.first, headers.contains(where: { $0 != first }) else { return nil }
        var columns: [String] = []
        for header in headers {
            var seen: [String: Int] = [:]
            for name in header {
                seen[name, default: 0] += 1
                if columns.count(where: { $0 == name }) < seen[name]! { columns.append(name) }
            }
        }
        return columns
    }

    /// Where each of `header`'s columns goes among `columns` (which hold all of them).
    static func positions(of header: [String], in columns: [String]) -> [Int] {
        var taken = Set<Int>()
        return header.map { name in
            let position = columns.indices.first { columns[$0] == name && !taken.contains($0) } ?? 0
            taken.insert(position)
            return position
        }
    }

    /// The warning, at the first line, that names the worksheets read and those not read.
    func warning(_ workbook: WorkbookReader, profile: String) -> ImportReport.RowIssue? {
        // A sheet a day makes hundreds: the first dozen are named (the report lists them all).
        let quoted = { (names: [String]) in
            names.prefix(12).map { "\"\($0)\"" }.joined(separator: ", ")
                + (names.count > 12 ? ", … (\(names.count - 12) more)" : "")
        }
        let hidden = ([workbook.sheetName] + workbook.otherSheets).filter {
            !workbook.shownSheetNames.contains($0)
        }
        var notRead: [String] = []
        // Named sheets: the others are said too, as a name left in the page's field from the
        // last upload could read a sheet of this workbook alone without anyone meaning it.
        let notNamed = named ? workbook.shownSheetNames.filter { !names.contains($0) } : []
        if !notNamed.isEmpty { notRead.append("\(quoted(notNamed)), not named") }
        if !unfit.isEmpty { notRead.append("\(quoted(unfit)), whose header does not fit profile \"\(profile)\"") }
        if !namedNoCalls.isEmpty {
            notRead.append(
                "\(quoted(namedNoCalls)), named as holding no calls to take (a template, an example, deleted or "
                    + "voided tickets, a backup, a test: rename a sheet to have it read)")
        }
        if !hidden.isEmpty { notRead.append("\(quoted(hidden)), hidden") }
        let others = notRead.isEmpty ? "" : "; not read: " + notRead.joined(separator: "; ")
        if named && names.count > 1 {
            return ImportReport.RowIssue(
                line: 1, ticket: nil,
                reason: "read from the workbook's \(names.count) worksheets named to be read (\(quoted(names))), "
                    + "each row named by its worksheet and line\(others)")
        }
        if names.count > 1 {
            return ImportReport.RowIssue(
                line: 1, ticket: nil,
                reason: "read from the workbook's \(names.count) worksheets whose header fits profile \"\(profile)\" "
                    + "(\(quoted(names))), each row named by its worksheet and line\(others)")
        }
        guard !others.isEmpty else { return nil }
        return ImportReport.RowIssue(
            line: 1, ticket: nil,
            reason: "read from the workbook's worksheet \"\(names[0])\"\(named ? ", named to be read" : "")\(others)")
    }
}
