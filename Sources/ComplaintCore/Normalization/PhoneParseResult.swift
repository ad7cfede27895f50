/// What ``PhoneNormalizer`` made of one raw phone field.
///
/// The cases are kept apart because they mean different things downstream: an empty field
/// is missing data, a withheld caller chose to hide the number, and an invalid value is kept
/// verbatim so a person can still read what the channel sent.
public enum PhoneParseResult: Sendable, Equatable {
    /// A valid number in E.164 form, such as `+8613812345678`.
    case e164(String)
    /// The field was empty or only whitespace.
    case empty
    /// The caller hid the number (`匿名`, `anonymous`, `private`, …).
    case withheld
    /// Not a recognisable number; carries the original input with its ends trimmed.
    case invalid(String)
}
