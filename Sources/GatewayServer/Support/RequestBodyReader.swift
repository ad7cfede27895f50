import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage

/// Bounded request bodies: refuse early on `Content-Length`, stop reading at the limit otherwise.
enum RequestBodyReader {
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        try refuseContentEncoding(request)
        if let length = request.headers.value(.contentLength).flatMap(Int.init), length > limit {
            throw GatewayError.tooLarge(limit: limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw GatewayError.tooLarge(limit: limit)
        }
    }

    /// A compressed body (`Content-Encoding: gzip`, as some HTTP clients send by default) is
    /// refused with 415 naming the coding (RFC 7694): read as it is, it would be taken for
    /// malformed JSON or a damaged file, and the sender would not learn why.
    static func refuseContentEncoding(_ request: Request) throws {
        guard let coding = request.headers.value(.contentEncoding)?.trimmingCharacters(in: .whitespaces),
            !coding.isEmpty, coding.lowercased() != "identity"
        else { return }
        throw GatewayError(
            .unsupportedMediaType, code: "unsupported_content_encoding",
            "Content-Encoding \"\(coding)\" is not accepted: send the body uncompressed",
            headers: [.acceptEncoding: "identity"])
    }

    /// Headers kept with a raw payload: everything but credentials.
    static func keptHeaders(_ request: Request) -> [RawPayload.Header] {
        request.headers.compactMap { field in
            if field.name == .authorization || field.name == .cookie || field.name == .proxyAuthorization { return nil }
            // The gateway records the sending token's name under this header itself: a client's
            // own would stand before it and could name another token.
            if field.name.canonicalName.lowercased() == "x-token-name" { return nil }
            return RawPayload.Header(name: field.name.canonicalName, value: field.value)
        }
    }
}
