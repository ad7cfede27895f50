/// Where a document that holds its worksheets one after another (an OpenDocument spreadsheet's
/// `content.xml`, an XML Spreadsheet 2003) is among them, and whose rows are kept: the sheet read
/// (``target``), and any later one the read meets before the target's rows are all taken (the
/// document is read a piece at a time, and a piece may run on into the next sheet). Those wait
/// for their sheet to be read next.
struct SheetSequence {
    /// The sheet whose rows are read, by its place in the document from 0.
    private(set) var target: Int
    /// Sheets begun so far: the one being read is the last of them.
    private var begun = 0
    /// Sheets ended so far.
    private var ended = 0
    /// Rows of sheets after the target, by sheet, in the order read.
    private var ahead: [(sheet: Int, record: CSVRecord)] = []

    init(target: Int) { self.target = target }

    /// Whether the document is inside the target or a later sheet: its rows are read (an earlier
    /// one's are passed over).
    var readsRows: Bool { begun > ended && begun - 1 >= target }

    /// Whether the target is read to its end.
    var targetEnded: Bool { ended > target }

    /// A sheet begins; its rows are read when ``readsRows`` says so.
    mutating func begin() { begun += 1 }

    /// The sheet being read ends.
    mutating func end() { ended = begun }

    /// Keeps a row of the sheet being read: the target's among `completed`, a later one's until
    /// its sheet is read.
    mutating func keep(_ record: CSVRecord, in completed: inout [CSVRecord]) {
        if begun - 1 == target {
            completed.append(record)
        } else {
            ahead.append((begun - 1, record))
        }
    }

    /// Reads `sheet`, which comes after the target, from here on; returns its rows met already
    /// (the old target's rows not taken are no longer wanted, nor are those of sheets between).
    mutating func advance(to sheet: Int) -> [CSVRecord] {
        precondition(sheet > target, "a sheet before the one read is read from the document's start")
        target = sheet
        let met = ahead.filter { $0.sheet == sheet }.map(\.record)
        ahead.removeAll { $0.sheet <= sheet }
        return met
    }
}

/// A worksheet's rows read from a document that holds every sheet (see ``SheetSequence``).
protocol SequencedSheetRecords: SheetRecords {
    var sequence: SheetSequence { get set }
}
