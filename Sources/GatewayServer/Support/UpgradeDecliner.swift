import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers a request that asks to switch protocols (`Connection: Upgrade` with `Upgrade: h2c`,
/// `websocket`, …) over HTTP/1.1, as RFC 9110 §7.8 allows, and then closes the connection.
///
/// Java's `HttpClient` sends `Upgrade: h2c` on its first request to every `http://` host. NIO's
/// decoder stops parsing a connection after an upgrade request, expecting the new protocol to take
/// over; without this handler the next request on that connection would wait forever. Closing
/// after the answer (and saying so with `Connection: close`) makes the client open a fresh
/// connection, which it does without the upgrade header.
final class UpgradeDecliner: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var declining = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var request) = unwrapInboundIn(data), Self.asksToUpgrade(request) else {
            context.fireChannelRead(data)
            return
        }
        declining = true
        // The server loop stops after a request that says `close`.
        request.headerFields[.connection] = "close"
        context.fireChannelRead(wrapInboundOut(.head(request)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard declining, case .head(var response) = unwrapOutboundIn(data), response.status.kind != .informational
        else {
            context.write(data, promise: promise)
            return
        }
        response.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(response)), promise: promise)
    }

    /// A `Connection` header naming the `upgrade` option together with an `Upgrade` header.
    static func asksToUpgrade(_ request: HTTPRequest) -> Bool {
        guard request.headerFields[.upgrade] != nil else { return false }
        return request.headerFields[values: .connection].contains { value in
            value.split(separator: ",").contains { $0.filter { $0 != " " && $0 != "\t" }.lowercased() == "upgrade" }
        }
    }
}
