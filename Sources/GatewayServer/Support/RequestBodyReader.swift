import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage

/// Bounded request bodies: refuse early on `Content-Length`, stop reading at the limit otherwise.
enum RequestBodyReader {
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers.value(.contentLength).flatMap(Int.init), length > limit {
            throw GatewayError.tooLarge(limit: limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw GatewayError.tooLarge(limit: limit)
        }
    }

    /// Headers kept with a raw payload: everything but credentials.
    static func keptHeaders(_ request: Request) -> [RawPayload.Header] {
        request.headers.compactMap { field in
            if field.name == .authorization || field.name == .cookie || field.name == .proxyAuthorization { return nil }
            return RawPayload.Header(name: field.name.canonicalName, value: field.value)
        }
    }
}
