import ComplaintCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Routing

/// `POST /v1/routing/explain` (read scope) and `POST /v1/routing/reload` (admin scope).
struct RoutingRoutes: Sendable {
    let reloader: ConfigReloader
    let auth: Authenticator
    let maxBodyBytes: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/routing/explain") { request, _ in try await explain(request) }
        router.post("/v1/routing/reload") { request, _ in try reload(request) }
    }

    /// Routes the posted record with the tables in force and answers the decision with every rule tried.
    private func explain(_ request: Request) async throws -> Response {
        _ = try auth.require(.read, request)
        let body = try await RequestBodyReader.collect(request, limit: maxBodyBytes)
        let record: Complaint
        do {
            record = try ExplainInput.complaint(fromJSON: Data(body.readableBytesView))
        } catch {
            throw GatewayError(
                error.field == nil ? .badRequest : .unprocessableContent,
                code: error.field == nil ? "malformed_json" : "invalid_record", error.description)
        }
        let decision = reloader.routers.current.explain(record)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: decision.explanationJSON(stored: record.routing))))
    }

    /// Reloads the tables; 200 with the new version, or 422 with every problem and the version still running.
    private func reload(_ request: Request) throws -> Response {
        _ = try auth.require(.admin, request)
        var writer = JSONWriter(capacity: 512)
        switch reloader.reload() {
        case .reloaded(let previous, let configuration, let departments, let profiles, let warnings):
            writer.beginObject()
            writer.field("reloaded", true)
            writer.field("tables_version", configuration.version)
            writer.field("previous_version", previous)
            writer.field("tables", configuration.tables.count)
            writer.field("rules", configuration.tables.reduce(0) { $0 + $1.rules.count })
            writer.field("departments", departments.count)
            writer.key("hotline_profiles")
            writer.beginArray()
            for profile in profiles { writer.value(profile) }
            writer.endArray()
            writer.key("warnings")
            Self.writeIssues(warnings, into: &writer)
            writer.endObject()
            return jsonResponse(writer)
        case .refused(let running, let issues):
            let errors = issues.filter { $0.severity == .error }
            writer.beginObject()
            writer.key("error")
            writer.beginObject()
            writer.field("code", "routing_invalid")
            writer.field(
                "message",
                "reload refused with \(errors.count) error\(errors.count == 1 ? "" : "s"); "
                    + "the running tables (\(running)), departments and hotline profiles stay")
            // The errors that refused it, and apart from them the warnings, as a reload that is
            // taken lists them: a tool counting `issues` counts errors.
            writer.key("issues")
            Self.writeIssues(errors, into: &writer)
            writer.key("warnings")
            Self.writeIssues(issues.filter { $0.severity != .error }, into: &writer)
            writer.endObject()
            writer.field("tables_version", running)
            writer.endObject()
            return jsonResponse(writer, status: .unprocessableContent)
        }
    }

    private static func writeIssues(_ issues: [ConfigIssue], into writer: inout JSONWriter) {
        writer.beginArray()
        for issue in issues { writer.value(issue.description) }
        writer.endArray()
    }
}
