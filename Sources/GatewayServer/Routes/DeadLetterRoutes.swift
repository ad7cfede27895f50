import ComplaintCore
import ComplaintDispatch
import Foundation
import Hummingbird
import Storage

/// Dead letters for operators (admin scope): list, replay one, replay many.
///
/// `GET /v1/deadletters?department=&limit=`, `POST /v1/deadletters/{id}/replay`,
/// `POST /v1/deadletters/replay?department=` (every dead letter, or one department's).
struct DeadLetterRoutes: Sendable {
    let store: any ComplaintStore
    let auth: Authenticator
    let dispatcher: OutboxDispatcher

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/deadletters") { request, _ in
            _ = try auth.require(.admin, request)
            let parameters = request.uri.queryParameters
            try QueryParameterCheck.require(parameters, known: ["department", "limit", "cursor"])
            let limit = try QueryParameterCheck.limit(parameters)
            let after = try parameters.get("cursor").map { text -> DeadLetterCursor in
                guard let cursor = DeadLetterCursor(text) else {
                    throw GatewayError.badRequest(
                        "cursor must be a next_cursor from an earlier page; found \"\(text)\"")
                }
                return cursor
            }
            // One of the right shape naming no complaint would answer a page that reads as the end.
            if let after, try await store.complaint(id: after.complaintID) == nil {
                throw GatewayError.badRequest(
                    "cursor \(after) names no stored complaint: pass the next_cursor of an earlier page")
            }
            let department = parameters.get("department")
            let pageSize = limit ?? 100
            let items = try await store.deadLetters(
                DeadLetterQuery(department: department, limit: pageSize, after: after))
            if items.isEmpty, after == nil, let department { try requireKnown(department) }
            let next = items.count == pageSize ? items.last?.cursor : nil
            return jsonResponse(ResponseBodies.deadLetters(items, nextCursor: next))
        }
        router.post("/v1/deadletters/replay") { request, _ in
            _ = try auth.require(.admin, request)
            // A misspelt `department` must not widen a replay to every department's dead letters.
            try QueryParameterCheck.require(request.uri.queryParameters, known: ["department"])
            let department = request.uri.queryParameters.get("department")
            let ids = try await store.replayDeadLetters(department: department, now: Date())
            if ids.isEmpty, let department { try requireKnown(department) }
            dispatcher.notifyNewWork()
            return jsonResponse(ResponseBodies.replayed(ids))
        }
        router.post("/v1/deadletters/{id}/replay") { request, context in
            _ = try auth.require(.admin, request)
            try QueryParameterCheck.require(request.uri.queryParameters, known: [])
            let id = try context.parameters.require("id")
            guard try await store.replayDeadLetter(complaintID: id, now: Date()) else {
                let (message, exists) = try await NotADeadLetter.explain(id, store: store)
                throw exists
                    ? GatewayError(.conflict, code: "not_a_dead_letter", message)
                    : GatewayError(.notFound, code: "not_found", message)
            }
            dispatcher.notifyNewWork()
            return jsonResponse(ResponseBodies.replayed([id]))
        }
    }

    /// Nothing found for a department the gateway does not know: most likely a typo, which an
    /// empty answer would hide. A removed department's dead letters still list and replay.
    private func requireKnown(_ department: String) throws {
        guard !dispatcher.departmentIDs.contains(department) else { return }
        throw GatewayError(
            .notFound, code: "unknown_department",
            "no department \"\(department)\"; departments: " + dispatcher.departmentIDs.joined(separator: ", "))
    }
}
