import ComplaintCore
import Foundation

/// The text of a number cell as the call log means it: a date or time as text the profiles'
/// formats read, a phone number or a ticket number with all its digits, anything else as Excel
/// shows it in the "General" format.
enum NumberCellText {
    /// - Parameters:
    ///   - value: The number as the sheet stores it (`<v>46329.34377314815</v>`).
    ///   - date1904: The workbook counts days from 1904-01-01 (old Mac Excel) instead of 1899-12-30.
    static func text(_ value: String, kind: WorkbookStyles.NumberKind, date1904: Bool) -> String {
        guard let number = Double(value), number.isFinite else { return value }
        return text(number: number, kind: kind, date1904: date1904)
    }

    /// The text of a number an Excel 97–2003 workbook stores as such.
    static func text(number: Double, kind: WorkbookStyles.NumberKind, date1904: Bool) -> String {
        guard number.isFinite else { return "#NUM!" }
        switch kind {
        case .number:
            return general(number)
        case .duration:
            // Checked as a Double first: a number past Int's range (1E+300 in a cell formatted as a
            // duration or date) is no duration and no date, shown as Excel's General shows it.
            guard number >= 0, number < 1e12 else { return general(number) }
            let seconds = Int((number * 86_400).rounded())
            return "\(seconds / 3600):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        case .date, .time, .dateTime:
            // Rounded to the second: a time of day is stored as a fraction of a day, never exact.
            guard number >= 0, number < 2_958_466 else { return general(number) }
            let total = Int((number * 86_400).rounded())
            guard total < 2_958_466 * 86_400 else { return general(number) }
            let epoch = date1904 ? -24_107 : -25_569  // 1904-01-01 and 1899-12-30 in days from 1970-01-01
            let (year, month, day) = CivilCalendar.date(days: epoch + total / 86_400)
            let seconds = total % 86_400
            let date = "\(year)-\(two(month))-\(two(day))"
            let time = "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
            switch kind {
            case .date: return seconds == 0 ? date : "\(date) \(time)"
            case .time: return number < 1 ? time : "\(date) \(time)"
            default: return "\(date) \(time)"
            }
        }
    }

    /// Whole numbers of up to 15 digits exactly (an 11-digit mobile number; an 18-digit ticket
    /// id stored as text stays text), others with Excel's 15 significant digits, trailing zeros
    /// dropped: `0.30000000000000004` is `0.3`, as the cell shows it.
    static func general(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        var text = String(format: "%.15g", number)
        if text.contains("e") {
            // Written as Excel writes it (`3.30102199001011E+17`): a number past Excel's 15 digits
            // lost its last ones when it was typed, and the rows' checks say so in Excel's words.
            return text.uppercased()
        }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
