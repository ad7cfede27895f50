import HTTPTypes
import Hummingbird

/// Turns the router's 404 for a path that exists under other methods into 405 with `Allow`, so
/// an integrator who sends `PUT /v1/complaints` learns the method is wrong, not the address.
///
/// Added after every route: Hummingbird applies a middleware to the routes added after it and to
/// the not-found responder, so this one runs only when no route answered.
struct MethodNotAllowed<Context: RequestContext>: RouterMiddleware {
    private let routes: [(path: RouterPath, method: HTTPRequest.Method)]

    init(routes: [Router<Context>.RouteDescription]) {
        self.routes = routes.map { ($0.path, $0.method) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = allowedMethods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            let list = allowed.map(\.rawValue).joined(separator: ", ")
            throw GatewayError(
                .methodNotAllowed, code: "method_not_allowed",
                "\(request.method.rawValue) is not allowed on \(request.uri.path); allowed: \(list)",
                headers: [.allow: list])
        }
    }

    /// The methods of the routes whose pattern `path` matches, in name order.
    func allowedMethods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        let methods = Set(routes.filter { Self.matches($0.path.components[...], segments[...]) }.map(\.method.rawValue))
        return methods.sorted().compactMap(HTTPRequest.Method.init(_:))
    }

    private static func matches(_ pattern: ArraySlice<RouterPath.Element>, _ segments: ArraySlice<Substring>) -> Bool {
        guard let element = pattern.first else { return segments.isEmpty }
        if element == .recursiveWildcard { return true }
        guard let segment = segments.first, element ~= segment else { return false }
        return matches(pattern.dropFirst(), segments.dropFirst())
    }
}
