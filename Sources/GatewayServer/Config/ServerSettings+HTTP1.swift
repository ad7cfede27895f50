import Hummingbird
import HummingbirdCore
import NIOCore

extension ServerSettings {
    /// The HTTP/1.1 channel: the read timeout and the header limits, with a 431 when a header limit
    /// is passed, `100 Continue` for requests that wait for it, and HTTP/1.1 for requests that ask
    /// to switch protocols.
    var http1Configuration: HTTP1Channel.Configuration {
        let maxHeaderBytes = maxHeaderBytes
        let maxHeaders = maxHeaders
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                ParserErrorResponder(maxHeaderBytes: maxHeaderBytes, maxHeaders: maxHeaders),
                ContinueResponder(),
                UpgradeDecliner(),
            ],
            idleTimeout: .seconds(Int64(idleTimeoutSeconds)),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: maxHeaderBytes, maxHeaderListSize: maxHeaderBytes, maxHeaderFieldCount: maxHeaders))
    }
}
