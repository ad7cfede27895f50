import ComplaintCore
import ComplaintDispatch
import Foundation
import Testing

/// departments.yaml: values, interpolation, and errors located by line and field.
@Suite struct DepartmentsLoaderTests {
    private func load(_ yaml: String, environment: [String: String] = [:]) -> ([Department], ConfigDiagnostics) {
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode.parse(
            yaml: yaml, displayName: "departments.yaml", diagnostics: diagnostics, environment: environment)
        return (DepartmentsLoader.read(root), diagnostics)
    }

    static let valid = """
        departments:
          - id: urban-management
            name: 城市管理局
            endpoint:
              url: ${DOWNSTREAM_URL:-http://127.0.0.1:9009}/urban-management
              timeout_ms: 2500
              max_in_flight: 4
              retry: { max_attempts: 5, base_delay_ms: 200, max_delay_ms: 60000 }
              headers: { X-Source: complaint-gateway, X-Token: "${DEPT_TOKEN:-none}" }
          - id: water
            endpoint:
              url: https://water.example.gov/intake
        """

    @Test func readsAValidFile() throws {
        let (departments, diagnostics) = load(Self.valid)
        #expect(diagnostics.issues.isEmpty, "\(diagnostics.issues)")
        try #require(departments.count == 2)

        let urban = departments[0]
        #expect(urban.id == "urban-management")
        #expect(urban.name == "城市管理局")
        #expect(urban.endpoint.url == "http://127.0.0.1:9009/urban-management")
        #expect(urban.endpoint.timeout == 2.5)
        #expect(urban.endpoint.maxInFlight == 4)
        #expect(urban.endpoint.retry == RetryPolicy(maxAttempts: 5, baseDelay: 0.2, maxDelay: 60))
        #expect(
            urban.endpoint.headers == [
                HeaderField(name: "X-Source", value: "complaint-gateway"), HeaderField(name: "X-Token", value: "none"),
            ])

        // Defaults for everything left out; the name falls back to the id.
        let water = departments[1]
        #expect(
            water == Department(id: "water", name: "water", endpoint: .init(url: "https://water.example.gov/intake")))
        #expect(water.endpoint.timeout == 10)
        #expect(water.endpoint.maxInFlight == 16)
        #expect(water.endpoint.retry == RetryPolicy(maxAttempts: 12, baseDelay: 1, maxDelay: 600))
    }

    @Test func environmentOverridesTheDefaultURL() {
        let (departments, diagnostics) = load(
            Self.valid, environment: ["DOWNSTREAM_URL": "http://10.1.2.3:8080", "DEPT_TOKEN": "s3cret"])
        #expect(diagnostics.issues.isEmpty)
        #expect(departments.first?.endpoint.url == "http://10.1.2.3:8080/urban-management")
        #expect(departments.first?.endpoint.headers.last == HeaderField(name: "X-Token", value: "s3cret"))
    }

    @Test func emptyEnvironmentValueFallsBackToTheDefault() {
        let (departments, diagnostics) = load(Self.valid, environment: ["DOWNSTREAM_URL": ""])
        #expect(diagnostics.issues.isEmpty)
        #expect(departments.first?.endpoint.url == "http://127.0.0.1:9009/urban-management")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var line: Int
        var field: String
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "non-http URL",
            yaml: """
                departments:
                  - id: a
                    endpoint:
                      url: http://127.0.0.1:9009/a
                  - id: b
                    endpoint:
                      url: ftp://files.example/b
                """, line: 7, field: "departments[1].endpoint.url", message: "is not an http:// or https:// URL"),
        Case(
            name: "URL without a host",
            yaml: """
                departments:
                  - id: a
                    endpoint:
                      url: just-a-path
                """, line: 4, field: "departments[0].endpoint.url", message: "is not an http:// or https:// URL"),
        Case(
            name: "URL with an empty host",
            yaml: """
                departments:
                  - id: a
                    endpoint:
                      url: "http://:80/a"
                """, line: 4, field: "departments[0].endpoint.url", message: "is not an http:// or https:// URL"),
        Case(
            name: "URL with a port out of range",
            yaml: """
                departments:
                  - id: a
                    endpoint:
                      url: http://127.0.0.1:99999/a
                """, line: 4, field: "departments[0].endpoint.url", message: "port 99999 is not a TCP port"),
        Case(
            name: "URL with port 0",
            yaml: """
                departments:
                  - id: a
                    endpoint:
                      url: http://127.0.0.1:0/a
                """, line: 4, field: "departments[0].endpoint.url", message: "port 0 is not a TCP port"),
        Case(
            name: "URL with a password",
            yaml: """
                departments:
                  - id: a
                    endpoint:
                      url: http://gw:secret@127.0.0.1:9009/a
                """, line: 4, field: "departments[0].endpoint.url", message: "carries a user name or password"),
        Case(
            name: "duplicate id",
            yaml: """
                departments:
                  - id: water
                    endpoint: { url: "http://127.0.0.1:9009/w1" }
                  - id: water
                    endpoint: { url: "http://127.0.0.1:9009/w2" }
                """, line: 4, field: "departments[1].id", message: "duplicate department id \"water\""),
        Case(
            name: "unknown key",
            yaml: """
                departments:
                  - id: water
                    endpoint:
                      url: http://127.0.0.1:9009/water
                      timeout_ms: 100
                      colour: blue
                """, line: 6, field: "departments[0].endpoint.colour", message: "unknown field"),
        Case(
            name: "unknown key at department level",
            yaml: """
                departments:
                  - id: water
                    endpiont:
                      url: http://127.0.0.1:9009/water
                    endpoint:
                      url: http://127.0.0.1:9009/water
                """, line: 3, field: "departments[0].endpiont", message: "unknown field"),
        Case(
            name: "missing endpoint",
            yaml: """
                departments:
                  - id: a
                    endpoint: { url: "http://127.0.0.1:9009/a" }
                  - id: b
                    name: B
                """, line: 4, field: "departments[1].endpoint", message: "required field is missing"),
        Case(
            name: "missing id",
            yaml: """
                departments:
                  - name: nameless
                    endpoint: { url: "http://127.0.0.1:9009/a" }
                """, line: 2, field: "departments[0].id", message: "required field is missing"),
        Case(
            name: "max_delay below base_delay",
            yaml: """
                departments:
                  - id: a
                    endpoint:
                      url: http://127.0.0.1:9009/a
                      retry:
                        base_delay_ms: 5000
                        max_delay_ms: 1000
                """, line: 7, field: "departments[0].endpoint.retry.max_delay_ms",
            message: "must not be less than base_delay_ms"),
        Case(
            name: "timeout out of range",
            yaml: """
                departments:
                  - id: a
                    endpoint:
                      url: http://127.0.0.1:9009/a
                      timeout_ms: 0
                """, line: 5, field: "departments[0].endpoint.timeout_ms", message: "out of range"),
        Case(
            name: "header set by the gateway",
            yaml: """
                departments:
                  - id: a
                    endpoint:
                      url: http://127.0.0.1:9009/a
                      headers:
                        Idempotency-Key: mine
                """, line: 6, field: "departments[0].endpoint.headers.Idempotency-Key",
            message: "cannot be overridden"),
        Case(
            name: "unset environment variable",
            yaml: """
                departments:
                  - id: a
                    endpoint:
                      url: ${NO_SUCH_DOWNSTREAM}/a
                """, line: 4, field: "departments[0].endpoint.url", message: "NO_SUCH_DOWNSTREAM is not set"),
        Case(
            name: "id with spaces",
            yaml: """
                departments:
                  - id: urban management
                    endpoint: { url: "http://127.0.0.1:9009/a" }
                """, line: 2, field: "departments[0].id", message: "may contain only letters, digits"),
        Case(
            name: "no departments key",
            yaml: """
                departements:
                  - id: a
                """, line: 1, field: "departements", message: "unknown field"),
    ]

    @Test(arguments: cases)
    func errorsCarryLineAndField(_ testCase: Case) throws {
        let (_, diagnostics) = load(testCase.yaml)
        #expect(diagnostics.hasErrors)
        let issue = try #require(
            diagnostics.errors.first { $0.field == testCase.field },
            "no error for \(testCase.field) in \(diagnostics.issues)")
        #expect(issue.line == testCase.line)
        #expect(issue.file == "departments.yaml")
        #expect(issue.message.contains(testCase.message), "\(issue.message)")
        #expect(issue.description.hasPrefix("departments.yaml:\(testCase.line): \(testCase.field): "))
        #expect(throws: ConfigError.self) { try diagnostics.throwIfErrors() }
    }

    /// One bad value is reported once: the check between two delays is not made when one of
    /// them is itself invalid (300 is not less than a delay that has no value).
    @Test func aBadDelayIsNotAlsoComparedWithTheOther() throws {
        let (_, diagnostics) = load(
            """
            departments:
              - id: a
                endpoint:
                  url: http://127.0.0.1:9009/a
                  retry: { base_delay_ms: abc, max_delay_ms: 300 }
                  circuit_breaker: { open_ms: 0, max_open_ms: 5 }
            """)
        #expect(
            diagnostics.errors.map(\.field).sorted() == [
                "departments[0].endpoint.circuit_breaker.open_ms", "departments[0].endpoint.retry.base_delay_ms",
            ])
    }

    /// A value that would break the request line by line (every delivery would then fail and be
    /// retried until it is dead) is refused at load, most often a secret read with its newline.
    @Test func headerValuesWithLineBreaksAreRefusedAtLoad() throws {
        let (_, diagnostics) = load(
            """
            departments:
              - id: a
                endpoint:
                  url: http://127.0.0.1:9009/a
                  headers:
                    X-Source: "gateway\\r\\nX-Injected: 1"
                    "Bad Name": x
                  auth: { bearer: "${DEPT_TOKEN}" }
            """, environment: ["DEPT_TOKEN": "s3cret\n"])
        let byField = Dictionary(diagnostics.errors.map { ($0.field, $0) }, uniquingKeysWith: { first, _ in first })
        let header = try #require(byField["departments[0].endpoint.headers.X-Source"], "\(diagnostics.issues)")
        #expect(header.line == 6)
        #expect(header.message.contains("line break"))
        #expect(byField["departments[0].endpoint.headers.Bad Name"]?.message.contains("not a header name") == true)
        let token = try #require(byField["departments[0].endpoint.auth.bearer"])
        #expect(token.line == 8)
        #expect(token.message.contains("newline"))
    }

    @Test func reportsEveryProblemAtOnce() {
        let (_, diagnostics) = load(
            """
            departments:
              - id: a
                endpoint:
                  url: ftp://x/a
              - id: a
                colour: red
            """)
        #expect(
            Set(diagnostics.errors.map(\.field)) == [
                "departments[0].endpoint.url", "departments[1].id", "departments[1].colour", "departments[1].endpoint",
            ])
    }

    @Test func missingDepartmentsListIsAnError() {
        let (_, diagnostics) = load("{}")
        #expect(diagnostics.errors.map(\.field) == ["departments"])
        let (_, empty) = load("departments: []")
        #expect(empty.errors.map(\.message) == ["no departments defined"])
    }

    @Test func yamlSyntaxErrorIsReportedWithItsLine() {
        let (departments, diagnostics) = load(
            """
            departments:
              - id: a
                endpoint: { url: "http://x/a"
            """)
        #expect(departments.isEmpty)
        #expect(diagnostics.hasErrors)
        #expect(diagnostics.errors.first?.message.hasPrefix("YAML syntax error") == true)
        #expect(diagnostics.errors.first?.line != nil)
    }
}
