import ComplaintCore
import ComplaintDispatch
import Foundation
import Testing

/// departments.yaml: an endpoint's `rate_limit`.
@Suite struct DepartmentsLoaderRateLimitTests {
    @Test func readsTheRate() throws {
        let (departments, diagnostics) = loadOneDepartment(endpoint: "url: http://water.example/c\nrate_limit: 600/min")
        #expect(diagnostics.issues.isEmpty, "\(diagnostics.issues)")
        let rate = try #require(departments.first?.endpoint.rateLimit)
        #expect(rate.perSecond == 10)
        #expect(rate.description == "600/min")
    }

    @Test func noRateLimitByDefault() {
        let (departments, _) = loadOneDepartment(endpoint: "url: http://water.example/c")
        #expect(departments.first?.endpoint.rateLimit == nil)
    }

    @Test(arguments: [
        ("rate_limit: 20", "expected a rate like 20/s, 600/min or 1000/h"),
        ("rate_limit: 20/day", "unknown period \"day\""),
        ("rate_limit: 0/s", "the rate must be above 0"),
    ])
    func badRatesAreReportedAtTheirLine(_ line: String, _ message: String) {
        let (_, diagnostics) = loadOneDepartment(endpoint: "url: http://water.example/c\n\(line)")
        let errors = diagnostics.errors.map(\.description)
        #expect(errors.contains { $0.contains("departments.yaml:5:") && $0.contains(message) }, "\(errors)")
    }
}
