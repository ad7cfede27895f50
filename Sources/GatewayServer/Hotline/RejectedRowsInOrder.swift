import HotlineCSVAdapter

/// Holds back rejected rows until every row before them is settled, so the rejected-rows file
/// lists them in sheet and line order, as the report does, though some rows are rejected only
/// when their batch commits (a ticket repeated with other content), after rows read later.
///
/// Rows are read in order, so a row rejected on reading comes after every row read before it:
/// it waits while any of those is in a batch not yet committed. Batches settle in the order
/// they were filled; when one does, its rejections and the waiting rows before the next
/// unsettled batch's first row are handed out, merged. At most the rows of the batches in
/// flight wait.
struct RejectedRowsInOrder {
    private struct Place: Comparable {
        var sheet: Int
        var line: Int

        static func < (lhs: Place, rhs: Place) -> Bool { (lhs.sheet, lhs.line) < (rhs.sheet, rhs.line) }

        init(_ rejection: HotlineRejection) {
            sheet = rejection.sheet
            line = rejection.line
        }

        init(sheet: Int, line: Int) {
            self.sheet = sheet
            self.line = line
        }
    }

    /// The first row of each batch filled and not yet settled, oldest first.
    private var unsettledStarts: [Place] = []
    private var settledCount = 0
    /// Rows rejected on reading, in order, waiting for the batches before them.
    private var waiting: [HotlineRejection] = []

    /// A batch begins with the row at `line` of `sheet`.
    mutating func batchBegun(sheet: Int, line: Int) {
        unsettledStarts.append(Place(sheet: sheet, line: line))
    }

    /// A row rejected on reading: what may be written now.
    mutating func rejectedOnReading(_ rejection: HotlineRejection) -> [HotlineRejection] {
        guard settledCount == unsettledStarts.count else {
            waiting.append(rejection)
            return []
        }
        return [rejection]
    }

    /// The oldest unsettled batch committed, rejecting `rejected` (in its rows' order): what may
    /// be written now, in order.
    mutating func settled(rejecting rejected: [HotlineRejection]) -> [HotlineRejection] {
        settledCount += 1
        // Done with: dropped now and then, not at each batch (the front of an array).
        if settledCount == unsettledStarts.count || settledCount >= 64 {
            unsettledStarts.removeFirst(settledCount)
            settledCount = 0
        }
        let limit = settledCount < unsettledStarts.count ? unsettledStarts[settledCount] : nil
        let ready = limit.map { limit in waiting.prefix { Place($0) < limit }.count } ?? waiting.count
        guard ready > 0 else { return rejected }
        let earlier = waiting.prefix(ready)
        waiting.removeFirst(ready)
        guard !rejected.isEmpty else { return Array(earlier) }
        var merged: [HotlineRejection] = []
        merged.reserveCapacity(earlier.count + rejected.count)
        var (left, right) = (earlier.startIndex, rejected.startIndex)
        while left < earlier.endIndex || right < rejected.endIndex {
            if right == rejected.endIndex || left < earlier.endIndex && Place(earlier[left]) < Place(rejected[right]) {
                merged.append(earlier[left])
                left += 1
            } else {
                merged.append(rejected[right])
                right += 1
            }
        }
        return merged
    }

    /// Whatever still waits (the file read and every batch settled, or the import stopped).
    mutating func rest() -> [HotlineRejection] {
        defer { waiting.removeAll() }
        return waiting
    }
}
