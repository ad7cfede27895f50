import ComplaintCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import Storage

/// Health, readiness, metrics and the API's OpenAPI description.
struct OperationsRoutes: Sendable {
    let store: any ComplaintStore
    let auth: Authenticator
    let registry: PrometheusCollectorRegistry?
    /// The data directory, whose free space readiness checks.
    let dataDirectory: String
    /// Gauges read from the store, brought up to date before each scrape.
    let refreshGauges: @Sendable () async -> Void
    /// Below this much free space in the data directory the gateway is not ready: the disk is as
    /// good as full, commits and uploads fail there, and a balancer should send the work to another
    /// node. Small, so a small data volume is not called full while it has room.
    static let leastFreeBytes: UInt64 = 8 << 20

    /// The bytes an unprivileged writer may still use on the file system holding `path`.
    static func freeBytes(_ path: String) -> UInt64? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        return UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in try jsonResponse(["status": "ok"]) }
        router.get("/readyz") { _, context in
            // Answered without a token: the store's own error (its SQL, its paths) goes to the log only.
            do {
                try await store.ping()
            } catch {
                context.logger.warning(
                    "not ready: store unavailable", metadata: ["cg.error": "\(LogRedaction.scrub("\(error)"))"])
                throw GatewayError(
                    .serviceUnavailable, code: "not_ready",
                    "the store cannot be used (\(ComplaintRoutes.storeErrorCode(error))): see the gateway's log",
                    headers: [.retryAfter: "5"])
            }
            if let free = Self.freeBytes(dataDirectory), free < Self.leastFreeBytes {
                throw GatewayError(
                    .serviceUnavailable, code: "not_ready",
                    "the data directory's disk has \(free >> 20) MB free (less than \(Self.leastFreeBytes >> 20) MB)",
                    headers: [.retryAfter: "5"])
            }
            return try jsonResponse(["status": "ready"])
        }
        router.get("/metrics") { _, _ in
            guard let registry else { throw GatewayError(.notFound, code: "not_found", "metrics are not enabled") }
            await refreshGauges()
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: MetricHelp.annotate(buffer))))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
    }
}
