import ComplaintCore
import Foundation
import Hummingbird
import NIOCore
import Prometheus
import Storage

/// Health, readiness, metrics, the API's OpenAPI description and the quarantine list.
struct OperationsRoutes: Sendable {
    let store: any ComplaintStore
    let auth: Authenticator
    let registry: PrometheusCollectorRegistry?
    /// Gauges read from the store, brought up to date before each scrape.
    let refreshGauges: @Sendable () async -> Void

    func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in try jsonResponse(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            do {
                try await store.ping()
                return try jsonResponse(["status": "ready"])
            } catch {
                throw GatewayError(.serviceUnavailable, code: "not_ready", "store unreachable: \(error)")
            }
        }
        router.get("/metrics") { _, _ in
            guard let registry else { throw GatewayError(.notFound, code: "not_found", "metrics are not enabled") }
            await refreshGauges()
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
        router.get("/v1/quarantine") { request, _ in
            _ = try auth.require(.admin, request)
            let parameters = request.uri.queryParameters
            try QueryParameterCheck.require(parameters, known: ["limit", "cursor"])
            let limit = try QueryParameterCheck.limit(parameters) ?? 100
            let cursor = try parameters.get("cursor").map { text in
                // A raw id: `raw_` and a ULID, as the last page's `next_cursor` gives it.
                guard text.hasPrefix("raw_"), text.utf8.count == 30 else {
                    throw GatewayError.badRequest(
                        "cursor must be a next_cursor from an earlier page; found \"\(text)\"")
                }
                return text
            }
            let items = try await store.quarantined(limit: limit, before: cursor)
            return jsonResponse(
                ResponseBodies.quarantine(items, nextCursor: items.count == limit ? items.last?.id : nil))
        }
        router.get("/v1/quarantine/{id}") { request, context in
            _ = try auth.require(.admin, request)
            let id = try context.parameters.require("id")
            guard let payload = try await store.quarantinedBody(id: id) else {
                throw GatewayError(.notFound, code: "not_found", "no payload in quarantine has the id \(id)")
            }
            return try Self.asReceived(payload)
        }
    }

    /// The payload's bytes with the type they came with, to look at, fix and send again. An
    /// upload kept in a file is streamed from it: it may be far larger than memory should hold.
    private static func asReceived(_ payload: QuarantinedBody) throws -> Response {
        var headers: HTTPFields = [.contentType: payload.contentType ?? "application/octet-stream"]
        headers[.contentDisposition] = "attachment"
        guard let path = payload.bodyPath else {
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: payload.body)))
        }
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody(contentLength: size) { writer in
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            })
    }
}
