import ComplaintCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Encodes a small response body as compact JSON with sorted keys.
func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
    let data = try encoder.encode(value)
    return Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// A response from an ordered ``JSONWriter`` body.
func jsonResponse(_ writer: JSONWriter, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
}
