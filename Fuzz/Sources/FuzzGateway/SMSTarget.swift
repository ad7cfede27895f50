import ComplaintCore
import Foundation
import SMSAdapter

/// One SMS provider's webhook: signature check and body parsing of a whole request.
///
/// An input is a small HTTP-like text, so the headers a signature scheme reads are fuzzed too:
///
///     query string (empty line: no query)
///     Name: value
///     ...
///     (empty line)
///     body
enum SMSTarget {
    /// One target per provider, with the secrets of Tests/SMSAdapterTests/Vectors (so seeds from the
    /// vectors pass authentication and reach what follows it).
    static let all: [FuzzTarget] = providers.map { provider in
        FuzzTarget(name: "sms-\(provider.name)") { run(provider, $0) }
    }

    static let providers: [any SMSProvider] = {
        let publicURL = PublicURL(base: "https://gw.example.com")
        let timestamps = WebhookTimestamp(toleranceSeconds: 300)
        guard let telnyxKey = TelnyxSignature.publicKey(base64: "68GYuLi/rncjJ4w7MWKfKd5ygpeXzMjCzM5tlDakz/I="),
            let genericKey = StandardWebhooksSignature.key(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        else { fatalError("the fixed test keys do not decode") }
        return [
            TwilioProvider(
                authToken: "12345678901234567890123456789012", sharedKeySecret: "sharedkey-secret-0123456789",
                publicURL: publicURL),
            VonageProvider(secret: "vonage-signature-secret-ABCDEF", method: .md5hash, timestamps: timestamps),
            PlivoProvider(authToken: "MjA5ZTQ0NDE3ZWQ1ZjA2ZTkxYzIzY2Q5ZDE0ZjZh", publicURL: publicURL),
            TelnyxProvider(publicKey: telnyxKey, timestamps: timestamps),
            AliyunProvider(token: "aliyun-token-0123456789abcdef"),
            TencentProvider(token: "tencent-token-0123456789abcdef"),
            GenericJSONProvider(key: genericKey, fields: GenericJSONProvider.FieldPaths(), timestamps: timestamps),
        ]
    }()

    static func run(_ provider: any SMSProvider, _ bytes: [UInt8]) {
        let request = request(bytes, path: "/v1/sms/\(provider.name)")
        _ = provider.authenticate(request, now: Invariants.receivedAt)
        guard case .messages(let messages) = try? provider.parse(request, receivedAt: Invariants.receivedAt) else {
            return
        }
        for message in messages { Invariants.encodes(message.draft) }
    }

    /// Splits an input into query, headers and body (lines end in LF; a CR before it is dropped).
    static func request(_ bytes: [UInt8], path: String) -> SMSRequest {
        var lines: [String] = []
        var start = 0
        var bodyStart = bytes.count
        while start < bytes.count {
            guard let end = bytes[start...].firstIndex(of: 0x0A) else { break }
            var line = bytes[start..<end]
            if line.last == 0x0D { line = line.dropLast() }
            start = end + 1
            if line.isEmpty && !lines.isEmpty {
                bodyStart = start
                break
            }
            lines.append(String(decoding: line, as: UTF8.self))
        }
        if bodyStart == bytes.count && lines.isEmpty { bodyStart = 0 }
        let query = lines.first.flatMap { $0.isEmpty ? nil : $0 }
        let headers = lines.dropFirst().compactMap { line -> SMSRequest.Header? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return SMSRequest.Header(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return SMSRequest(
            path: path, query: query, headers: headers, body: Data(bytes[min(bodyStart, bytes.count)...]),
            authority: "gw.example.com")
    }
}
