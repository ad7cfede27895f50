import ComplaintCore
import Foundation

/// What a call row says, for telling whether a ticket sent again in a later upload says something
/// else than when it was taken.
///
/// Only what the department acts on counts: the call time, the caller, the category, the subject,
/// the text and the place. Columns that go to `source.extra` are left out (a later export must not
/// read as changed because a processing status or an agent's note moved on), and so is a district
/// found from the address (it follows the profile's list, not the row).
public enum RowContent {
    /// The fields compared, each with how its value is read from a record.
    static let fields: [(field: HotlineField, value: @Sendable (Complaint) -> String)] = [
        // Whole seconds: the stored record keeps no more.
        (.callTime, { String(Int64($0.receivedAt.timeIntervalSince1970.rounded(.down))) }),
        (
            .phone,
            {
                let raw: String? =
                    if case .string(let text)? = $0.source.extra["complainant_phone_raw"] { text } else { nil }
                return ($0.complainant.phone ?? raw ?? "") + ($0.complainant.anonymous ? "\u{1}anonymous" : "")
            }
        ),
        (.name, { $0.complainant.name ?? "" }),
        (.category, { $0.category ?? "" }),
        (.subject, { $0.subject ?? "" }),
        (.text, { $0.text }),
        (.address, { $0.location.address ?? "" }),
    ]

    /// A 64-bit FNV-1a hash of the compared fields: cheap enough for every row of a large file,
    /// and a false "unchanged" needs two different rows of one ticket to collide.
    public static func fingerprint(_ record: Complaint) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (_, value) in fields {
            for byte in value(record).utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            // A separator no field holds, so "ab","c" and "a","bc" differ.
            hash = (hash ^ 0x1F) &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// The fields in which `later` says something else than `earlier`, in the profile's terms.
    public static func differences(_ earlier: Complaint, _ later: Complaint) -> [HotlineField] {
        fields.compactMap { field, value in value(earlier) == value(later) ? nil : field }
    }
}
