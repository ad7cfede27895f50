import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `100 Continue` to a request that asks for it (`Expect: 100-continue`), so the client
/// sends its body at once.
///
/// Clients that send the expectation (.NET Framework's HttpClient on every POST, older libcurl
/// and PHP on bodies over 1 KiB, curl on uploads over 1 MiB) otherwise wait for a timeout
/// (0.35–1 s) before sending the body: every such request would be that much slower. The final
/// answer still comes from the route, after the body. A body its `Content-Length` already shows
/// too large for the path's limit is not asked for: the route answers 413 from the length alone,
/// and the client does not upload what would be thrown away (RFC 9110 §10.1.1); nor is one sent
/// with no token or to no route (``mayBeTaken(_:)``).
final class ContinueResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    /// The most the route takes, by path and `Content-Type`.
    private let bodyLimit: @Sendable (_ path: String, _ contentType: String?) -> Int

    init(bodyLimit: @escaping @Sendable (_ path: String, _ contentType: String?) -> Int) {
        self.bodyLimit = bodyLimit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data), Self.expectsContinue(request), !tooLarge(request),
            Self.mayBeTaken(request)
        {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }

    private func tooLarge(_ request: HTTPRequest) -> Bool {
        guard let length = request.headerFields[.contentLength].flatMap(Int.init) else { return false }
        let path = request.path.map { $0.split(separator: "?", maxSplits: 1).first.map(String.init) ?? $0 } ?? "/"
        return length > bodyLimit(path, request.headerFields[.contentType])
    }

    /// Whether the route could take the body: a path under `/v1/`, and a bearer token where one is
    /// needed (every route but the SMS webhooks, which are signed instead). A request without one,
    /// or to no route, is answered 401 or 404 from its head: no body is asked for in vain. (The
    /// token itself is checked by the route, after the body.)
    static func mayBeTaken(_ request: HTTPRequest) -> Bool {
        guard let path = request.path, path.hasPrefix("/v1/") else { return false }
        if path.hasPrefix("/v1/sms/") { return true }
        return request.headerFields[.authorization].map { $0.lowercased().hasPrefix("bearer ") } ?? false
    }

    /// `Expect: 100-continue` (case-insensitive, RFC 9110 §10.1.1), on an HTTP/1.1 request.
    static func expectsContinue(_ request: HTTPRequest) -> Bool {
        request.headerFields[values: .expect].contains { $0.lowercased() == "100-continue" }
    }
}
