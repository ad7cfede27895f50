import Foundation
import Synchronization

/// The form parameters of the last body parsed, kept for the next caller with the same body.
///
/// A provider reads a form body twice, to check its signature and to build the record; parsing it
/// once halves the work. The body is compared on every hit (a few hundred bytes), so a copy of the
/// request whose body was changed never sees another body's parameters.
final class FormMemo: Sendable {
    private let last = Mutex<(body: Data, parameters: [FormParameter])?>(nil)

    /// `body` parsed as `application/x-www-form-urlencoded`.
    func parameters(of body: Data) -> [FormParameter] {
        if let hit = last.withLock({ $0 }), hit.body == body { return hit.parameters }
        let parameters = FormURLEncoded.parse(body)
        last.withLock { $0 = (body, parameters) }
        return parameters
    }
}
