import ComplaintCore
import Foundation
import GatewayServer
import GatewayTestSupport
import Testing

/// Bearer tokens against every protected endpoint: missing, malformed and wrong tokens get 401,
/// a valid token without the endpoint's scope gets 403 before anything is read or changed.
@Suite("Bearer tokens and scopes on every protected endpoint")
struct TokenScopeTests {
    /// One endpoint, the scope it needs, and a request that would be harmless if let through.
    struct Endpoint: Sendable, CustomTestStringConvertible {
        var verb: RunningGateway.Verb
        var path: String
        var scope: Scope
        var body: Data?
        var contentType: String

        init(
            _ verb: RunningGateway.Verb, _ path: String, _ scope: Scope, body: String? = nil,
            type: String = "application/json"
        ) {
            self.verb = verb
            self.path = path
            self.scope = scope
            self.body = body.map { Data($0.utf8) }
            contentType = type
        }

        var testDescription: String { "\(verb.rawValue.uppercased()) \(path)" }
    }

    static let endpoints: [Endpoint] = [
        Endpoint(.post, "/v1/complaints", .submit, body: #"{"text":"路灯不亮"}"#),
        Endpoint(
            .post, "/v1/email", .submit, body: "From: a@example.com\r\nSubject: x\r\n\r\nhello\r\n",
            type: "message/rfc822"),
        Endpoint(.post, "/v1/hotline/calls?profile=12345", .upload, body: "工单编号\r\n", type: "text/csv"),
        Endpoint(.get, "/v1/hotline/imports/raw_0000/rejected.csv", .upload),
        Endpoint(.get, "/v1/complaints", .read),
        Endpoint(.get, "/v1/complaints/cmp_0000", .read),
        Endpoint(.post, "/v1/routing/explain", .read, body: #"{"text":"路灯不亮"}"#),
        Endpoint(.post, "/v1/routing/reload", .admin),
        Endpoint(.get, "/v1/deadletters", .admin),
        Endpoint(.post, "/v1/deadletters/replay", .admin),
        Endpoint(.post, "/v1/deadletters/cmp_0000/replay", .admin),
        Endpoint(.get, "/v1/quarantine", .admin),
        Endpoint(.get, "/v1/quarantine/raw_0000", .admin),
        Endpoint(.post, "/v1/quarantine/raw_0000/reprocess", .admin),
    ]

    /// One token per scope, each 24+ random-looking characters.
    static let scopedTokens: [(Scope, String)] = Scope.allCases.map {
        ($0, "\($0.rawValue)-only-token-0123456789abcdef")
    }

    static func start(_ downstream: DownstreamServer) async throws -> RunningGateway {
        try await RunningGateway.start(downstream: downstream.baseURL) { configuration in
            for (scope, secret) in scopedTokens {
                configuration.auth.tokens.append(.init(name: "\(scope.rawValue)-only", secret: secret, scopes: [scope]))
            }
        }
    }

    func send(_ endpoint: Endpoint, _ gateway: RunningGateway, token: String?, authorization: String? = nil)
        async throws -> RunningGateway.Reply
    {
        var headers = [("Content-Type", endpoint.contentType)]
        if let authorization { headers.append(("Authorization", authorization)) }
        return try await gateway.request(
            endpoint.verb, endpoint.path, body: endpoint.body, token: authorization == nil ? token : nil,
            headers: headers)
    }

    @Test("token × endpoint: each scope opens exactly its own endpoints; the others answer 403 and change nothing")
    func matrix() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream)
        for endpoint in Self.endpoints {
            for (scope, token) in Self.scopedTokens {
                let reply = try await send(endpoint, gateway, token: token)
                if scope == endpoint.scope {
                    #expect(
                        ![401, 403].contains(reply.status), "\(scope) on \(endpoint.testDescription): \(reply.status)")
                } else {
                    #expect(reply.status == 403, "\(scope) on \(endpoint.testDescription)")
                    #expect(reply.errorCode == "forbidden")
                    #expect(reply.errorMessage?.contains("lacks the \(endpoint.scope.rawValue) scope") == true)
                }
            }
            let all = try await send(endpoint, gateway, token: RunningGateway.token)
            #expect(![401, 403].contains(all.status), "* on \(endpoint.testDescription)")
        }
        // Only the submit and upload tokens' own requests stored anything: one API complaint, one email.
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM complaints WHERE channel = 'api'") == "2")
        // The raw payloads kept their headers, but never the bearer token.
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads") != "0")
        let kept = try await sqlite(gateway.databasePath, "SELECT channel, headers FROM raw_payloads")
        for secret in Self.scopedTokens.map(\.1) + [RunningGateway.token] {
            #expect(!kept.contains(secret), "\(kept)")
        }
        try await gateway.stop()
        await downstream.stop()
    }

    @Test(
        "missing, malformed and wrong bearer tokens get 401 with WWW-Authenticate on every endpoint",
        arguments: [
            nil, "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token \(RunningGateway.token)",
            "Bearer \(RunningGateway.token.dropLast())", "Bearer \(RunningGateway.token)x",
            "Bearer \(RunningGateway.token.uppercased())", "Bearer \(RunningGateway.token) \(RunningGateway.token)",
        ] as [String?])
    func unauthenticated(_ authorization: String?) async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream)
        for endpoint in Self.endpoints {
            let reply = try await send(endpoint, gateway, token: nil, authorization: authorization)
            #expect(reply.status == 401, "\(authorization ?? "no header") on \(endpoint.testDescription)")
            #expect(reply.errorCode == "unauthorized")
            #expect(reply.headers.contains { $0.0.lowercased() == "www-authenticate" && $0.1.hasPrefix("Bearer") })
        }
        #expect(try await sqlite(gateway.databasePath, "SELECT count(*) FROM raw_payloads") == "0")
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("the scheme is case-insensitive and surrounding spaces are ignored, as RFC 9110 allows")
    func schemeCase() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await Self.start(downstream)
        for authorization in ["bearer \(RunningGateway.token)", "BEARER   \(RunningGateway.token)  "] {
            let reply = try await gateway.request(
                .get, "/v1/complaints", token: nil, headers: [("Authorization", authorization)])
            #expect(reply.status == 200, "\(authorization)")
        }
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a token past its `expires` time gets 401 on every endpoint; before it, the token works")
    func expiredToken() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL) { configuration in
            configuration.auth.tokens.append(
                .init(
                    name: "retired", secret: "retired-token-0123456789abcdef", scopes: Set(Scope.allCases),
                    expiresAt: Date().addingTimeInterval(-1)))
            configuration.auth.tokens.append(
                .init(
                    name: "current", secret: "current-token-0123456789abcdef", scopes: Set(Scope.allCases),
                    expiresAt: Date().addingTimeInterval(3600)))
        }
        for endpoint in Self.endpoints {
            let reply = try await send(endpoint, gateway, token: "retired-token-0123456789abcdef")
            #expect(reply.status == 401, "\(endpoint.testDescription)")
            #expect(reply.errorMessage?.contains("expired") == true)
            #expect(
                reply.headers.contains { $0.0.lowercased() == "www-authenticate" && $0.1.contains("invalid_token") })
        }
        #expect(
            try await gateway.request(.get, "/v1/complaints", token: "current-token-0123456789abcdef").status == 200)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("a token or a provider secret read from a file with its line end is taken without it, with a warning")
    func secretsWithLineEnds() throws {
        let config = try SampleConfigCopy.temporary("cg-secrets")
        defer { config.remove() }
        let loaded = try GatewayConfiguration.load(
            directory: config.directory,
            environment: [
                "GATEWAY_TOKEN": RunningGateway.token + "\n",
                "ALIYUN_SMS_TOKEN": "aliyun-url-token-0123456789abcdef\r\n",
            ])
        #expect(loaded.auth.tokens.first?.secret == RunningGateway.token)
        let warnings = loaded.warnings.map(\.description).filter {
            $0.contains("begins or ends with a space or line break")
        }
        #expect(warnings.count == 2, "\(loaded.warnings)")
        #expect(warnings.contains { $0.contains("auth.tokens[0].token") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("sms.providers.aliyun.token") }, "\(warnings)")
    }

    @Test("`expires` in gateway.yaml is read as RFC 3339; anything else is a config error naming the line")
    func expiresConfig() throws {
        let config = try SampleConfigCopy.temporary("cg-auth")
        defer { config.remove() }
        let directory = config.directory
        let original = try config.read("gateway.yaml")
        let entry = "      scopes: [\"*\"]\n"
        #expect(original.contains(entry))
        try config.write(
            "gateway.yaml",
            original.replacingOccurrences(of: entry, with: entry + "      expires: 2026-12-31T00:00:00Z\n"))
        let loaded = try GatewayConfiguration.load(
            directory: directory, environment: ["GATEWAY_TOKEN": RunningGateway.token])
        #expect(loaded.auth.tokens.first?.expiresAt.map(RFC3339.format) == "2026-12-31T00:00:00Z")

        try config.write(
            "gateway.yaml", original.replacingOccurrences(of: entry, with: entry + "      expires: next tuesday\n"))
        #expect {
            try GatewayConfiguration.load(directory: directory, environment: ["GATEWAY_TOKEN": RunningGateway.token])
        } throws: { error in
            "\(error)".contains("gateway.yaml:") && "\(error)".contains("expires") && "\(error)".contains("RFC 3339")
        }
    }
}
