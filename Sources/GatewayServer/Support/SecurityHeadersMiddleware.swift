import Hummingbird

/// Applies ``SecurityHeaders`` to every response.
///
/// It sits outside ``ErrorRenderingMiddleware`` so that errors, which become responses only after
/// every middleware has run, are rendered here and get the same headers.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        SecurityHeaders.apply(to: &response.headers)
        return response
    }
}
