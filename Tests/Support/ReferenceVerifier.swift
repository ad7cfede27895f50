import Foundation

/// Checks a received request's Standard Webhooks signature with the reference implementation
/// (PyPI `standardwebhooks`, through scripts/verify-webhook.py): an independent check of our signer.
public enum ReferenceVerifier {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/verify-webhook.py")

    /// The verifier's verdict: `ok`, or its reason.
    public static func verify(_ request: DownstreamServer.Received, secret: String) async throws -> String {
        let input: [String: Any] = [
            "secret": secret, "headers": request.headers, "body_base64": request.body.base64EncodedString(),
        ]
        let (_, output) = try await spawnCapturingOutput(
            "/usr/bin/env", ["python3", script.path], input: try JSONSerialization.data(withJSONObject: input),
            errorsToOutput: true)
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
