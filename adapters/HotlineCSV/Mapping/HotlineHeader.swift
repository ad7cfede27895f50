import ComplaintCore

/// A file's header row bound to a profile: which column feeds which field, and which are unknown.
public struct HotlineHeader: Sendable {
    /// The header fields as written in the file.
    public let names: [String]
    /// For each column index, the profile column it feeds (nil: unknown, goes to `source.extra`).
    let bindings: [HotlineColumn?]
    /// Indexes of the columns bound to each field.
    let ticketIndex: Int
    let callTimeIndex: Int
    /// The column holding the call's time of day, when the export writes it apart from the date.
    let clockIndex: Int?
    /// Columns that named a field another column feeds (kept in `source.extra`), or that share
    /// another's `source.extra` key, for the report.
    public let notes: [String]
    /// For each column the profile does not know, its `source.extra` key; nil for bound columns
    /// and for the `line` and `reason` a rejected-rows file sent back carries.
    let extraKeys: [String?]

    /// The headers the rejected-rows file adds; ignored when a file sent back comes in again.
    public static let rejectsColumns = ["line", "reason"]
    /// The header ends in ``rejectsColumns``: a rejected-rows file sent back.
    public var sentBack: Bool { reasonIndex != nil }
    /// In a file sent back, the index of its `reason` column. Empty header cells may follow it: a
    /// spreadsheet pads the header to its widest row, and an unfixed row split by a comma is one
    /// wider than the header.
    let reasonIndex: Int?
    /// How many columns a row has before the `line` and `reason` of a file sent back (all, else).
    var dataWidth: Int { reasonIndex.map { $0 - 1 } ?? names.count }

    /// The file's name for the column feeding `field`, nil when none does.
    public func name(of field: HotlineField) -> String? {
        bindings.firstIndex { $0?.field == field }.map { names[$0] }
    }

    /// Binds `names`, the fields of the file's line `line`, to `profile`.
    ///
    /// Exports often carry several columns a profile knows for one field (来电时间 and 受理时间,
    /// 来电号码 and 联系电话): the one named by the earlier header in the profile's list (its
    /// `header`, then its `aliases` in order) feeds the field, the others go to `source.extra`
    /// under their own names, and ``notes`` says so.
    /// - Throws: ``HotlineImportError`` when a required column is missing, or two columns carry
    ///   the same name for one field.
    public init(_ names: [String], line: Int = 1, profile: HotlineProfile) throws {
        self.names = names
        var bindings = [HotlineColumn?](repeating: nil, count: names.count)
        var bound: [HotlineField: (index: Int, rank: Int)] = [:]
        var notes: [String] = []
        for (index, name) in names.enumerated() {
            guard let (column, rank) = Self.column(named: name, in: profile) else { continue }
            guard let earlier = bound[column.field] else {
                bound[column.field] = (index, rank)
                bindings[index] = column
                continue
            }
            if earlier.rank == rank {
                throw HotlineImportError(
                    code: "duplicate_column",
                    "line \(line): columns \(earlier.index + 1) (\"\(names[earlier.index])\") and \(index + 1) (\"\(name)\") both feed \(column.field.key)"
                )
            }
            let (kept, other) = rank < earlier.rank ? (index, earlier.index) : (earlier.index, index)
            bindings[other] = nil
            bindings[kept] = column
            bound[column.field] = rank < earlier.rank ? (index, rank) : earlier
            notes.append(
                "columns \(min(kept, other) + 1) and \(max(kept, other) + 1) both name \(column.field.key): "
                    + "\"\(names[kept])\" is used, \"\(names[other])\" goes to source.extra")
        }
        reasonIndex = Self.reasonIndex(names)
        extraKeys = Self.extraKeys(names, bindings: bindings, profile: profile, notes: &notes)
        self.notes = notes
        let missing = profile.columns.filter { $0.required && bound[$0.field] == nil }
        if !missing.isEmpty {
            let list = missing.map { "\($0.field.key) (\($0.headers.map { "\"\($0)\"" }.joined(separator: " or ")))" }
            throw HotlineImportError(
                code: "missing_columns",
                "line \(line): the header has no column for \(list.joined(separator: ", ")); profile \(profile.name) expects "
                    + "them (found: \(Self.shown(names)))")
        }
        self.bindings = bindings
        ticketIndex = bound[.ticketID]!.index
        callTimeIndex = bound[.callTime]!.index
        clockIndex = bound[.callClock]?.index
    }

    /// The keys unknown columns take in `source.extra`: the header as written, `column_N` for a
    /// column without one (notes typed beside the table). A key another column or the profile
    /// already uses (two columns headed 备注, a column headed `agent` beside the profile's agent
    /// column) gets `_2`, `_3`…: no value overwrites another.
    private static func extraKeys(
        _ names: [String], bindings: [HotlineColumn?], profile: HotlineProfile, notes: inout [String]
    ) -> [String?] {
        var used = ProfileColumnKeys.extraKeysTaken
        for column in profile.columns { if case .extra(let key) = column.field { used.insert(key) } }
        // A rejected-rows file sent back ends in our two columns; elsewhere they are data.
        let reasonIndex = reasonIndex(names)
        var firstColumn: [String: Int] = [:]
        return names.indices.map { index in
            guard bindings[index] == nil else { return nil }
            if let reasonIndex, index == reasonIndex || index == reasonIndex - 1 { return nil }
            let written = TextNormalizer.normalize(names[index])
            if written.isEmpty { return "column_\(index + 1)" }
            var key = written
            var suffix = 2
            while used.contains(key) {
                key = "\(written)_\(suffix)"
                suffix += 1
            }
            if key != written {
                let other = firstColumn[written].map { "column \($0 + 1)" } ?? "the profile"
                notes.append(
                    "column \(index + 1) (\"\(written)\") has the name \(other) uses: its values go to source.extra as \"\(key)\""
                )
            }
            used.insert(key)
            if firstColumn[written] == nil { firstColumn[written] = index }
            return key
        }
    }

    /// The index of `reason` when the header ends in ``rejectsColumns``, followed by nothing but
    /// empty cells; nil when it does not.
    private static func reasonIndex(_ names: [String]) -> Int? {
        guard let last = names.lastIndex(where: { !TextNormalizer.normalize($0).isEmpty }), last >= 1 else {
            return nil
        }
        let written = names[(last - 1)...last].map { TextNormalizer.normalize($0).lowercased() }
        return written == rejectsColumns ? last : nil
    }

    /// How many of `names` are headers of `profile`'s columns: among rows that are not the header,
    /// the one with the most is the header that was meant.
    public static func matches(_ names: [String], profile: HotlineProfile) -> Int {
        names.count { column(named: $0, in: profile) != nil }
    }

    /// The profile column a header names (trimmed, case-insensitive, header or alias), and the
    /// name's place in that column's list (0 for its `header`).
    private static func column(named name: String, in profile: HotlineProfile) -> (HotlineColumn, Int)? {
        let normalized = HeaderName.normalize(FieldText.unescapeFormula(name))
        for column in profile.columns {
            if let rank = column.headers.firstIndex(where: { HeaderName.normalize($0) == normalized }) {
                return (column, rank)
            }
        }
        return nil
    }
}

/// The import as a whole cannot go on (bad header, unknown profile, unreadable file).
extension HotlineHeader {
    /// The header cells for a message: each cut to 40 characters, at most 30 of them, so that a
    /// first line of binary noise or a 500 KB cell does not become the message.
    static func shown(_ names: [String]) -> String {
        var shown = names.prefix(30).map { name in
            let cut = name.count > 40 ? name.prefix(40) + "…" : name[...]
            return "\"\(cut)\""
        }
        if names.count > 30 { shown.append("… \(names.count - 30) more") }
        return shown.joined(separator: ", ")
    }
}

public struct HotlineImportError: Error, Sendable, CustomStringConvertible {
    /// Stable short code (`missing_columns`, `unknown_profile`, `empty_file`…).
    public var code: String
    public var message: String
    /// The kept upload the refusal is about, when its caller keeps uploads (the gateway's quarantine).
    public var rawID: String?

    public init(code: String, _ message: String, rawID: String? = nil) {
        self.code = code
        self.message = message
        self.rawID = rawID
    }

    public var description: String { message }
}
