import ComplaintCore
import ComplaintDispatch
import Foundation
import Testing

/// departments.yaml: auth, signing secret, circuit breaker, give-up time and body templates.
@Suite struct DepartmentsLoaderDeliveryTests {
    private func load(_ yaml: String, environment: [String: String] = [:], directory: URL? = nil)
        -> ([Department], ConfigDiagnostics)
    {
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode.parse(
            yaml: yaml, displayName: "departments.yaml", diagnostics: diagnostics, environment: environment)
        return (DepartmentsLoader.read(root, directory: directory), diagnostics)
    }

    static let full = """
        departments:
          - id: water
            endpoint:
              url: http://127.0.0.1:9009/water
              retry: { max_attempts: 8, base_delay_ms: 500, max_delay_ms: 60000, give_up_after_ms: 3600000 }
              circuit_breaker: { failure_threshold: 10, open_ms: 5000, max_open_ms: 60000 }
              auth: { bearer: "${WATER_TOKEN}" }
              signing_secret: ${DOWNSTREAM_SIGNING_SECRET:-}
          - id: roads
            endpoint:
              url: http://127.0.0.1:9009/roads
              auth:
                basic: { username: gateway, password: "${ROADS_PASSWORD:-changeme}" }
              signing_secret: ${DOWNSTREAM_SIGNING_SECRET:-}
        """

    @Test func readsEverySetting() throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let (departments, diagnostics) = load(
            Self.full, environment: ["WATER_TOKEN": "w-token", "DOWNSTREAM_SIGNING_SECRET": secret])
        #expect(diagnostics.issues.isEmpty, "\(diagnostics.issues)")
        try #require(departments.count == 2)
        let water = departments[0].endpoint
        #expect(water.retry == RetryPolicy(maxAttempts: 8, baseDelay: 0.5, maxDelay: 60, giveUpAfter: 3600))
        #expect(water.breaker == CircuitBreakerPolicy(failureThreshold: 10, openDuration: 5, maxOpenDuration: 60))
        #expect(water.auth == .bearer(token: "w-token"))
        #expect(water.signingSecret == (try WebhookSecret(parsing: secret)))
        let roads = departments[1].endpoint
        #expect(roads.auth == .basic(username: "gateway", password: "changeme"))
        #expect(roads.breaker == CircuitBreakerPolicy())
        #expect(roads.retry.giveUpAfter == 86_400)
    }

    /// `${DOWNSTREAM_SIGNING_SECRET:-}` signs when the variable is set and non-empty, and not otherwise.
    @Test(arguments: [nil, "", "  "] as [String?])
    func unsetOrEmptySecretSignsNothing(_ value: String?) {
        var environment = ["WATER_TOKEN": "t"]
        if let value { environment["DOWNSTREAM_SIGNING_SECRET"] = value }
        let (departments, diagnostics) = load(Self.full, environment: environment)
        #expect(diagnostics.issues.isEmpty, "\(diagnostics.issues)")
        #expect(departments.map(\.endpoint.signingSecret) == [nil, nil])
    }

    @Test func badSecretIsAnErrorAtItsLine() throws {
        let (_, diagnostics) = load(
            Self.full, environment: ["WATER_TOKEN": "t", "DOWNSTREAM_SIGNING_SECRET": "hunter2"])
        let issue = try #require(diagnostics.errors.first)
        #expect(issue.field == "departments[0].endpoint.signing_secret")
        #expect(issue.line == 8)
        #expect(issue.message.contains("whsec_"))
        #expect(!issue.message.contains("hunter2"))
    }

    @Test func shortSecretIsAWarning() {
        let (departments, diagnostics) = load(
            Self.full, environment: ["WATER_TOKEN": "t", "DOWNSTREAM_SIGNING_SECRET": "whsec_c2VjcmV0"])
        #expect(!diagnostics.hasErrors)
        #expect(diagnostics.warnings.count == 2)
        #expect(departments.first?.endpoint.signingSecret?.key == Data("secret".utf8))
    }

    @Test func unsetBearerTokenIsAnError() throws {
        let (_, diagnostics) = load(Self.full)
        let issue = try #require(diagnostics.errors.first)
        #expect(issue.field == "departments[0].endpoint.auth.bearer")
        #expect(issue.message.contains("WATER_TOKEN is not set"))
    }

    @Test func authNeedsExactlyOneScheme() {
        let (_, diagnostics) = load(
            """
            departments:
              - id: a
                endpoint:
                  url: http://127.0.0.1:9009/a
                  auth: { bearer: x, basic: { username: u, password: p } }
              - id: b
                endpoint:
                  url: http://127.0.0.1:9009/b
                  auth: { basic: { username: u } }
              - id: c
                endpoint:
                  url: http://127.0.0.1:9009/c
                  headers: { Authorization: "Bearer x" }
            """)
        #expect(
            Set(diagnostics.errors.map(\.field)) == [
                "departments[0].endpoint.auth", "departments[1].endpoint.auth.basic.password",
                "departments[2].endpoint.headers.Authorization",
            ])
    }

    @Test func templatesLoadRelativeToTheConfigDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cg-tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("templates"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(#"{"ticket":"{{id}}"}"#.utf8).write(to: directory.appendingPathComponent("templates/ok.mustache"))
        try Data("{{#id}}".utf8).write(to: directory.appendingPathComponent("templates/broken.mustache"))
        let (departments, diagnostics) = load(
            """
            departments:
              - id: a
                endpoint:
                  url: http://127.0.0.1:9009/a
                  body_template: templates/ok.mustache
                  body_content_type: application/vnd.a+json
              - id: b
                endpoint:
                  url: http://127.0.0.1:9009/b
                  body_template: templates/broken.mustache
              - id: c
                endpoint:
                  url: http://127.0.0.1:9009/c
                  body_template: templates/missing.mustache
            """, directory: directory)
        #expect(departments[0].endpoint.template?.contentType == "application/vnd.a+json")
        #expect(departments[0].endpoint.template?.source == "templates/ok.mustache")
        let errors = diagnostics.errors
        #expect(
            errors.map(\.field) == ["departments[1].endpoint.body_template", "departments[2].endpoint.body_template"])
        #expect(errors.map(\.line) == [10, 14])
        #expect(errors.first?.message.contains("templates/broken.mustache") == true)
        #expect(errors.last?.message.contains("cannot read template file templates/missing.mustache") == true)
    }

    @Test func aMisspeltTemplateVariableIsAWarningAtItsLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cg-tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(#"{"body":"{{txet}}","phone":"{{complainant.phone}}"}"#.utf8)
            .write(to: directory.appendingPathComponent("typo.mustache"))
        let (departments, diagnostics) = load(
            """
            departments:
              - id: a
                endpoint:
                  url: http://127.0.0.1:9009/a
                  body_template: typo.mustache
            """, directory: directory)
        #expect(!diagnostics.hasErrors)
        #expect(departments.first?.endpoint.template != nil)
        let warning = try #require(diagnostics.warnings.first)
        #expect(warning.line == 5)
        #expect(warning.field == "departments[0].endpoint.body_template")
        #expect(warning.message.contains("names \"txet\", which no field of the record has"))
    }
}
