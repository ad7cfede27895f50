import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

extension ServerSettings {
    /// The HTTP/1.1 channel: the read timeout and the header limits, with a 431 when a header limit
    /// is passed, `100 Continue` for requests that wait for it, a close instead of reading a
    /// refused request's body, a close for a body that comes too slowly, and HTTP/1.1 for requests
    /// that ask to switch protocols. `maxMessageBytes`: the email route's own body limit.
    func http1Configuration(maxMessageBytes: Int, logger: Logger) -> HTTP1Channel.Configuration {
        let maxHeaderBytes = maxHeaderBytes
        let maxHeaders = maxHeaders
        let maxUploadBytes = maxUploadBytes
        // The most the route at a path takes (what each route passes to its body reader).
        let maxBodyBytes = maxBodyBytes
        let maxFormBytes = maxFormBytes
        let bodyGrace = TimeAmount.seconds(Int64(bodyTimeoutSeconds))
        let bodyMinRate = bodyMinRate
        let bodyLimit: @Sendable (String, String?) -> Int = { path, contentType in
            if path.hasPrefix("/v1/hotline/") { return maxUploadBytes }
            // A complaint with its files as a form.
            if path == "/v1/complaints", APISubmissionForm.isForm(contentType: contentType) { return maxFormBytes }
            // A forwarder's form carries its own fields beside the message (held to the limit itself).
            guard path == "/v1/email" else { return maxBodyBytes }
            if let contentType, contentType.lowercased().hasPrefix("application/json") {
                return EmailRoutes.postmarkLimit(maxMessageBytes: maxMessageBytes)
            }
            return maxMessageBytes + EmailRoutes.formOverheadBytes
        }
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                ParserErrorResponder(maxHeaderBytes: maxHeaderBytes, maxHeaders: maxHeaders),
                ContinueResponder(bodyLimit: bodyLimit),
                RefusedBodyCloser(),
                SlowBodyCloser(grace: bodyGrace, bytesPerSecond: bodyMinRate, logger: logger),
                UpgradeDecliner(),
            ],
            idleTimeout: .seconds(Int64(idleTimeoutSeconds)),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: maxHeaderBytes, maxHeaderListSize: maxHeaderBytes, maxHeaderFieldCount: maxHeaders))
    }
}
