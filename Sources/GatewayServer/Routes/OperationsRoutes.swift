import ComplaintCore
import Foundation
import Hummingbird
import NIOCore
import Prometheus
import Storage

/// Health, readiness, metrics and the API's OpenAPI description.
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
    }
}
