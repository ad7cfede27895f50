import Foundation
import Testing

@testable import ComplaintDispatch

/// The one request the TLS and proxy tests send, and what they expect of it.
extension HTTP1Transport {
    /// POSTs a small complaint to `url`, patient enough for a loaded machine.
    func postComplaint(to url: String) async -> TransportResult {
        await post(
            url: url, headers: [HeaderField(name: "Content-Type", value: "application/json")],
            body: Data(#"{"text":"路灯不亮"}"#.utf8), timeout: 60)
    }

    /// Posts; records an issue unless the endpoint answered 200 `ok`.
    func expectOK(_ url: String, sourceLocation: SourceLocation = #_sourceLocation) async -> Bool {
        let result = await postComplaint(to: url)
        guard case .response(200, _, "ok") = result else {
            Issue.record("expected 200 from \(url), got \(result)", sourceLocation: sourceLocation)
            return false
        }
        return true
    }

    /// Posts; returns why it failed, or records an issue if the endpoint answered.
    func expectFailure(_ url: String, sourceLocation: SourceLocation = #_sourceLocation) async -> String? {
        let result = await postComplaint(to: url)
        guard case .failed(let reason) = result else {
            Issue.record("expected a failure from \(url), got \(result)", sourceLocation: sourceLocation)
            return nil
        }
        return reason
    }
}
