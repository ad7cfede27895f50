import ComplaintCore
import ComplaintDispatch
import Foundation
import Testing

/// departments.yaml: an endpoint's `proxy:`, its credentials, and the mistakes reported at their line.
@Suite struct DepartmentsLoaderProxyTests {
    private func load(_ endpoint: String, environment: [String: String] = [:]) -> ([Department], ConfigDiagnostics) {
        loadOneDepartment(endpoint: endpoint, environment: environment)
    }

    @Test func readsTheProxyAndItsCredentials() throws {
        let (departments, diagnostics) = load(
            "url: https://water.example.gov.cn/complaints\nproxy: ${DEPARTMENT_PROXY:-}",
            environment: ["DEPARTMENT_PROXY": "http://gw%40city:p%3Ass@proxy.city.internal:3128"])
        #expect(diagnostics.issues.isEmpty, "\(diagnostics.issues)")
        let proxy = try #require(departments.first?.endpoint.proxy)
        #expect(proxy.host == "proxy.city.internal")
        #expect(proxy.port == 3128)
        // Percent-escapes in the URL's user and password are the characters they stand for.
        #expect(proxy.authorization == "Basic " + Data("gw@city:p:ss".utf8).base64EncodedString())
        #expect(proxy.description == "proxy.city.internal:3128")
    }

    @Test func anEmptyValueConnectsDirectly() {
        let (departments, diagnostics) = load("url: http://water.example/c\nproxy: ${DEPARTMENT_PROXY:-}")
        #expect(diagnostics.issues.isEmpty, "\(diagnostics.issues)")
        #expect(departments.first?.endpoint.proxy == nil)
    }

    @Test(arguments: [
        ("proxy: https://proxy.example:3128", "only http:// proxies are supported (https:// is not)"),
        ("proxy: socks5://proxy.example:1080", "only http:// proxies are supported"),
        ("proxy: http://proxy.example", "the proxy URL needs a port"),
        ("proxy: http://proxy.example:3128/path", "without a path or query"),
        ("proxy: http://:3128", "the proxy URL has no host"),
        ("headers: { Proxy-Authorization: x }", "is set by the gateway"),
    ])
    func badSettingsAreReportedWhereTheyAre(_ line: String, _ message: String) {
        let (_, diagnostics) = load("url: http://water.example/c\n\(line)")
        let errors = diagnostics.errors.map(\.description)
        #expect(errors.contains { $0.contains(message) }, "\(errors)")
        #expect(errors.allSatisfy { $0.contains("departments.yaml:5:") }, "\(errors)")
    }
}
